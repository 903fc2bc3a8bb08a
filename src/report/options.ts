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
  /** File path SARIF results point at (GitHub needs a physical location), e.g. the rules file. */
  sarifLocation?: string;
  rulesMeta?: RuleMeta[];
  /** Results per SARIF run; GitHub code scanning accepts at most 25,000. */
  sarifMaxResults?: number;
}

/** A formatter yields chunks so a large report streams to a file without one giant string. */
export type Formatter = (report: Report, opts: RenderOptions) => Iterable<string>;
