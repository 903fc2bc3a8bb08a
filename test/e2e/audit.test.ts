import { mkdtempSync, readFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { validateReport } from '../../src/report/index.js';
import type { Report } from '../../src/model/finding.js';
import { runCli } from './cli.js';

const ORG = '482915736104';
let emu: RunningEmulator;
let tmp: string;

beforeAll(async () => {
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), maxPageSize: 2 });
  tmp = mkdtempSync(join(tmpdir(), 'cra-e2e-'));
});
afterAll(async () => {
  await emu.close();
});

/** The demo organisation's findings, reviewed by hand against src/emulator/scenarios/demo.yaml. */
const EXPECTED = [
  'critical primitive-role projects/acme-data-prod/locations/us-central1/services/reporting',
  'critical public-privileged-service projects/acme-web-prod/locations/us-central1/services/storefront',
  'high default-identity projects/acme-data-prod/locations/us-central1/jobs/cleanup',
  'high default-identity projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel',
  'high default-identity projects/acme-web-prod/locations/us-central1/services/storefront',
  'high identity-impersonation projects/acme-data-prod/locations/europe-west1/jobs/nightly-export',
  'high identity-impersonation projects/acme-data-prod/locations/us-central1/jobs/cleanup',
  'high identity-impersonation projects/acme-data-prod/locations/us-central1/services/reporting',
  'high identity-impersonation projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel',
  'high identity-impersonation projects/acme-web-prod/locations/us-central1/services/storefront',
  'high primitive-role projects/acme-data-prod/locations/us-central1/jobs/cleanup',
  'high primitive-role projects/acme-payments-prod/locations/us-central1/services/payments-api',
  'high primitive-role projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel',
  'high primitive-role projects/acme-web-prod/locations/us-central1/services/storefront',
  'high privilege-escalation projects/acme-data-prod/locations/europe-west1/jobs/nightly-export',
  'high privilege-escalation projects/acme-data-prod/locations/us-central1/jobs/cleanup',
  'high privilege-escalation projects/acme-data-prod/locations/us-central1/services/reporting',
  'high privilege-escalation projects/acme-payments-prod/locations/us-central1/services/payments-api',
  'high privilege-escalation projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel',
  'high privilege-escalation projects/acme-web-prod/locations/us-central1/services/storefront',
  'medium cross-project-identity projects/acme-web-staging/locations/us-central1/services/notifier',
  'medium identity-impersonation projects/acme-web-staging/locations/us-central1/services/notifier',
  'medium shared-identity projects/acme-payments-prod/locations/europe-west1/services/ledger-worker',
  'medium shared-identity projects/acme-payments-prod/locations/us-central1/services/ledger',
  'medium user-managed-key projects/acme-payments-prod/locations/europe-west1/services/fraud-scorer',
];

function summarise(r: Report): string[] {
  return r.findings.map((f) => `${f.severity} ${f.ruleId} ${f.resource}`);
}

