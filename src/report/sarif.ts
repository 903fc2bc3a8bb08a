import { readFileSync } from 'node:fs';
import { severityRank, type Finding, type Report } from '../model/finding.js';
import type { RenderOptions, RuleMeta } from './options.js';
import { SARIF_LEVEL, SECURITY_SEVERITY, worst } from './severity.js';
import { escapeMarkdown, fenceFor } from './escape.js';
import { orderFinding } from './json.js';
import { visibleStrings } from './sanitize.js';
import { workloadParts } from './workload.js';

/** GitHub code scanning rejects a run with more results than this. */
export const SARIF_MAX_RESULTS = 25_000;
export const FINGERPRINT_KEY = 'cloudrunAuditorFindingId/v1';
const SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const BASE_TAGS = ['security', 'cloud-run', 'iam'];
const RULE_TAGS: Record<string, string[]> = {
  'default-identity': ['least-privilege', 'default-service-account'],
  'primitive-role': ['least-privilege', 'basic-roles'],
  'privilege-escalation': ['privilege-escalation'],
  'public-privileged-service': ['public-access', 'privilege-escalation'],
  'identity-impersonation': ['impersonation'],
  'user-managed-key': ['credentials'],
  'role-not-allowed': ['least-privilege', 'policy'],
  'role-denied': ['least-privilege', 'policy'],
  'unexpected-identity': ['policy'],
  'shared-identity': ['least-privilege'],
  'unused-permissions': ['least-privilege', 'usage'],
  'cross-project-identity': ['least-privilege'],
};

/** A file path as a SARIF artifact URI: forward slashes, each segment percent-encoded, absolute paths as file:. */
export function artifactUri(path: string): string {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const encode = (s: string): string => s.split('/').map(encodeURIComponent).join('/');
  if (/^[A-Za-z]:\//.test(p)) return `file:///${p.slice(0, 2)}${encode(p.slice(2))}`;
  if (p.startsWith('/')) return `file://${encode(p)}`;
  return encode(p);
}

const pascal = (id: string): string =>
  id
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('') || 'Rule';

function docOf(meta: RuleMeta | undefined): string | undefined {
  if (meta?.docMarkdown !== undefined) return meta.docMarkdown;
  if (meta?.docPath === undefined) return undefined;
  try {
    return readFileSync(meta.docPath, 'utf8');
  } catch {
    return undefined;
  }
}

function ruleDescriptor(ruleId: string, findings: Finding[], meta: RuleMeta | undefined): Record<string, unknown> {
  const first = findings[0]!;
  const title = meta?.title ?? ruleId;
  const summary = meta?.summary ?? `Cloud Run identity check ${ruleId}.`;
  const fixText = `How to fix (${first.resource}): ${first.remediation.summary}`;
  const commands = first.remediation.commands;
  const fence = fenceFor(commands.join('\n'));
  // Rule title and summary are ours; the example comes from the cloud, so it is escaped.
  const generated = [
    `**${title}**`,
    '',
    summary,
    '',
    `How to fix (${escapeMarkdown(first.resource)}): ${escapeMarkdown(first.remediation.summary)}`,
    ...(commands.length > 0 ? ['', fence + 'sh', ...commands, fence] : []),
  ].join('\n');
  // The rule's own severity for GitHub is the worst one this run found for it, so alerts sort correctly.
  const severity = worst(findings.map((f) => f.severity)) ?? meta?.defaultSeverity ?? 'medium';
  return {
    id: ruleId,
    name: pascal(ruleId),
    shortDescription: { text: title },
    fullDescription: { text: summary },
    ...(meta?.helpUri !== undefined ? { helpUri: meta.helpUri } : {}),
    help: {
      text: [title, summary, fixText, ...commands].join('\n'),
      markdown: docOf(meta) ?? generated,
    },
    defaultConfiguration: { level: SARIF_LEVEL[meta?.defaultSeverity ?? severity] },
    properties: {
      'security-severity': SECURITY_SEVERITY[severity],
      precision: 'high',
      tags: [...BASE_TAGS, ...(RULE_TAGS[ruleId] ?? [])],
    },
  };
}

/** Keeps the most severe findings (active before suppressed) when over the cap, in their original order. */
export function capFindings(findings: Finding[], max: number): { kept: Finding[]; dropped: number } {
  if (findings.length <= max) return { kept: findings, dropped: 0 };
  const order = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || Number(a.f.suppressed) - Number(b.f.suppressed) || a.i - b.i);
  const keep = new Set(order.slice(0, max).map((x) => x.i));
  return { kept: findings.filter((_, i) => keep.has(i)), dropped: findings.length - max };
}

