import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type FaultRule, type RunningEmulator } from '../../src/emulator/server.js';
import type { Report } from '../../src/model/finding.js';
import { summaryLine } from '../../src/report/index.js';
import { runCli } from '../e2e/cli.js';
import { API_NAMES } from '../../src/google/apis.js';
import { inShard } from '../../src/collect/shard.js';

const APIS = API_NAMES.join(', ');

const ORG = '482915736104';
let tmp: string;
let plain: RunningEmulator;
let baseline: Report;

const demo = (extra: { latencyMs?: number; faults?: FaultRule[] } = {}) =>
  startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), maxPageSize: 2, ...extra });
const perApi = (emu: RunningEmulator, api: string) => emu.requests.filter((r) => r.api === api).length;
const untimed = (r: Report) => ({ ...r, startedAt: '<t>', finishedAt: '<t>' });

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cra-scale-'));
  plain = await demo();
  const res = await runCli(['audit', '--organization', ORG, '--endpoint', plain.url, '--format', 'json', '--quiet']);
  baseline = JSON.parse(res.stdout) as Report;
  plain.requests.length = 0;
});
afterAll(async () => {
  await plain.close();
});

describe('--qpm', () => {
  test.each([
    ['run=0', '--qpm run must be at least 1 request per minute, got 0'],
    ['foo=5', `--qpm "foo=5" is not API=N with API one of ${APIS}: expected e.g. --qpm run=1000,iam=6000,crm=600`],
    ['run=1.5', `--qpm "run=1.5" is not API=N with API one of ${APIS}: expected e.g. --qpm run=1000,iam=6000,crm=600`],
    ['run=5,run=6', '--qpm gives run twice'],
  ])('--qpm %s exits 2 before any request', async (value, message) => {
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', plain.url, '--qpm', value]);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toBe(`cloudrun-auditor: ${message}`);
    expect(res.stdout).toBe('');
    expect(plain.requests).toEqual([]);
  });

  test('a valid --qpm scans as usual (collect too)', async () => {
    const res = await runCli(['collect', '--organization', ORG, '--endpoint', plain.url, '--qpm', 'run=2000,crm=1200', '-o', join(tmp, 'q.json'), '--quiet']);
    expect(res.code).toBe(3);
    plain.requests.length = 0;
  });
});

describe('--region', () => {
  test('a region no scanned project offers exits 2 with one line and the nearest region, before any workload is read', async () => {
    const emu = await demo();
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--region', 'us-centrall1', '--format', 'json']);
    await emu.close();
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.split('\n')[0]).toBe('cloudrun-auditor: --region us-centrall1 is not a Cloud Run region of any scanned project (did you mean us-central1?)');
    expect(emu.requests.filter((r) => /\/(services|jobs|revisions)\b/.test(r.path))).toEqual([]);
  });
});

describe('--verbose and --concurrency', () => {
  test('--verbose prints every request per API, the same counts the server saw', async () => {
    const emu = await demo();
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--format', 'json', '--output', join(tmp, 'v.json'), '--verbose']);
    await emu.close();
    expect(res.code).toBe(1);
    const run = perApi(emu, 'run.googleapis.com');
    const iam = perApi(emu, 'iam.googleapis.com');
    const crm = perApi(emu, 'cloudresourcemanager.googleapis.com');
    expect(run + iam + crm).toBe(emu.requests.length);
    // The failed calls: both lists of the project the scanner may not read, and both of the Run-disabled one.
    expect(res.stderr).toBe(
      [
        `run.googleapis.com: ${run} requests, 0 retries, 4 failed calls`,
        `iam.googleapis.com: ${iam} requests, 0 retries, 0 failed calls`,
        `cloudresourcemanager.googleapis.com: ${crm} requests, 0 retries, 0 failed calls`,
        summaryLine(baseline),
        '',
      ].join('\n'),
    );
  });

  test.each([1, 3])('--concurrency %i bounds the requests in flight per API, and reaches it', async (n) => {
    const emu = await demo({ latencyMs: 15 });
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--format', 'json', '--quiet', '--concurrency', String(n)]);
    await emu.close();
    expect(untimed(JSON.parse(res.stdout) as Report)).toEqual(untimed(baseline));
    for (const api of ['run.googleapis.com', 'iam.googleapis.com', 'cloudresourcemanager.googleapis.com']) {
      expect(emu.peakInFlight[api]).toBeLessThanOrEqual(n);
    }
    // Projects, regions and lists run side by side, so the Run pool fills up.
    expect(emu.peakInFlight['run.googleapis.com']).toBe(n);
  });
});

