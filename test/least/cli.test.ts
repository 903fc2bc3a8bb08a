import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { RoleCacheFile } from '../../src/least/role-cache.js';
import { runCli } from '../e2e/cli.js';

let emu: RunningEmulator;
let other: RunningEmulator;
let tmp: string;
let cache: string;

beforeAll(async () => {
  const scenario = loadScenario(DEMO_SCENARIO_PATH);
  // Pages of 10 roles, so `roles sync` must follow page tokens.
  emu = await startEmulator({ scenario, maxPageSize: 10 });
  other = await startEmulator({ scenario });
  tmp = mkdtempSync(join(tmpdir(), 'cra-least-'));
  cache = join(tmp, 'cache');
});
afterAll(async () => {
  await Promise.all([emu.close(), other.close()]);
});

const env = (): Record<string, string> => ({ CLOUDRUN_AUDITOR_CACHE_DIR: cache });
const count = (e: RunningEmulator, re: RegExp): number => e.requests.filter((r) => re.test(r.path)).length;
const ROLES_LIST = /^\/v1\/roles$/;
const ROLES_GET = /^\/v1\/roles\/[^/]+$/;

describe('roles sync and the role cache', () => {
  test('status before any sync; sync pages through roles.list view=FULL; status shows the age', async () => {
    const before = await runCli(['roles', 'status', '--endpoint', emu.url], env());
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(new RegExp(`^no role cache for ${emu.url} \\(.*predefined-roles-[0-9a-f]{16}\\.json\\): run \`cloudrun-auditor roles sync\`\\n$`));

    const sync = await runCli(['roles', 'sync', '--endpoint', emu.url], env());
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(new RegExp(`^synced 39 predefined roles from ${emu.url} into ${cache}/predefined-roles-[0-9a-f]{16}\\.json\\n$`));
    const lists = emu.requests.filter((r) => ROLES_LIST.test(r.path));
    expect(lists.length).toBe(4);
    expect(lists[0]?.query).toBe('view=FULL&pageSize=1000');
    const [file] = readdirSync(cache);
    const cached = JSON.parse(readFileSync(join(cache, file ?? ''), 'utf8')) as RoleCacheFile;
    expect(cached.endpoint).toBe(emu.url);
    expect(cached.roles.find((r) => r.name === 'roles/run.invoker')?.includedPermissions).toEqual(['run.instances.invoke', 'run.jobs.run', 'run.routes.invoke']);

    const status = await runCli(['roles', 'status', '--endpoint', emu.url], env());
    expect(status.stdout).toMatch(new RegExp(`^39 predefined roles from ${emu.url}, synced \\S+ \\(0 minutes ago\\)\\n`));
  });

  test('an audit uses the cache instead of roles.get; a cache from another endpoint is not used', async () => {
    const getsBefore = count(emu, ROLES_GET);
    const withCache = await runCli(['audit', '--organization', '482915736104', '--endpoint', emu.url, '--format', 'json', '--quiet'], env());
    expect(withCache.code).toBe(1);
    expect(count(emu, ROLES_GET) - getsBefore).toBe(0);
    const plain = await runCli(['audit', '--organization', '482915736104', '--endpoint', other.url, '--format', 'json', '--quiet'], env());
    expect(count(other, ROLES_GET)).toBeGreaterThan(0);
    const ids = (out: string): string[] => (JSON.parse(out) as { findings: { id: string }[] }).findings.map((f) => f.id);
    expect(ids(withCache.stdout)).toEqual(ids(plain.stdout));
  });

  test('a cache older than a week is refreshed before the audit uses it', async () => {
    const [file] = readdirSync(cache).filter((f) => f.endsWith('.json'));
    const path = join(cache, file ?? '');
    const old = JSON.parse(readFileSync(path, 'utf8')) as RoleCacheFile;
    const stale = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString();
    writeFileSync(path, JSON.stringify({ ...old, fetchedAt: stale }));
    const listsBefore = count(emu, ROLES_LIST);
    const getsBefore = count(emu, ROLES_GET);
    const res = await runCli(['audit', '--organization', '482915736104', '--endpoint', emu.url, '--format', 'json', '--quiet'], env());
    expect(res.code).toBe(1);
    expect(count(emu, ROLES_LIST) - listsBefore).toBe(4);
    expect(count(emu, ROLES_GET) - getsBefore).toBe(0);
    const fresh = JSON.parse(readFileSync(path, 'utf8')) as RoleCacheFile;
    expect(Date.parse(fresh.fetchedAt)).toBeGreaterThan(Date.parse(stale));
  });
});

