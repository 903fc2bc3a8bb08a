import { describe, expect, test } from 'vitest';
import type { CallContext } from '../../src/google/apis.js';
import { Caller } from '../../src/google/call.js';
import { Quotas, quotaLimitOf } from '../../src/google/quota.js';

/** Google's 429 for Cloud Run's regional read quota (shared/google-apis.md §8), as googleapis throws it. */
function runQuotaError(location: string, limit: string, retryAfter?: string): Error {
  const data = {
    error: {
      code: 429,
      message: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per region' of service 'run.googleapis.com' for consumer 'project_number:555'.",
      status: 'RESOURCE_EXHAUSTED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'RATE_LIMIT_EXCEEDED',
          domain: 'googleapis.com',
          metadata: {
            consumer: 'projects/555',
            quota_limit: 'ReadPerMinutePerProjectRegion',
            quota_limit_value: limit,
            quota_location: location,
            quota_metric: 'run.googleapis.com/read_regional',
            service: 'run.googleapis.com',
          },
        },
      ],
    },
  };
  const headers = new Headers(retryAfter !== undefined ? { 'retry-after': retryAfter } : {});
  return Object.assign(new Error('quota'), { status: 429, response: { status: 429, data, headers } });
}

const regional = (region: string): CallContext => ({
  api: 'run',
  method: 'services.revisions.list',
  resource: `projects/p/locations/${region}/services/-`,
  permission: 'run.revisions.list',
  target: 'project p',
  project: 'p',
  quotaLocation: region,
});

/** A Caller on a virtual clock. */
function virtual(opts: ConstructorParameters<typeof Caller>[0] = {}): { caller: Caller; clock: { now: number }; waits: number[] } {
  const clock = { now: 0 };
  const waits: number[] = [];
  const caller = new Caller({
    random: () => 0,
    now: () => clock.now,
    sleep: async (ms) => {
      waits.push(ms);
      clock.now += ms;
    },
    ...opts,
  });
  return { caller, clock, waits };
}

describe('quotaLimitOf', () => {
  test('reads the per-minute limit and its location from the ErrorInfo metadata', () => {
    expect(
      quotaLimitOf({ quota_limit: 'ReadPerMinutePerProjectRegion', quota_limit_value: '40', quota_location: 'us-central1', quota_metric: 'run.googleapis.com/read_regional' }),
    ).toEqual({ location: 'us-central1', perMinute: 40, metric: 'run.googleapis.com/read_regional' });
    expect(quotaLimitOf({ quota_limit: 'ReadRequestsPerMinutePerProject', quota_limit_value: '1200', quota_location: 'global' })).toEqual({ location: 'global', perMinute: 1200 });
  });

  test('ignores a per-day limit, and a 429 that names no limit', () => {
    expect(quotaLimitOf({ quota_limit: 'ReadsPerDayPerOrganization', quota_limit_value: '100', quota_location: 'global' })).toBeUndefined();
    expect(quotaLimitOf({ consumer: 'projects/1' })).toBeUndefined();
    expect(quotaLimitOf({ quota_limit: 'ReadPerMinutePerProjectRegion', quota_limit_value: 'many' })).toBeUndefined();
  });
});

describe('Quotas', () => {
  test('buckets start at the published quota, Run uncapped; --qpm is a ceiling over every bucket of its API', () => {
    const q = new Quotas();
    expect(q.bucket('crm').limit).toBe(600);
    expect(q.bucket('iam').limit).toBe(6000);
    expect(q.bucket('run', 'us-central1').limit).toBe(Infinity);
    const capped = new Quotas({ ceilings: { run: 300, crm: 5000 } });
    expect(capped.bucket('run', 'europe-west1').limit).toBe(300);
    expect(capped.bucket('run').limit).toBe(300);
    // A ceiling above the published quota does not raise it.
    expect(capped.bucket('crm').limit).toBe(600);
  });

  test('a learnt limit sets only the bucket of its API and location, never above the ceiling', () => {
    const q = new Quotas({ ceilings: { run: 30 } });
    q.learn('run', { location: 'us-central1', perMinute: 40 });
    q.learn('run', { location: 'europe-west1', perMinute: 20 });
    expect(q.bucket('run', 'us-central1').limit).toBe(30);
    expect(q.bucket('run', 'europe-west1').limit).toBe(20);
    expect(q.bucket('run', 'asia-east1').limit).toBe(30);
    expect(q.learntLimits()).toEqual({ 'run europe-west1': 20, 'run us-central1': 30 });
  });
});

describe('Caller under a regional quota', () => {
  test('a 429 naming the limit sets that region’s bucket; the refused call is retried after Retry-After and succeeds', async () => {
    const { caller, waits } = virtual();
    let calls = 0;
    const result = await caller.call(regional('us-central1'), async () => {
      if (++calls === 1) throw runQuotaError('us-central1', '40', '7');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(waits).toEqual([7000]);
    expect(caller.learntQuotas()).toEqual({ 'run us-central1': 40 });
    expect(caller.stats().run).toEqual({ attempts: 2, retries: 1, failures: 0 });
  });

  test('after the limit is learnt, calls to that region are paced to it; another region is not held back', async () => {
    const { caller, clock } = virtual({ quotaWindowMs: 1000 });
    const sent: { region: string; at: number }[] = [];
    const call = (region: string, refuse = false) =>
      caller.call(regional(region), async () => {
        sent.push({ region, at: clock.now });
        if (refuse) {
          refuse = false;
          throw runQuotaError(region, '2');
        }
        return region;
      });
    await call('us-central1', true); // refused once: the bucket is now 2 a window
    for (let i = 0; i < 3; i++) await call('us-central1');
    await call('europe-west1');
    const central = sent.filter((s) => s.region === 'us-central1').map((s) => s.at);
    // Never more than 2 starts in any 1000 ms window of us-central1 after the refusal.
    for (let i = 2; i < central.length; i++) expect((central[i] ?? 0) - (central[i - 2] ?? 0)).toBeGreaterThanOrEqual(1000);
    const europe = sent.find((s) => s.region === 'europe-west1');
    expect(europe?.at).toBe(central.at(-1));
  });

  test('time queued for a quota slot does not count against the retry deadline', async () => {
    // Window of 10 s, deadline of 5 s: the retry waits ~10 s for the window, yet is still made.
    const { caller } = virtual({ quotaWindowMs: 10_000, retry: { deadlineMs: 5_000, baseDelayMs: 1 } });
    let calls = 0;
    const first = await caller.call(regional('us-east1'), async () => 'warm');
    expect(first).toBe('warm');
    const result = await caller.call(regional('us-east1'), async () => {
      if (++calls === 1) throw runQuotaError('us-east1', '1');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(2);
  });
});
