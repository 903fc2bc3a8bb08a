import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { CallStats } from '../../src/google/call.js';
import type { Inventory } from '../../src/model/inventory.js';
import { ORG_SCOPE, collect, lines, normalised } from './helpers.js';

/**
 * The demo organisation through Cloud Run's cross-region lists when regions cannot be reached, under a tight
 * regional read quota, and with --region.
 */

const demo = loadScenario(DEMO_SCENARIO_PATH);
let baseline: Inventory;
const running: RunningEmulator[] = [];

async function emulator(scenario: Scenario = demo): Promise<RunningEmulator> {
  const emu = await startEmulator({ scenario, maxPageSize: 2 });
  running.push(emu);
  return emu;
}

beforeAll(async () => {
  const emu = await startEmulator({ scenario: demo });
  baseline = await collect(emu.url, ORG_SCOPE);
  await emu.close();
}, 30_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

describe('a region the cross-region lists could not reach', () => {
  test('is listed on its own, for that region only, and the inventory is whole', async () => {
    const emu = await emulator({ ...demo, unreachable: { regions: ['us-central1'] } });
    const inv = await collect(emu.url, ORG_SCOPE);
    expect(normalised(inv)).toEqual(normalised(baseline));
    const regional = lines(emu.requests)
      .map((l) => l.replace(/\?.*$/, ''))
      .filter((l) => /\/locations\/[a-z]+-[a-z]+\d+\/(services|jobs)$/.test(l));
    // Every readable project with Run enabled: its us-central1 services and jobs, and no other region.
    expect([...new Set(regional)].sort()).toEqual(
      ['acme-data-prod', 'acme-payments-prod', 'acme-web-prod', 'acme-web-staging'].flatMap((p) => [
        `GET /v2/projects/${p}/locations/us-central1/jobs`,
        `GET /v2/projects/${p}/locations/us-central1/services`,
      ]),
    );
  });

  test('when that fails too, it is an errors entry naming the project and the region', async () => {
    const emu = await emulator({ ...demo, unreachable: { regions: ['us-central1'], regionalStatus: 503 } });
    const inv = await collect(emu.url, { kind: 'projects', ids: ['acme-web-prod'], regions: [] }, { retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2, deadlineMs: 5_000 } });
    expect(inv.errors.map((e) => [e.project, e.method, e.resource, e.status])).toEqual([
      ['acme-web-prod', 'jobs.list', 'projects/acme-web-prod/locations/us-central1', 503],
      ['acme-web-prod', 'services.list', 'projects/acme-web-prod/locations/us-central1', 503],
    ]);
    expect(inv.errors[1]?.message).toBe(
      'services.list on projects/acme-web-prod/locations/us-central1: run.googleapis.com failed with HTTP 503 UNAVAILABLE (2 attempts over ' +
        /\(2 attempts over ([^)]+)\)/.exec(inv.errors[1]?.message ?? '')?.[1] +
        '): rerun later',
    );
    const web = inv.projects[0];
    expect(web?.complete).toBe(false);
    // The other regions were read.
    expect(web?.services.map((s) => s.region)).not.toContain('us-central1');
    expect(web?.services.length).toBeGreaterThan(0);
  });
});

describe('a tight regional Run quota', () => {
  test('the scan finishes with zero failed calls and the same inventory; few requests are refused per bucket', async () => {
    // 3 Run reads per region (and across regions) per 2-second window; the scanner is told nothing of it.
    const emu = await emulator({ ...demo, quotas: { windowSeconds: 2, run: { readsPerMinutePerRegion: 3 } } });
    let stats: CallStats | undefined;
    const inv = await collect(emu.url, ORG_SCOPE, { quotaWindowMs: 2000, concurrency: 4, onStats: (s: CallStats) => (stats = s) });
    expect(normalised(inv)).toEqual(normalised(baseline));
    // Only the calls the demo always fails (no permission) failed; none for quota.
    expect(stats?.run.failures).toBe(4);
    const refused = emu.requests.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    const perBucket = new Map<string, number>();
    for (const r of refused) {
      const region = /\/locations\/([^/]+)\//.exec(r.path + '/')?.[1];
      const key = region !== undefined && region !== '-' ? region : 'global';
      perBucket.set(key, (perBucket.get(key) ?? 0) + 1);
    }
    // At most the requests already in flight when the first 429 came back (the concurrency).
    for (const [bucket, n] of perBucket) expect([bucket, n <= 4]).toEqual([bucket, true]);
  }, 60_000);
});

describe('--region', () => {
  test('lists each asked region on its own, in the projects that offer it', async () => {
    const emu = await emulator();
    const inv = await collect(emu.url, { ...ORG_SCOPE, regions: ['europe-west1'] });
    expect(inv.projects.flatMap((p) => p.services.map((s) => s.region))).toEqual(inv.projects.flatMap((p) => p.services.map((): string => "europe-west1")));
    expect(lines(emu.requests).filter((l) => l.includes('/locations/-/') || l.includes('/namespaces/'))).toEqual([]);
    expect(inv.projects.find((p) => p.projectId === 'acme-shared-svcs')?.runApiDisabled).toBe(true);
  });

  test('a region no scanned project offers stops the scan before any workload is read', async () => {
    const emu = await emulator();
    await expect(collect(emu.url, { ...ORG_SCOPE, regions: ['us-centrall1'] })).rejects.toMatchObject({
      name: 'UserError',
      code: 'USAGE',
      message: '--region us-centrall1 is not a Cloud Run region of any scanned project (did you mean us-central1?)',
    });
    expect(lines(emu.requests).filter((l) => /\/(services|jobs|revisions)\b/.test(l))).toEqual([]);
  });
});
