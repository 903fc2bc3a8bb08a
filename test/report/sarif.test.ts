import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { renderToString } from '../../src/report/index.js';
import { SARIF_MAX_RESULTS, artifactUri } from '../../src/report/sarif.js';
import type { Finding, Report } from '../../src/model/finding.js';
import { finding, report } from '../fixtures/reports/build.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { hostileReport } from '../fixtures/reports/hostile.js';
import { demoRulesMeta } from '../fixtures/reports/rules-meta.js';

const schemaPath = fileURLToPath(new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url));
const ajv = new Ajv04.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations: { name: string; fullyQualifiedName: string; kind: string }[] }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; status: string; justification: string }[];
  baselineState?: string;
  properties: Record<string, unknown>;
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
  properties: { 'security-severity': string; tags: string[] };
}
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: SarifRule[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
    results: SarifResult[];
    properties: { droppedResults: number };
  }[];
}

function render(r: Report, opts: Parameters<typeof renderToString>[2] = {}): SarifLog {
  const text = renderToString('sarif', r, opts);
  const log = JSON.parse(text) as SarifLog;
  const valid = validateSarif(log);
  expect(validateSarif.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  return log;
}

describe('sarif', () => {
  test('validates against the official SARIF 2.1.0 schema (demo, hostile, with and without rule metadata)', () => {
    render(demoReport);
    render(demoReport, { rulesMeta: demoRulesMeta, sarifLocation: 'policy/cloud run rules.yaml' });
    render(hostileReport);
    render({ ...demoReport, findings: [], errors: [] });
  });

  test('every text a viewer shows holds control characters and bidi overrides only as escapes', () => {
    const text = renderToString('sarif', hostileReport);
    const strings: string[] = [];
    JSON.parse(text, (key, value: unknown) => (strings.push(key, typeof value === 'string' ? value : ''), value));
    for (const x of strings) expect(x).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const log = JSON.parse(text) as { runs: { results: { message: { text: string } }[] }[] };
    const messages = log.runs[0]!.results.map((r) => r.message.text).join('\n');
    expect(messages).toContain('terminal \\x1b[31mRED\\x1b[0m\\x1b]0;title\\x07\\x1b[2J bidi abc\\u202eevil\\u202c nul \\x00');
  });

  test('one rule per rule id present, sorted, with severity, tags and help from the rule metadata', () => {
    const run = render(demoReport, { rulesMeta: demoRulesMeta }).runs[0]!;
    const rules = run.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual([
      'cross-project-identity',
      'default-identity',
      'identity-impersonation',
      'primitive-role',
      'privilege-escalation',
      'public-privileged-service',
      'role-denied',
      'role-not-allowed',
      'shared-identity',
      'user-managed-key',
    ]);
    // The worst severity found for the rule in this run: primitive-role has an Owner (critical) finding.
    expect(Object.fromEntries(rules.map((r) => [r.id, r.properties['security-severity']]))).toEqual({
      'cross-project-identity': '4.0',
      'default-identity': '7.0',
      'identity-impersonation': '4.0',
      'primitive-role': '9.0',
      'privilege-escalation': '7.0',
      'public-privileged-service': '9.0',
      'role-denied': '7.0',
      'role-not-allowed': '0.0',
      'shared-identity': '4.0',
      'user-managed-key': '4.0',
    });
    const def = rules[1]!;
    expect(def.name).toBe('DefaultIdentity');
    expect(def.shortDescription.text).toBe('Workload runs as a default service account');
    expect(def.fullDescription.text).toBe(demoRulesMeta[1]!.summary);
    expect(def.help.markdown).toBe(demoRulesMeta[1]!.docMarkdown);
    expect(def.help.text).toContain('How to fix (projects/acme-dev/locations/europe-west1/jobs/nightly-export): Run nightly-export as a dedicated service account.');
    expect(def.properties.tags).toEqual(['security', 'cloud-run', 'iam', 'least-privilege', 'default-service-account']);
    expect(def.defaultConfiguration.level).toBe('error');
    expect(rules[5]!.helpUri).toBe('https://cloud.google.com/run/docs/securing/service-identity');
    expect(rules[2]!.help.markdown).toContain('How to fix (projects/acme-prod/locations/europe-west1/services/billing): Remove principals');
  });

  test('one result per finding with level, ruleIndex, fingerprint, location and identity', () => {
    const run = render(demoReport, { rulesMeta: demoRulesMeta, sarifLocation: 'rules/acme.yaml' }).runs[0]!;
    expect(run.results.length).toBe(demoReport.findings.length);
    const levels = run.results.map((r) => `${r.ruleId}:${r.level}`);
    expect(levels).toEqual(demoReport.findings.map((f) => `${f.ruleId}:${{ critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' }[f.severity]}`));
    run.results.forEach((r, i) => {
      const f = demoReport.findings[i]!;
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.partialFingerprints['cloudrunAuditorFindingId/v1']).toBe(f.id);
      expect(r.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'rules/acme.yaml' }, region: { startLine: 1 } });
      expect(r.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe(f.resource);
      expect(r.message.text).toContain(f.serviceAccount);
    });
    expect(JSON.stringify(render(demoReport, { rulesMeta: demoRulesMeta }))).not.toContain('rules/default.yaml');
    // Without a file the user named, results carry only the workload as a logical location: no invented path.
    const logical = render(demoReport, { rulesMeta: demoRulesMeta }).runs[0]!;
    logical.results.forEach((r, i) => {
      const f = demoReport.findings[i]!;
      expect(r.locations).toEqual([{ logicalLocations: [{ name: f.resource.split('/').at(-1), fullyQualifiedName: f.resource, kind: 'resource' }] }]);
      expect(r.partialFingerprints).toEqual({ 'cloudrunAuditorFindingId/v1': f.id });
    });
    const rev = run.results.find((r) => r.properties['resourceType'] === 'revision')!;
    expect(rev.locations[0]!.logicalLocations[0]).toEqual({
      name: 'checkout-00007-xuv',
      fullyQualifiedName: 'projects/acme-prod/locations/us-central1/services/checkout/revisions/checkout-00007-xuv',
      kind: 'resource',
    });
    expect(run.results[0]!.message.text).toBe(
      [
        'service checkout (us-central1, acme-prod) runs as checkout-sa@acme-prod.iam.gserviceaccount.com, which holds roles/owner through a binding on folder 2000 (prod). Fix: Remove roles/owner from checkout-sa on folder 2000 and grant only the roles checkout needs.',
        ...demoReport.findings[0]!.remediation.commands,
      ].join('\n'),
    );
  });

  test('suppressed findings carry an external suppression; an expired one does not suppress', () => {
    const run = render(demoReport).runs[0]!;
    const suppressed = run.results.filter((r) => r.suppressions !== undefined);
    expect(suppressed.map((r) => r.ruleId)).toEqual(['role-denied']);
    expect(suppressed[0]!.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'Dev sandbox; BigQuery admin needed until the export is rewritten (DATA-412). (expires 2099-12-31, owner data-platform@acme.example)',
      },
    ]);
    const expired = run.results.find((r) => r.ruleId === 'cross-project-identity')!;
    expect(expired.suppressions).toBeUndefined();
    expect((expired.properties['suppression'] as { expired: boolean }).expired).toBe(true);
  });

  test('collection errors become tool notifications; baseline state follows `new`', () => {
    const marked = { ...demoReport, findings: demoReport.findings.map((f, i) => ({ ...f, new: i === 0 })) };
    const run = render(marked).runs[0]!;
    expect(run.invocations[0]!.toolExecutionNotifications).toEqual([
      { level: 'error', message: { text: 'acme-legacy: run.googleapis.com 403: Permission denied listing Cloud Run services in acme-legacy: grant roles/run.viewer to the scanning identity' } },
      { level: 'error', message: { text: 'acme-legacy: cloudresourcemanager.googleapis.com 403: Permission denied reading the IAM policy of project acme-legacy: grant roles/iam.securityReviewer' } },
      { level: 'error', message: { text: 'iam.googleapis.com TIMEOUT: Timed out reading service account partner-sync@partner-shared.iam.gserviceaccount.com; its roles are unknown' } },
    ]);
    expect(run.results.map((r) => r.baselineState)).toEqual(marked.findings.map((_, i) => (i === 0 ? 'new' : 'unchanged')));
  });

  test('keeps the most severe results when over the cap and says how many were dropped', () => {
    const sev = ['low', 'critical', 'info', 'high', 'medium', 'high'] as const;
    const findings: Finding[] = sev.map((s, i) =>
      finding({
        ruleId: 'default-identity',
        severity: s,
        resourceType: 'service',
        resource: `projects/p-${i}/locations/europe-west1/services/s${i}`,
        serviceAccount: `sa${i}@p-${i}.iam.gserviceaccount.com`,
        message: `m${i}`,
        evidence: {},
        remediation: { summary: 'x', commands: [] },
        suppressed: i === 5,
      }),
    );
    const r = report({ scope: { kind: 'projects', ids: ['p'], regions: [] }, counts: { projects: 6, services: 6, revisions: 6, jobs: 0 }, findings, errors: [] });
    const run = render(r, { sarifMaxResults: 3 }).runs[0]!;
    // By severity (a suppressed high still beats a medium), output in the original order.
    expect(run.results.map((x) => x.message.text)).toEqual(['m1. Fix: x', 'm3. Fix: x', 'm5. Fix: x']);
    expect(run.properties.droppedResults).toBe(3);
    // Between equal severities the active finding is kept before the suppressed one.
    expect(render(r, { sarifMaxResults: 2 }).runs[0]!.results.map((x) => x.message.text)).toEqual(['m1. Fix: x', 'm3. Fix: x']);
    expect(run.invocations[0]!.toolExecutionNotifications).toEqual([
      { level: 'warning', message: { text: '3 of 6 findings were left out: a run may carry at most 3 results; the most severe were kept' } },
    ]);
  });

  test('the default cap is GitHub’s 25,000 results', { timeout: 120_000 }, () => {
    expect(SARIF_MAX_RESULTS).toBe(25_000);
    const base = demoReport.findings[12]!; // low
    const findings = Array.from({ length: 25_002 }, (_, i) => ({ ...base, id: `id${i}`, severity: i === 25_001 ? ('critical' as const) : base.severity }));
    const log = JSON.parse(renderToString('sarif', { ...demoReport, findings })) as SarifLog;
    const run = log.runs[0]!;
    expect(run.results.length).toBe(25_000);
    expect(run.properties.droppedResults).toBe(2);
    expect(run.results[run.results.length - 1]!.partialFingerprints['cloudrunAuditorFindingId/v1']).toBe('id25001');
    expect(run.results[0]!.partialFingerprints['cloudrunAuditorFindingId/v1']).toBe('id0');
    expect(run.results[24_998]!.partialFingerprints['cloudrunAuditorFindingId/v1']).toBe('id24998');
  });

  test('reads a rule doc from docPath when no docMarkdown is given, and falls back when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cra-sarif-'));
    try {
      const doc = join(dir, 'default-identity.md');
      writeFileSync(doc, '# default-identity\n\nfrom disk\n');
      const meta = demoRulesMeta.map(({ docMarkdown: _d, ...m }) => ({ ...m, docPath: m.id === 'default-identity' ? doc : join(dir, 'missing.md') }));
      const rules = render(demoReport, { rulesMeta: meta }).runs[0]!.tool.driver.rules;
      expect(rules.find((r) => r.id === 'default-identity')!.help.markdown).toBe('# default-identity\n\nfrom disk\n');
      expect(rules.find((r) => r.id === 'user-managed-key')!.help.markdown.startsWith('**Runtime identity has a user-managed key**\n\nCloud Run never needs a key')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('artifact URIs', () => {
    expect(artifactUri('rules/default.yaml')).toBe('rules/default.yaml');
    expect(artifactUri('./policy/cloud run #1.yaml')).toBe('policy/cloud%20run%20%231.yaml');
    expect(artifactUri('/home/ci/rules.yaml')).toBe('file:///home/ci/rules.yaml');
    expect(artifactUri('C:\\work\\rules.yaml')).toBe('file:///C:/work/rules.yaml');
  });
});
