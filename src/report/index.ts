/**
 * The report formats: one registry. Each formatter is a pure function of the Report (and options) that yields
 * chunks, so a large report streams to a file or stdout.
 */
import type { Report } from '../model/finding.js';
import { csv } from './csv.js';
import { html } from './html.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import type { Formatter, RenderOptions } from './options.js';
import { boundStrings, FIELD_MAX } from './sanitize.js';
import { sarif } from './sarif.js';
import { table } from './table.js';

/**
 * Every format renders the report with each string cut at FIELD_MAX characters (the cut notes the full length),
 * so a 20 MB description copied into several findings cannot make a report of hundreds of megabytes.
 */
const bounded =
  (format: Formatter): Formatter =>
  (report, opts) =>
    format(boundStrings(report, FIELD_MAX), opts);

export const formatters = {
  table: bounded(table),
  json: bounded(json),
  csv: bounded(csv),
  sarif: bounded(sarif),
  markdown: bounded(markdown),
  html: bounded(html),
  junit: bounded(junit),
} as const satisfies Record<string, Formatter>;
export type Format = keyof typeof formatters;
export const FORMATS = Object.keys(formatters) as Format[];

/** File extension for each format (for default output names). */
export const FORMAT_EXTENSIONS: Record<Format, string> = {
  table: 'txt',
  json: 'json',
  csv: 'csv',
  sarif: 'sarif',
  markdown: 'md',
  html: 'html',
  junit: 'xml',
};

export function renderToString(format: Format, report: Report, opts: RenderOptions = {}): string {
  let out = '';
  for (const chunk of formatters[format](report, opts)) out += chunk;
  return out;
}

export type { Formatter, RenderOptions, RuleMeta } from './options.js';
export { REPORT_SCHEMA, validateReport } from './schema.js';
export { diffReports, renderDiff, type DiffFormat, type DiffOptions, type FindingChange, type ReportDiff } from './diff.js';
export { applyBaseline } from './baseline.js';
export { summaryLine } from './summary.js';
export { CSV_COLUMNS } from './csv.js';
export { orderReport } from './json.js';
