import type { Finding } from '../model/finding.js';
import { escapeMarkdown } from './escape.js';
import { FINDING_KEYS, orderFinding } from './json.js';
import { SEVERITY_ICON } from './markdown.js';
import { boundStrings, escapeInvisibleInJson } from './sanitize.js';
import { oneLine } from './text.js';
import { workloadLabel } from './workload.js';

export interface FindingChange {
  before: Finding;
  after: Finding;
  /** Fields whose values differ, in report key order. */
  fields: string[];
}

export interface ReportDiff {
  new: Finding[];
  resolved: Finding[];
  changed: FindingChange[];
}

export type DiffFormat = 'text' | 'markdown' | 'json';

/** `new` only says how a finding relates to some baseline; it is not a property of the finding. */
const COMPARED = FINDING_KEYS.filter((k) => k !== 'id' && k !== 'new');
/**
 * Evidence records facts behind a finding (a policy name, a place's display name); a change there alone changes
 * nothing the reader must act on, so it is compared only when asked (`diff --evidence`).
 */
const COMPARED_WITHOUT_EVIDENCE = COMPARED.filter((k) => k !== 'evidence');

export interface DiffOptions {
  /** Also report findings whose only change is in `evidence`. */
  evidence?: boolean;
}

/** JSON with object keys sorted, so evidence written in another key order is not a change. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val !== null && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : val,
  );
}

/** Findings matched by id: new (only in newR), resolved (only in oldR), changed (in both, some field differs). */
export function diffReports(oldR: { findings: Finding[] }, newR: { findings: Finding[] }, opts: DiffOptions = {}): ReportDiff {
  const compared = opts.evidence === true ? COMPARED : COMPARED_WITHOUT_EVIDENCE;
  const before = new Map(oldR.findings.map((f) => [f.id, f]));
  const after = new Set(newR.findings.map((f) => f.id));
  const out: ReportDiff = { new: [], resolved: [], changed: [] };
  for (const f of newR.findings) {
    const old = before.get(f.id);
    if (old === undefined) {
      out.new.push(f);
      continue;
    }
    const fields = compared.filter((k) => canonical(old[k]) !== canonical(f[k]));
    if (fields.length > 0) out.changed.push({ before: old, after: f, fields });
  }
  for (const f of oldR.findings) if (!after.has(f.id)) out.resolved.push(f);
  return out;
}

const line = (f: Finding): string => oneLine(`[${f.severity}] ${f.ruleId} · ${workloadLabel(f)} (${f.location}, ${f.project}): ${f.message}`);

function changeSummary(c: FindingChange): string {
  const fields = c.fields.includes('suppressed') ? c.fields.filter((k) => k !== 'suppression') : c.fields;
  const parts = fields.map((k) => {
    if (k === 'severity') return `severity ${c.before.severity} → ${c.after.severity}`;
    if (k === 'suppressed') return c.after.suppressed ? 'now suppressed' : 'no longer suppressed';
    return k;
  });
  return parts.join(', ');
}

export function renderDiff(d: ReportDiff, format: DiffFormat): string {
  if (format === 'json') {
    const ordered = {
      new: d.new.map(orderFinding),
      resolved: d.resolved.map(orderFinding),
      changed: d.changed.map((c) => ({ before: orderFinding(c.before), after: orderFinding(c.after), fields: c.fields })),
    };
    // Exact values, with each string bounded and terminal-active characters as \u escapes, as in --format json.
    return escapeInvisibleInJson(JSON.stringify(boundStrings(ordered), null, 2)) + '\n';
  }
  const head = `${d.new.length} new, ${d.resolved.length} resolved, ${d.changed.length} changed`;
  if (format === 'text') {
    const out = [head];
    if (d.new.length > 0) out.push('', 'NEW', ...d.new.map((f) => '+ ' + line(f)));
    if (d.resolved.length > 0) out.push('', 'RESOLVED', ...d.resolved.map((f) => '- ' + line(f)));
    if (d.changed.length > 0) out.push('', 'CHANGED', ...d.changed.map((c) => `~ ${line(c.after)}\n    ${oneLine(changeSummary(c))}`));
    return out.join('\n') + '\n';
  }
  const row = (f: Finding): string =>
    `| ${SEVERITY_ICON[f.severity]} ${f.severity} | ${escapeMarkdown(f.ruleId)} | ${escapeMarkdown(workloadLabel(f))} (${escapeMarkdown(f.location)}, ${escapeMarkdown(f.project)}) | ${escapeMarkdown(f.message)} |`;
  const tableHead = '| Severity | Rule | Workload | Message |\n| --- | --- | --- | --- |';
  const out = ['# Cloud Run identity audit: changes', '', `**${head}**`];
  if (d.new.length > 0) out.push('', `## New (${d.new.length})`, '', tableHead, ...d.new.map(row));
  if (d.resolved.length > 0) out.push('', `## Resolved (${d.resolved.length})`, '', tableHead, ...d.resolved.map(row));
  if (d.changed.length > 0) {
    out.push('', `## Changed (${d.changed.length})`, '', '| Severity | Rule | Workload | Message | What changed |', '| --- | --- | --- | --- | --- |');
    out.push(...d.changed.map((c) => `${row(c.after)} ${escapeMarkdown(changeSummary(c))} |`));
  }
  return out.join('\n') + '\n';
}