describe('sharding through the CLI', () => {
  test('three tasks of a Cloud Run Job (CLOUD_RUN_TASK_INDEX/COUNT), merged, give the unsharded report', async () => {
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      const file = join(tmp, `shard-${i}.json`);
      files.push(file);
      const res = await runCli(['collect', '--organization', ORG, '--endpoint', plain.url, '-o', file], {
        CLOUD_RUN_TASK_INDEX: String(i),
        CLOUD_RUN_TASK_COUNT: '3',
      });
      // Only the shard holding the project the scanner may not read is incomplete (a Run-disabled project is not).
      expect(res.code).toBe(inShard('acme-legacy-billing', { index: i, count: 3 }) ? 3 : 0);
    }
    const merged = await runCli(['merge', ...files.reverse(), '--output', join(tmp, 'full.json')]);
    expect(merged.code).toBe(1);
    expect(merged.stderr).toBe(summaryLine(baseline) + '\n');
    expect(untimed(JSON.parse(readFileSync(join(tmp, 'full.json'), 'utf8')) as Report)).toEqual(untimed(baseline));

    const missing = await runCli(['merge', files[0]!, files[1]!, '--output', join(tmp, 'x.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('cloudrun-auditor: shard 0/3 missing: merge needs all 3, or the report would silently leave projects out\n');
    const report = await runCli(['merge', join(tmp, 'full.json'), ...files]);
    expect(report.code).toBe(2);
    expect(report.stderr).toBe(
      `cloudrun-auditor: ${join(tmp, 'full.json')} is a report, not a shard snapshot: write each shard with \`collect --shard I/N --output FILE\`, because rules such as shared-identity look across shards and need their inventories, not their findings\n`,
    );
    const bad = await runCli(['collect', '--organization', ORG, '--endpoint', plain.url, '-o', join(tmp, 'y.json'), '--shard', '3/3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe(
      'cloudrun-auditor: --shard "3/3" must be INDEX/COUNT with 0 <= INDEX < COUNT <= 10000 (shards are numbered from 0, like CLOUD_RUN_TASK_INDEX)',
    );
  });
});

describe('an organisation that throttles and fails (issue 5, "done when")', () => {
  const services = '/v2/projects/acme-web-prod/locations/-/services';
  const locations = '/apis/run.googleapis.com/v1/namespaces/acme-payments-prod/jobs';
  const crmPolicy = '/v3/projects/acme-data-prod:getIamPolicy';
  const saPolicy = '/v1/projects/acme-payments-prod/serviceAccounts/ledger-sa@acme-payments-prod.iam.gserviceaccount.com:getIamPolicy';
  const faults: FaultRule[] = [
    { method: 'GET', path: new RegExp(`^${services.replace(/[.-]/g, '\\$&')}$`), status: 429, retryAfter: 1, times: 2 },
    { method: 'GET', path: new RegExp(`^${locations.replace(/[.-]/g, '\\$&')}$`), status: 429, retryAfter: 1, times: 1 },
    { method: 'POST', path: crmPolicy, status: 503, times: 1 },
    { method: 'POST', path: saPolicy, status: 503, times: 1 },
  ];
  const count = (emu: RunningEmulator, method: string, path: string) => emu.requests.filter((r) => r.method === method && r.path === path);

  test('readable projects complete and correct, unreadable ones listed with a fix, exit codes per contract', async () => {
    const emu = await demo({ faults });
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--format', 'json', '--verbose']);
    await emu.close();
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as Report;
    expect(untimed(report)).toEqual(untimed(baseline));
    // test/e2e/audit.test.ts pins the fault-free findings one by one; here they must be exactly those.
    expect(report.summary.findings).toBe(baseline.summary.findings);
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
    // Each throttled or failed call was repeated exactly as often as it failed, after the wait Google asked for.
    expect(count(emu, 'GET', services).map((r) => r.status)).toEqual([429, 429, 200]);
    expect(count(emu, 'GET', locations).map((r) => r.status)).toEqual([429, 200]);
    expect(count(emu, 'POST', crmPolicy).map((r) => r.status)).toEqual([503, 200]);
    expect(count(emu, 'POST', saPolicy).map((r) => r.status)).toEqual([503, 200]);
    expect(res.stderr.split('\n').slice(0, 3)).toEqual([
      `run.googleapis.com: ${perApi(emu, 'run.googleapis.com')} requests, 3 retries, 4 failed calls`,
      `iam.googleapis.com: ${perApi(emu, 'iam.googleapis.com')} requests, 1 retry, 0 failed calls`,
      `cloudresourcemanager.googleapis.com: ${perApi(emu, 'cloudresourcemanager.googleapis.com')} requests, 1 retry, 0 failed calls`,
    ]);

    const again = await demo({ faults });
    const incomplete = await runCli(['audit', '--organization', ORG, '--endpoint', again.url, '--format', 'json', '--quiet', '--fail-on', 'none']);
    await again.close();
    expect(incomplete.code).toBe(3);
    expect(untimed(JSON.parse(incomplete.stdout) as Report)).toEqual(untimed(baseline));
  }, 30_000);
});
