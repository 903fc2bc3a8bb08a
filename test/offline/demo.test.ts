import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditInventory } from '../../src/audit/pipeline.js';
import { collectInventory } from '../../src/collect/collect.js';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { Report } from '../../src/model/finding.js';
import { defaultRules } from '../../src/rules/load.js';
import { runCli } from '../e2e/cli.js';
import { READABLE, writeDemoExports, type DemoExports } from './demo-exports.js';

const ORG = '482915736104';
let emu: RunningEmulator;
let files: DemoExports;
let live: string[];

function summarise(r: Pick<Report, 'findings'>): string[] {
  return r.findings.map((f) => `${f.severity} ${f.ruleId} ${f.resource}`);
}

function inputs(list: string[]): string[] {
  return list.flatMap((f) => ['--input', f]);
}

beforeAll(async () => {
  const scenario = loadScenario(DEMO_SCENARIO_PATH);
  emu = await startEmulator({ scenario });
  files = await writeDemoExports(scenario, mkdtempSync(join(tmpdir(), 'cra-offline-')), emu.url);
  const inventory = await collectInventory({ scope: { kind: 'organization', ids: [ORG], regions: [] }, endpoint: emu.url });
  live = summarise(auditInventory(inventory, defaultRules(), { startedAt: inventory.collectedAt, now: new Date() }));
});
afterAll(async () => {
  await emu.close();
});

describe('offline inputs of the demo organisation give the live findings', () => {
  test('the live path has the reviewed findings (test/e2e/audit.test.ts), all in the projects exported here', () => {
    expect(live.length).toBeGreaterThanOrEqual(22);
    expect(live.every((f) => READABLE.some((p) => f.includes(`projects/${p}/`)))).toBe(true);
    expect(live).toContain('critical public-privileged-service projects/acme-web-prod/locations/us-central1/services/storefront');
    expect(live).toContain('medium user-managed-key projects/acme-payments-prod/locations/europe-west1/services/fraud-scorer');
  });

  test.each([
    ['gcloud --format=json (Knative v1 services, revisions, jobs; projects, ancestors, IAM policies, accounts, keys, roles)', 'gcloud'],
    ['Run v2 REST JSON (list responses) with the same gcloud project and IAM files', 'v2'],
    ['gcloud asset export: resource and iam-policy NDJSON, numbers as floats', 'caiExport'],
    ['gcloud asset search-all-resources and search-all-iam-policies --format=json', 'caiSearch'],
  ] as const)('%s', async (_title, set) => {
    const before = emu.requests.length;
    const res = await runCli(['audit', ...inputs(files[set]), '--format', 'json', '--fail-on', 'none']);
    expect(res.stderr.split('\n')[0]).toMatch(/^\d+ findings/);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.errors).toEqual([]);
    expect(summarise(report)).toEqual(live);
    // Every project is there (the others as homes of runtime identities), as in the live organisation scan.
    expect(report.scope).toEqual({ kind: 'projects', ids: ['acme-data-prod', 'acme-legacy-billing', 'acme-payments-prod', 'acme-shared-svcs', 'acme-web-prod', 'acme-web-staging'], regions: [] });
    expect(res.code).toBe(0);
    expect(emu.requests.length).toBe(before);
  });
});

