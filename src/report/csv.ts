import { stringify } from 'csv-stringify/sync';
import type { Finding, Report } from '../model/finding.js';
import type { RenderOptions } from './options.js';
import { safeText } from './sanitize.js';

/**
 * CSV columns, one row per finding, in this order (a public contract: add columns at the end only):
 *   id, severity, ruleId, project, location, resourceType, resource, serviceAccount, message,
 *   remediationSummary, remediationCommands (one per line), suppressed (true/false), suppressionReason,
 *   suppressionExpires, suppressionExpired (true/false, empty without a suppression), new (true/false, empty
 *   without --baseline).
 * RFC 4180: header row, CRLF between records, fields holding a comma, quote, CR or LF are quoted. UTF-8, no BOM.
 * Cells are sanitised (sanitize.ts): control characters are visible escapes, line breaks inside a cell are LF.
 */
export const CSV_COLUMNS = [
  'id',
  'severity',
  'ruleId',
  'project',
  'location',
  'resourceType',
  'resource',
  'serviceAccount',
  'message',
  'remediationSummary',
  'remediationCommands',
  'suppressed',
  'suppressionReason',
  'suppressionExpires',
  'suppressionExpired',
  'new',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

const bool = (b: boolean | undefined): string => (b === undefined ? '' : String(b));

function cells(f: Finding): Record<CsvColumn, string> {
  return {
    id: f.id,
    severity: f.severity,
    ruleId: f.ruleId,
    project: f.project,
    location: f.location,
    resourceType: f.resourceType,
    resource: f.resource,
    serviceAccount: f.serviceAccount,
    message: f.message,
    remediationSummary: f.remediation.summary,
    remediationCommands: f.remediation.commands.join('\n'),
    suppressed: bool(f.suppressed),
    suppressionReason: f.suppression?.reason ?? '',
    suppressionExpires: f.suppression?.expires ?? '',
    suppressionExpired: bool(f.suppression?.expired),
    new: bool(f.new),
  };
}

/**
 * Spreadsheets evaluate a cell starting with = + - @ (and tab/CR, which some strip first); a leading quote makes
 * it text. NUL is added because csv-stringify's own escape_formulas misses it.
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r\0]/.test(cell) ? `'${cell}` : cell;
}

const OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const;

export function* csv(report: Report, _opts: RenderOptions = {}): Iterable<string> {
  yield stringify([[...CSV_COLUMNS]], OPTIONS);
  for (const f of report.findings) {
    const row = cells(f);
    // Commands join several values, each bounded already, so a cell is never cut here (Infinity).
    yield stringify([CSV_COLUMNS.map((c) => neutraliseFormula(safeText(row[c], Infinity)))], OPTIONS);
  }
}
