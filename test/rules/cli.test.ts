/**
 * The rules file through the built CLI, as a user meets it: `rules validate` and `audit --rules` on a snapshot.
 * Covers the hostile-review reproductions: inherited-property label keys, backtracking globs, a 4 MB glob, globs that
 * can match nothing, and suppressions that have already expired.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Report } from '../../src/model/finding.js';
import { writeSnapshot } from '../../src/model/snapshot.js';
import { bind, sa } from '../fixtures/inventories/builder.js';
import { acme, email, PROD, PROD_NUMBER, svc } from '../fixtures/inventories/types.js';
import { runCli } from '../e2e/cli.js';

let tmp: string;
let snapshot: string;
const compute = `${PROD_NUMBER}-compute@developer.gserviceaccount.com`;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cra-rules-cli-'));
  snapshot = join(tmp, 'snapshot.json');
  // billing runs as the compute default identity, which holds Editor: one high default-identity finding.
  const b = acme();
  b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000', bindings: [bind('roles/editor', sa(compute))] }).service('billing', {
    labels: { team: 'billing' },
  });
  b.account(email(PROD, 'unused-sa'));
  writeSnapshot(b.build(), snapshot);
});

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

async function audit(rules: string): Promise<{ code: number | null; stderr: string; report: Report }> {
  const out = join(tmp, `report-${Math.random().toString(36).slice(2)}.json`);
  const res = await runCli(['audit', '--snapshot', snapshot, '--rules', rules, '--format', 'json', '--output', out, '--quiet']);
  return { code: res.code, stderr: res.stderr, report: JSON.parse(readFileSync(out, 'utf8')) as Report };
}

describe('inherited property names in a policy', () => {
  test.each(['constructor', '__proto__'])(
    'labels: {%s: "*"} with the rule disabled hides nothing: the finding is reported and the gate fails',
    async (key) => {
      const rules = file(
        `probe-${key}.yaml`,
        `policies:\n  - name: probe\n    labels: {${JSON.stringify(key)}: "*"}\n    rules: {default-identity: {enabled: false}}\n`,
      );
      const { code, report } = await audit(rules);
      expect(report.findings.filter((f) => f.ruleId === 'default-identity').map((f) => [f.resource, f.severity])).toEqual([
        [svc(PROD, 'billing'), 'high'],
      ]);
      expect(code).toBe(1);
    },
  );

  test('rules validate accepts the file, warning at the key with line:col', async () => {
    const rules = file('probe-validate.yaml', 'policies:\n  - name: probe\n    labels:\n      constructor: "*"\n');
    const res = await runCli(['rules', 'validate', rules]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`${rules}: valid (1 warning)\n`);
    expect(res.stderr).toBe(
      `cloudrun-auditor: ${rules}:4:7: warning: policies[0].labels.constructor: the key "constructor" is the name of a property JavaScript objects inherit; it is read only as this file's own key, but check it is meant\n`,
    );
  });
});

describe('globs', () => {
  test('a backtracking permission glob validates and the audit finishes (it took 46 s with a regular expression)', async () => {
    const rules = file('slow.yaml', 'policies:\n  - deniedPermissions: ["*?*?*?*?*?*?*?Z", "*?*?*?*?*?*?*?*?*?*?*?*?*?*?Z"]\n');
    expect((await runCli(['rules', 'validate', rules])).code).toBe(0);
    const { code, report } = await audit(rules);
    expect(code).toBe(1);
    // No Editor permission ends in Z, so role-denied has nothing to say; default-identity still reports billing.
    expect(report.findings.filter((f) => f.ruleId === 'role-denied')).toEqual([]);
    expect(report.findings.some((f) => f.ruleId === 'default-identity')).toBe(true);
  });

  test('a 4 MB glob: exit 2 and two short lines, not a 10 MB one', async () => {
    const rules = file('huge-glob.yaml', `policies:\n  - deniedPermissions: ["${'*?'.repeat(2 * 1024 * 1024)}Z"]\n`);
    const res = await runCli(['rules', 'validate', rules]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      `cloudrun-auditor: ${rules}: 1 problem\n  ${rules}:2:25: policies[0].deniedPermissions[0]: is 4194305 characters; at most 512 are allowed\n`,
    );
  });

  test('globs and selectors that can match nothing: exit 2 before anything is read', async () => {
    const rules = file('nothing.yaml', 'policies:\n  - regions: [us-central]\n    names: []\n');
    for (const args of [['rules', 'validate', rules], ['audit', '--snapshot', snapshot, '--rules', rules, '--output', join(tmp, 'never.json')]]) {
      const res = await runCli(args);
      expect(res.code).toBe(2);
      expect(res.stderr.split('\n')).toEqual([
        `cloudrun-auditor: ${rules}: 2 problems`,
        `  ${rules}:2:15: policies[0].regions[0]: glob "us-central" can never match a region (such as europe-west1)`,
        `  ${rules}:3:12: policies[0].names: an empty list matches no workload; leave the key out to match every name`,
        '',
      ]);
    }
  });
});

describe('expired suppressions', () => {
  const text = [
    'suppressions:',
    '  - rule: default-identity',
    '    resource: "projects/acme-prod/**"',
    '    reason: migration planned',
    '    expires: 2020-01-31',
    '  - {rule: shared-identity, resource: "projects/acme-prod/**", reason: accepted, expires: 2999-12-31}',
    '',
  ].join('\n');
  const warning = (rules: string): string =>
    `cloudrun-auditor: ${rules}:5:14: warning: suppressions[0].expires: expired on 2020-01-31: it no longer suppresses default-identity findings on "projects/acme-prod/**"; renew it with a new date and reason, or remove it`;

  test('rules validate warns with line:col and still exits 0', async () => {
    const rules = file('expired.yaml', text);
    const res = await runCli(['rules', 'validate', rules]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`${rules}: valid (1 warning)\n`);
    expect(res.stderr).toBe(`${warning(rules)}\n`);
  });

  test('audit says it once on stderr, and the finding is reported unsuppressed', async () => {
    const rules = file('expired-audit.yaml', text);
    const { code, stderr, report } = await audit(rules);
    expect(stderr.split('\n').filter((l) => l.includes('warning:'))).toEqual([warning(rules)]);
    const f = report.findings.find((x) => x.ruleId === 'default-identity');
    expect(f?.suppressed).toBe(false);
    expect(f?.suppression?.expired).toBe(true);
    expect(code).toBe(1);
  });

  test('--log-format json: the warning is a JSON line with severity WARNING', async () => {
    const rules = file('expired-json.yaml', text);
    const res = await runCli(['rules', 'validate', rules, '--log-format', 'json']);
    expect(res.code).toBe(0);
    const lines = res.stderr.trim().split('\n').map((l) => JSON.parse(l) as { severity: string; message: string });
    expect(lines[0]).toEqual({ severity: 'WARNING', message: warning(rules) });
  });
});