describe('what the inputs lack is named, judged as unknown, and exits 3', () => {
  test('services and revisions alone: identity findings, and a NOT_PROVIDED error for each missing piece', async () => {
    const p = 'acme-web-prod';
    const only = [join(files.dir, `${p}.services.json`), join(files.dir, `${p}.revisions.json`), join(files.dir, `${p}.project.json`)];
    const res = await runCli(['audit', ...inputs(only), '--format', 'json', '--fail-on', 'none']);
    const report = JSON.parse(res.stdout) as Report;
    expect(summarise(report)).toEqual([
      'high default-identity projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel',
      'high default-identity projects/acme-web-prod/locations/us-central1/services/storefront',
    ]);
    expect(report.errors.map((e) => [e.status, e.api, e.project ?? null, e.message.split(',')[0]])).toEqual([
      ['NOT_PROVIDED', 'iam.googleapis.com', null, 'service account 415104041262-compute@developer.gserviceaccount.com is not in the inputs'],
      ['NOT_PROVIDED', 'iam.googleapis.com', null, 'service account checkout-sa@acme-web-prod.iam.gserviceaccount.com is not in the inputs'],
      ['NOT_PROVIDED', 'run.googleapis.com', 'acme-web-prod', 'who may invoke 2 services in project acme-web-prod is not in the inputs: add a Cloud Asset Inventory iam-policy export (or `gcloud run services get-iam-policy` as a wrapped {resource'],
      ['NOT_PROVIDED', 'cloudresourcemanager.googleapis.com', 'acme-web-prod', 'the folders and organisation above project acme-web-prod are not in the inputs'],
      ['NOT_PROVIDED', 'cloudresourcemanager.googleapis.com', 'acme-web-prod', 'the IAM policy of project acme-web-prod was not provided'],
    ]);
    expect(report.errors[4]?.message).toBe(
      'the IAM policy of project acme-web-prod was not provided, so roles granted on it are not judged: add --input iam=acme-web-prod:FILE with `gcloud projects get-iam-policy acme-web-prod --format=json`',
    );
    expect(res.code).toBe(3);
    const allowed = await runCli(['audit', ...inputs(only), '--format', 'json', '--fail-on', 'none', '--allow-incomplete', '--quiet']);
    expect(allowed.code).toBe(0);
  });

  test('a Knative service list alone is audited, its project named by the number its namespace gives', async () => {
    const svc = join(files.dir, 'acme-web-prod.services.json');
    const res = await runCli(['audit', '--input', svc, '--format', 'json', '--fail-on', 'none']);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.scope.ids).toEqual(['415104041262']);
    expect(summarise(report)).toContain('high default-identity projects/415104041262/locations/us-central1/services/storefront');
    expect(report.notes?.[0]).toBe(
      'Project 415104041262 is known only by its number (the inputs carry no project ID for it), so the report names it by number: add `gcloud projects describe 415104041262 --format=json` as another --input to name it by ID.',
    );
    expect(res.stdout + res.stderr).not.toContain('NUMBER');
    expect(res.code).toBe(3);
  });
});

describe('bad input: one line, exit 2, no report', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cra-offline-bad-'));
  });

  test.each([
    ['truncated.json', (t: string) => t.slice(0, 300), /^cloudrun-auditor: .*truncated\.json: not valid JSON, the file may be truncated/],
    ['cut.ndjson', (t: string) => t.split('\n').slice(0, 3).join('\n').slice(0, -40), /^cloudrun-auditor: .*cut\.ndjson: line 3 is not complete JSON, the file may be truncated/],
    ['unknown.json', () => '{"kind":"compute#instance","name":"vm-1"}', /^cloudrun-auditor: .*unknown\.json: unrecognised input \(an object with "kind", "name"\)/],
    ['empty.json', () => '  \n', /^cloudrun-auditor: .*empty\.json: the file is empty/],
    ['policy.json', () => '{"bindings":[{"role":"roles/viewer","members":["user:a@example.com"]}],"etag":"BwX="}', /^cloudrun-auditor: .*policy\.json: an IAM policy, but not whose: name it with --input iam=PROJECT_ID:/],
  ])('%s', async (name, make, message) => {
    const source = name.endsWith('.ndjson') ? join(files.dir, 'cai-resources.ndjson') : join(files.dir, 'acme-web-prod.services.json');
    const file = join(dir, name);
    writeFileSync(file, make(readFileSync(source, 'utf8')));
    const out = join(dir, `${name}.report.json`);
    const res = await runCli(['audit', '--input', file, '--output', out]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(() => readFileSync(out)).toThrow();
  });

  test('--input with a scope or --snapshot is a usage error', async () => {
    const res = await runCli(['audit', '--input', 'x.json', '--project', 'acme-web-prod']);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toBe('cloudrun-auditor: --input audits exported files with no network; it cannot be combined with --project');
  });
});

test('a real `gcloud run services describe --format=json` (realdata) with its project described: one service, its custom identity', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cra-offline-real-'));
  const project = join(dir, 'project.json');
  writeFileSync(project, JSON.stringify({ projectId: 'greenchemistry-ai', projectNumber: '450503644772', lifecycleState: 'ACTIVE', name: 'greenchemistry-ai' }));
  const res = await runCli(['audit', '--input', '/work/shared/realdata/v1-service-describe-custom-sa.greenprotocol.json', '--input', project, '--format', 'json', '--fail-on', 'none']);
  const report = JSON.parse(res.stdout) as Report;
  expect(summarise(report)).toEqual([]);
  expect(report.summary.services).toBe(1);
  expect(report.errors.map((e) => e.message.split(' ').slice(0, 4).join(' '))).toEqual([
    'service account greenchemistry-chemservice@greenchemistry-ai.iam.gserviceaccount.com is',
    'who may invoke 1',
    'the revisions of project',
    'the folders and organisation',
    'the IAM policy of',
  ]);
  expect(res.code).toBe(3);
});
