import { stringify } from 'csv-stringify/sync';
import type { Finding, Report, ReportError } from '../model/finding.js';
import type { RenderOptions } from './options.js';
import { safeText } from './sanitize.js';

/**
 * CSV columns, one row per finding, in this order (a public contract: add columns at the end only):
 *   id, severity, ruleId, project, location, resourceType, resource, serviceAccount, message,
 *   remediationSummary, remediationCommands (one per line), suppressed (true/false), suppressionReason,
 *   suppressionExpires, suppressionExpired (true/false, empty without a suppression), new (true/false, empty
 *   without --baseline), kind (`finding` or `error`), api and status (of an error; empty for a finding).
 * After the findings, one row per `errors` entry (kind `error`: project, api, status and message filled in), so a
 * spreadsheet of an incomplete scan says so instead of looking clean.
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
  'kind',
  'api',
  'status',
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
    kind: 'finding',
    api: '',
    status: '',
  };
}

function errorCells(e: ReportError): Record<CsvColumn, string> {
  const row = Object.fromEntries(CSV_COLUMNS.map((c) => [c, ''])) as Record<CsvColumn, string>;
  return { ...row, project: e.project ?? '', message: e.message, kind: 'error', api: e.api, status: String(e.status) };
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
  // Commands join several values, each bounded already, so a cell is never cut here (Infinity).
  const line = (row: Record<CsvColumn, string>): string =>
    stringify([CSV_COLUMNS.map((c) => neutraliseFormula(safeText(row[c], Infinity)))], OPTIONS);
  for (const f of report.findings) yield line(cells(f));
  // Error rows carry Google's words (messages, API names): the same sanitising as findings.
  for (const e of report.errors) yield line(errorCells(e));
}
