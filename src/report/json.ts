import { SEVERITIES, type Cause, type Coverage, type Finding, type Remediation, type Report, type ReportError, type Suppression } from '../model/finding.js';
import type { Scope } from '../model/inventory.js';
import type { RenderOptions } from './options.js';
import { escapeInvisibleInJson } from './sanitize.js';

/**
 * Key order of the JSON report: the order of src/model/finding.ts. `keys` makes the compiler fail when a field
 * is added to the model but not here; a test checks the JSON Schema lists the same keys.
 */
const keys =
  <T>() =>
  <const K extends readonly (keyof T)[]>(k: K, ..._missing: [Exclude<keyof T, K[number]>] extends [never] ? [] : [missing: Exclude<keyof T, K[number]>]): K =>
    k;

export const REPORT_KEYS = keys<Report>()([
  'schemaVersion',
  'tool',
  'startedAt',
  'finishedAt',
  'scope',
  'summary',
  'coverage',
  'causes',
  'findings',
  'errors',
  'notes',
]);
export const SCOPE_KEYS = keys<Scope>()(['kind', 'ids', 'regions']);
export const SUMMARY_KEYS = keys<Report['summary']>()([
  'projects',
  'services',
  'revisions',
  'jobs',
  'findings',
  'bySeverity',
  'errors',
  'causes',
  'projectsWithFindings',
]);
export const COVERAGE_KEYS = keys<Coverage>()(['projects', 'withWorkloads', 'runApiDisabled', 'unreadable']);
export const CAUSE_KEYS = keys<Cause>()(['id', 'title', 'severity', 'fix', 'findings']);
export const FINDING_KEYS = keys<Finding>()([
  'id',
  'ruleId',
  'severity',
  'project',
  'location',
  'resourceType',
  'resource',
  'serviceAccount',
  'message',
  'evidence',
  'remediation',
  'suppressed',
  'suppression',
  'new',
]);
export const REMEDIATION_KEYS = keys<Remediation>()(['summary', 'commands', 'terraform']);
export const SUPPRESSION_KEYS = keys<Suppression & { expired: boolean }>()(['rule', 'resource', 'reason', 'expires', 'owner', 'expired']);
export const ERROR_KEYS = keys<ReportError>()(['project', 'api', 'status', 'message']);

function pick<T extends object>(o: T, order: readonly (keyof T)[]): T {
  const out: Partial<T> = {};
  for (const k of order) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

export function orderFinding(f: Finding): Finding {
  const out = pick(f, FINDING_KEYS);
  out.remediation = pick(f.remediation, REMEDIATION_KEYS);
  if (f.suppression !== undefined) out.suppression = pick(f.suppression, SUPPRESSION_KEYS);
  return out;
}

/** The report with every object's keys in the published order (evidence is kept as the rule wrote it). */
export function orderReport(r: Report): Report {
  const out = pick(r, REPORT_KEYS);
  out.tool = pick(r.tool, ['name', 'version']);
  out.scope = pick(r.scope, SCOPE_KEYS);
  out.summary = pick(r.summary, SUMMARY_KEYS);
  out.summary.bySeverity = pick(r.summary.bySeverity, SEVERITIES);
  // Reports written before causes and coverage existed (a --baseline, a diff) have neither.
  if (r.coverage !== undefined) out.coverage = pick(r.coverage, COVERAGE_KEYS);
  if (r.causes !== undefined) out.causes = r.causes.map((c) => pick(c, CAUSE_KEYS));
  out.findings = r.findings.map(orderFinding);
  out.errors = r.errors.map((e) => pick(e, ERROR_KEYS));
  return out;
}

const indent = (text: string, pad: string): string => text.replace(/\n/g, '\n' + pad);

/**
 * Same value as `JSON.stringify(orderReport(r), null, 2) + "\n"` once parsed, one finding per chunk; the bytes
 * differ only where a string holds a character a terminal would act on (escapeInvisibleInJson).
 */
export function* json(report: Report, _opts: RenderOptions = {}): Iterable<string> {
  for (const chunk of jsonChunks(report)) yield escapeInvisibleInJson(chunk);
}

function* jsonChunks(report: Report): Iterable<string> {
  const r = orderReport(report);
  // Causes and findings grow with the organisation: one chunk per item, so memory stays flat however big it is.
  const { causes, findings, errors, notes, ...head } = r;
  const headText = JSON.stringify(head, null, 2);
  yield headText.slice(0, -2);
  if (causes !== undefined) {
    yield ',\n  "causes": ';
    yield* arrayChunks(causes);
  }
  yield ',\n  "findings": ';
  yield* arrayChunks(findings);
  const tail = notes !== undefined ? ',\n  "notes": ' + indent(JSON.stringify(notes, null, 2), '  ') : '';
  yield ',\n  "errors": ' + indent(JSON.stringify(errors, null, 2), '  ') + tail + '\n}\n';
}

/** A top-level array of the report, as JSON.stringify(…, null, 2) lays it out, one element per chunk. */
function* arrayChunks(items: readonly unknown[]): Iterable<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  for (let i = 0; i < items.length; i++) {
    yield (i === 0 ? '[\n    ' : ',\n    ') + indent(JSON.stringify(items[i], null, 2), '    ');
  }
  yield '\n  ]';
}