describe('permissions-of and recommend', () => {
  test('permissions-of (live): every grant on the project and above, conditional ones marked', async () => {
    const res = await runCli(['permissions-of', 'acme-data-prod/us-central1/reporting', '--endpoint', other.url, '--format', 'json', '--quiet'], env());
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { workload: string; grants: { role: string; place: string; status: string; condition?: { title: string }; permissions: string[] }[]; unconditional: string[]; conditionalOnly: string[] };
    expect(out.workload).toBe('projects/acme-data-prod/locations/us-central1/services/reporting');
    expect(out.grants.map((g) => [g.role, g.place, g.status, g.condition?.title ?? null, g.permissions.length])).toEqual([
      ['roles/logging.logWriter', 'projects/acme-data-prod', 'ok', null, 2],
      ['roles/owner', 'projects/acme-data-prod', 'ok', 'Quarter-end reporting window', 1175],
    ]);
    expect(out.unconditional).toEqual(['logging.logEntries.create', 'logging.logEntries.route']);
    expect(out.conditionalOnly).toHaveLength(1173);
  });

  test('permissions-of: text, grouped by role and place', async () => {
    const res = await runCli(['permissions-of', 'projects/acme-payments-prod/locations/us-central1/services/ledger', '--endpoint', other.url, '--quiet'], env());
    expect(res.stdout).toBe(
      [
        'service `ledger` (us-central1, acme-payments-prod) runs as ledger-sa@acme-payments-prod.iam.gserviceaccount.com',
        '2 permissions (0 only under a condition) from 1 grant on its project, folders and organisation',
        '',
        'roles/cloudsql.client on project acme-payments-prod — 2 permissions',
        '  cloudsql.instances.connect',
        '  cloudsql.instances.get',
        '',
      ].join('\n'),
    );
  });

  test('an unknown workload is a usage error', async () => {
    const res = await runCli(['permissions-of', 'acme-data-prod/us-central1/nope', '--endpoint', other.url, '--quiet'], env());
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('no service or job "acme-data-prod/us-central1/nope" in the inventory');
  });

  test('recommend works from a snapshot collected with --usage-insights', async () => {
    const snap = join(tmp, 'usage.json');
    const col = await runCli(['collect', '--organization', '482915736104', '--endpoint', other.url, '--usage-insights', '--output', snap, '--quiet', '--allow-incomplete'], env());
    expect(col.code).toBe(0);
    const res = await runCli(['recommend', 'acme-payments-prod/us-central1/payments-api', '--snapshot', snap, '--format', 'json'], env());
    expect(res.code).toBe(0);
    const plan = JSON.parse(res.stdout) as { add: { role: string }[]; remove: { role: string; place: string }[]; keptPermissions: string[]; removedPermissions: string[]; terraform: string };
    expect(plan.add.map((a) => a.role)).toEqual(['roles/cloudtrace.agent', 'roles/logging.logWriter', 'roles/monitoring.metricWriter', 'roles/pubsub.publisher']);
    expect(plan.remove).toEqual([{ place: 'folders/731045829163', role: 'roles/editor', member: 'serviceAccount:payments-runtime@acme-payments-prod.iam.gserviceaccount.com' }]);
    expect(plan.keptPermissions).toHaveLength(6);
    expect(plan.removedPermissions).toHaveLength(926);
    expect(plan.terraform).toContain('resource "google_project_iam_member" "payments_runtime_pubsub_publisher" {\n  project = "acme-payments-prod"\n  role    = "roles/pubsub.publisher"');

    const text = await runCli(['recommend', 'acme-data-prod/us-central1/cleanup', '--snapshot', snap], env());
    expect(text.stdout).toContain('Proposed: custom role projects/acme-data-prod/roles/leastPrivilege_207384615950Compute with 3 permissions (no predefined role holds datastore.entities.delete, datastore.entities.list)');
    expect(text.stdout).toContain('  roles/editor on project acme-data-prod: used 3 of 938 in 90 days (3 exercised, 0 inferred)');
    expect(text.stdout).toContain("  gcloud iam roles create leastPrivilege_207384615950Compute --project=acme-data-prod --title='Least privilege for 207384615950-compute' --permissions=datastore.entities.delete,datastore.entities.list,logging.logEntries.create --stage=GA");
  });

  test('recommend on a snapshot without usage evidence says how to get it', async () => {
    const snap = join(tmp, 'plain.json');
    await runCli(['collect', '--organization', '482915736104', '--endpoint', other.url, '--output', snap, '--quiet', '--allow-incomplete'], env());
    const res = await runCli(['recommend', 'acme-payments-prod/us-central1/payments-api', '--snapshot', snap], env());
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${snap} carries no usage evidence: collect it with --usage-insights`);
  });
});

describe('demo --usage-insights', () => {
  test('shows the demo organisation with its usage evidence', async () => {
    const res = await runCli(['demo', '--usage-insights', '--format', 'json'], env());
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { findings: { ruleId: string; serviceAccount: string }[]; notes?: string[] };
    expect(report.findings.filter((f) => f.ruleId === 'unused-permissions').map((f) => f.serviceAccount)).toEqual([
      '207384615950-compute@developer.gserviceaccount.com',
      'reporting-sa@acme-data-prod.iam.gserviceaccount.com',
      'payments-runtime@acme-payments-prod.iam.gserviceaccount.com',
      '415104041262-compute@developer.gserviceaccount.com',
      '415104041262-compute@developer.gserviceaccount.com',
    ]);
    expect(report.notes).toBeUndefined();
  });
});