describe('audit of the demo organisation through the emulator', () => {
  test('JSON: exact findings, both unreadable projects listed with a fix, exit 1 at the default --fail-on high', async () => {
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--format', 'json']);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as Report;
    expect(validateReport(report)).toEqual({ valid: true, errors: [] });
    expect(summarise(report)).toEqual(EXPECTED);
    // The project the scanner may not read is an error (both its Run lists); the one with the Run API off is not.
    expect(report.errors).toEqual([
      {
        project: 'acme-legacy-billing',
        api: 'run.googleapis.com',
        status: 403,
        message: 'permission run.jobs.list denied on project acme-legacy-billing: grant the scanner roles/run.viewer on it',
      },
      {
        project: 'acme-legacy-billing',
        api: 'run.googleapis.com',
        status: 403,
        message: 'permission run.services.list denied on project acme-legacy-billing: grant the scanner roles/run.viewer on it',
      },
    ]);
    expect(report.summary).toEqual({
      projects: 6,
      services: 9,
      revisions: 10,
      jobs: 3,
      findings: 25,
      bySeverity: { critical: 2, high: 18, medium: 5, low: 0, info: 0 },
      errors: 2,
      causes: 15,
      projectsWithFindings: 4,
    });
    // The clean workloads produce nothing.
    expect(report.findings.filter((f) => /status-page|db-migrate/.test(f.resource))).toEqual([]);
    // Remediation names real things, never placeholders.
    const storefront = report.findings.find((f) => f.ruleId === 'public-privileged-service')!;
    expect(storefront.remediation.commands).toContain(
      'gcloud run services remove-iam-policy-binding storefront --member=allUsers --role=roles/run.invoker --region=us-central1 --project=acme-web-prod',
    );
    expect(res.stderr).toBe('25 findings from 15 causes (2 critical, 18 high, 5 medium) in 4 of 6 projects scanned; 1 project could not be read\n');
  });

  test.each([
    ['critical', 1],
    ['high', 1],
    ['medium', 1],
    ['low', 1],
    ['none', 3],
  ])('--fail-on %s exits %i', async (failOn, code) => {
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--format', 'json', '--fail-on', String(failOn), '--quiet']);
    expect(res.code).toBe(code);
    expect(res.stderr).toBe('');
  });

  test('--allow-incomplete turns 3 into 0; a complete clean scope exits 0', async () => {
    const incomplete = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--fail-on', 'none', '--allow-incomplete', '--quiet', '--format', 'json']);
    expect(incomplete.code).toBe(0);
    const clean = await runCli(['audit', '--project', 'acme-web-staging', '--region', 'europe-west1', '--endpoint', emu.url, '--format', 'json', '--quiet']);
    const report = JSON.parse(clean.stdout) as Report;
    expect(report.errors).toEqual([]);
    expect(summarise(report)).toEqual([]);
    expect(clean.code).toBe(0);
  });

  test('--project scope and --region filter', async () => {
    const res = await runCli(['audit', '--project', 'acme-web-prod', '--region', 'europe-west1', '--endpoint', emu.url, '--format', 'json', '--quiet']);
    const report = JSON.parse(res.stdout) as Report;
    expect(summarise(report)).toEqual([
      'high default-identity projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel',
      'high identity-impersonation projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel',
      'high primitive-role projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel',
      'high privilege-escalation projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel',
    ]);
    expect(report.scope).toEqual({ kind: 'projects', ids: ['acme-web-prod'], regions: ['europe-west1'] });
    expect(res.code).toBe(1);
  });

  test('collect then audit --snapshot gives the same findings with no network', async () => {
    const snap = join(tmp, 'snap.json');
    const collected = await runCli(['collect', '--organization', ORG, '--endpoint', emu.url, '--output', snap]);
    expect(collected.code).toBe(3);
    expect(collected.stderr).toBe(`wrote ${snap}: 6 projects, 9 services, 3 jobs; 2 could not be read (see "errors")\n`);
    const before = emu.requests.length;
    const res = await runCli(['audit', '--snapshot', snap, '--format', 'json', '--quiet']);
    expect(emu.requests.length).toBe(before);
    expect(summarise(JSON.parse(res.stdout) as Report)).toEqual(EXPECTED);
    expect(res.code).toBe(1);
  });

  test('CSV to a file: one row per finding plus a header, with the remediation commands in a column', async () => {
    const out = join(tmp, 'findings.csv');
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--format', 'csv', '--output', out]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    const csv = readFileSync(out, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('remediationCommands');
    expect(csv).toContain('gcloud run services remove-iam-policy-binding storefront');
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('bad input: one line, exit 2, no report written', () => {
  test.each([
    [['audit', '--project', ''], 'cloudrun-auditor: --project must be a project ID'],
    [['audit', '--organization', 'abc'], 'cloudrun-auditor: --organization must be a numeric organization ID'],
    [['audit', '--project', 'acme-prod', '--folder', '12'], 'cloudrun-auditor: choose one scope: --project and --folder cannot be combined'],
    [['audit', '--snapshot', 'x.json', '--project', 'acme-prod'], 'cloudrun-auditor: --snapshot audits a file with no network'],
    [['audit', '--project', 'acme-prod', '--bogus'], 'cloudrun-auditor: Unknown argument: bogus'],
    [['audit', '--project', 'acme-prod', '--fail-on', 'severe'], 'cloudrun-auditor: Invalid values:'],
    [['audit', '--project', 'acme-prod', '--format', 'json', '--format', 'csv'], 'cloudrun-auditor: several --format values need --output-dir DIR'],
    [['audit', '--project', 'acme-prod', '--concurrency', '0'], 'cloudrun-auditor: --concurrency must be a whole number from 1 to 256'],
    [['audit', '--snapshot', '/nonexistent/snap.json'], 'cloudrun-auditor: /nonexistent/snap.json:'],
    [['audit', '--project', 'acme-prod', '--endpoint', 'http://127.0.0.1:1'], 'cloudrun-auditor: cannot reach http://127.0.0.1:1: connection refused'],
    [['explain', 'no-such-rule'], 'cloudrun-auditor: unknown rule "no-such-rule"'],
    [['frobnicate'], 'cloudrun-auditor: Unknown argument: frobnicate'],
  ])('%j', async (args, start) => {
    const out = join(tmp, `bad-${args.join('_').replace(/\W/g, '')}.json`);
    const res = await runCli([...args, ...(args[0] === 'audit' ? ['--output', out] : [])]);
    expect(res.code).toBe(2);
    expect(res.stderr.startsWith(start)).toBe(true);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  test('a bad rules file: every problem with file:line:col, exit 2, nothing scanned', async () => {
    const rules = join(tmp, 'bad-rules.yaml');
    writeFileSync(rules, 'suppressions:\n  - rule: shared-identity\n    resource: "projects/**"\n');
    const before = emu.requests.length;
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--rules', rules]);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toBe(`cloudrun-auditor: ${rules}: 2 problems`);
    expect(res.stderr).toContain(`${rules}:2:5:`);
    expect(emu.requests.length).toBe(before);
  });
});