/**
 * Where a result is: always the workload as a logical location (its full resource name carries project, region
 * and service); a physical location only when the user named a file (--sarif-location or --rules), since a path
 * that is not in their repository (the bundled rules file) would point code scanning at nothing.
 */
function locationsOf(f: Finding, uri: string | undefined): Record<string, unknown>[] {
  const { name } = workloadParts(f);
  const logicalLocations = [{ name, fullyQualifiedName: f.resource, kind: 'resource' }];
  return [uri !== undefined ? { physicalLocation: { artifactLocation: { uri }, region: { startLine: 1 } }, logicalLocations } : { logicalLocations }];
}

function result(finding: Finding, ruleIndex: number, uri: string | undefined): Record<string, unknown> {
  const f = orderFinding(finding);
  const out: Record<string, unknown> = {
    ruleId: f.ruleId,
    ruleIndex,
    level: SARIF_LEVEL[f.severity],
    // GitHub shows this text on the alert: the exact commands make it actionable there.
    message: { text: [`${f.message.replace(/[.\s]+$/, '')}. Fix: ${f.remediation.summary}`, ...f.remediation.commands].join('\n') },
    locations: locationsOf(f, uri),
    // With a file, every result points at its line 1; our own line hash stops GitHub from merging them into one alert.
    partialFingerprints: { [FINGERPRINT_KEY]: f.id, ...(uri !== undefined ? { primaryLocationLineHash: `${f.id}:1` } : {}) },
    properties: {
      severity: f.severity,
      project: f.project,
      location: f.location,
      resourceType: f.resourceType,
      resource: f.resource,
      serviceAccount: f.serviceAccount,
      remediation: f.remediation,
      ...(f.suppression !== undefined ? { suppression: f.suppression } : {}),
    },
  };
  if (f.new !== undefined) out['baselineState'] = f.new ? 'new' : 'unchanged';
  if (f.suppressed) {
    const s = f.suppression;
    const justification = s === undefined ? 'suppressed' : `${s.reason} (expires ${s.expires}${s.owner !== undefined ? `, owner ${s.owner}` : ''})`;
    out['suppressions'] = [{ kind: 'external', status: 'accepted', justification }];
  }
  return out;
}

export function* sarif(sourceReport: Report, opts: RenderOptions = {}): Iterable<string> {
  // Code-scanning views show every text as it is: control characters from the cloud arrive as visible escapes.
  const report = visibleStrings(sourceReport);
  const { kept, dropped } = capFindings(report.findings, opts.sarifMaxResults ?? SARIF_MAX_RESULTS);
  const byRule = new Map<string, Finding[]>();
  for (const f of kept) {
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  const meta = new Map((opts.rulesMeta ?? []).map((m) => [m.id, m]));
  const ruleIds = [...byRule.keys()].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const uri = opts.sarifLocation !== undefined ? artifactUri(opts.sarifLocation) : undefined;

  const notifications = report.errors.map((e) => ({
    level: 'error',
    message: { text: `${e.project !== undefined ? e.project + ': ' : ''}${e.api} ${e.status}: ${e.message}` },
  }));
  if (dropped > 0) {
    notifications.push({
      level: 'warning',
      message: { text: `${dropped} of ${report.findings.length} findings were left out: a run may carry at most ${kept.length} results; the most severe were kept` },
    });
  }
  const run = {
    tool: {
      driver: {
        name: report.tool.name,
        version: report.tool.version,
        semanticVersion: report.tool.version,
        rules: ruleIds.map((id) => ruleDescriptor(id, byRule.get(id)!, meta.get(id))),
      },
    },
    invocations: [
      {
        executionSuccessful: true,
        startTimeUtc: report.startedAt,
        endTimeUtc: report.finishedAt,
        toolExecutionNotifications: notifications,
      },
    ],
    properties: {
      scope: report.scope,
      summary: report.summary,
      droppedResults: dropped,
    },
  };
  const head = JSON.stringify({ $schema: SCHEMA_URI, version: '2.1.0', runs: [{ ...run, results: [] }] }, null, 2);
  // Split the skeleton at the empty results array so results stream one chunk each.
  const at = head.lastIndexOf('"results": []');
  yield head.slice(0, at) + '"results": [';
  let i = 0;
  for (const f of kept) {
    const text = JSON.stringify(result(f, ruleIndex.get(f.ruleId)!, uri), null, 2).replace(/\n/g, '\n        ');
    yield (i++ === 0 ? '\n        ' : ',\n        ') + text;
  }
  yield (i > 0 ? '\n      ]' : ']') + head.slice(at + '"results": []'.length) + '\n';
}
