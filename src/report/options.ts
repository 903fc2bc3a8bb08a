import type { Report, Severity } from '../model/finding.js';

/** What a rule says about itself; feeds SARIF `rules[]`. */
export interface RuleMeta {
  id: string;
  title: string;
  defaultSeverity: Severity;
  summary: string;
  /** The rule's documentation page (rules/<id>.md) as Markdown. */
  docMarkdown?: string;
  /** Where that page lives on disk; read when `docMarkdown` is absent. */
  docPath?: string;
  helpUri?: string;
}

export interface RenderOptions {
  /** ANSI colour in the terminal table. The caller decides (TTY, NO_COLOR). */
  color?: boolean;
  /** Terminal width for the table; default 100. */
  width?: number;
  /** File SARIF results point at (the rules file the user passed, or --sarif-location); without it, logical locations only. */
  sarifLocation?: string;
  rulesMeta?: RuleMeta[];
  /** The run's --fail-on: with a baseline, summaries say how many new findings are at or above it. */
  failOn?: Severity | 'none';
  /** Results per SARIF run; GitHub code scanning accepts at most 25,000. */
  sarifMaxResults?: number;
}

/** A formatter yields chunks so a large report streams to a file without one giant string. */
export type Formatter = (report: Report, opts: RenderOptions) => Iterable<string>;
