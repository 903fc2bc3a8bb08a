import { describe, expect, test } from 'vitest';
import type { CallContext } from '../../src/google/apis.js';
import { Caller } from '../../src/google/call.js';
import { GoogleCallError } from '../../src/google/errors.js';
import { collectPages } from '../../src/google/paging.js';
import { RateLimiter } from '../../src/google/rate-limit.js';
import { UserError } from '../../src/errors.js';

const ctx: CallContext = {
  api: 'iam',
  method: 'serviceAccounts.getIamPolicy',
  resource: 'sa@p.iam.gserviceaccount.com',
  permission: 'iam.serviceAccounts.getIamPolicy',
  target: 'service account sa@p.iam.gserviceaccount.com',
};

function httpError(status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`HTTP ${status}`), {
    status,
    response: { status, data: { error: { code: status, message: 'x', status: 'UNAVAILABLE' } }, headers: new Headers(headers) },
  });
}

/** A Caller on a virtual clock: sleeps are recorded and advance time instantly. */
function virtualCaller(opts: ConstructorParameters<typeof Caller>[0] = {}): { caller: Caller; waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  const caller = new Caller({
    random: () => 0.5,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    ...opts,
  });
  return { caller, waits };
}

describe('Caller', () => {
  test('retries 503 with exponential full-jitter backoff, then succeeds', async () => {
    const { caller, waits } = virtualCaller({ retry: { baseDelayMs: 100, maxDelayMs: 250 } });
    let calls = 0;
    const result = await caller.call(ctx, async () => {
      calls++;
      if (calls <= 3) throw httpError(503);
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    // random() = 0.5 of a ceiling of 100, 200, then min(400, 250).
    expect(waits).toEqual([50, 100, 125]);
    expect(caller.stats().iam).toEqual({ attempts: 4, retries: 3, failures: 0 });
  });

  test('honours Retry-After when it is longer than the backoff', async () => {
    const { caller, waits } = virtualCaller({ retry: { baseDelayMs: 10 } });
    let calls = 0;
    await caller.call(ctx, async () => {
      if (++calls === 1) throw httpError(429, { 'retry-after': '2' });
      return 1;
    });
    expect(waits).toEqual([2000]);
  });

  test('does not retry a 403, and counts the failure', async () => {
    const { caller, waits } = virtualCaller();
    let calls = 0;
    const err = await caller
      .call(ctx, async () => {
        calls++;
        throw httpError(403);
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoogleCallError);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
    expect(caller.stats().iam).toEqual({ attempts: 1, retries: 0, failures: 1 });
  });

  test('gives up at the deadline with the number of attempts in the message', async () => {
    const { caller } = virtualCaller({ retry: { baseDelayMs: 1000, maxDelayMs: 1000, deadlineMs: 2400, maxAttempts: 100 } });
    let calls = 0;
    const err = (await caller
      .call(ctx, async () => {
        calls++;
        throw httpError(503);
      })
      .catch((e: unknown) => e)) as GoogleCallError;
    // Waits of 500 ms each: attempts at 0, 500, 1000, 1500, 2000; one more wait would end at 2500, past the deadline.
    expect(calls).toBe(5);
    expect(err.message).toBe(
      'serviceAccounts.getIamPolicy on sa@p.iam.gserviceaccount.com: iam.googleapis.com failed with HTTP 503 UNAVAILABLE (5 attempts over 2.0 s): rerun later',
    );
  });

  test('stops at maxAttempts', async () => {
    const { caller } = virtualCaller({ retry: { maxAttempts: 3 } });
    let calls = 0;
    await caller.call(ctx, async () => {
      calls++;
      throw httpError(500);
    }).catch(() => undefined);
    expect(calls).toBe(3);
  });

  test('an attempt that never answers times out and is retried', async () => {
    const caller = new Caller({ retry: { attemptTimeoutMs: 20, baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 2 } });
    const signals: AbortSignal[] = [];
    const err = (await caller
      .call(ctx, (a) => {
        signals.push(a.signal);
        return new Promise<never>(() => undefined);
      })
      .catch((e: unknown) => e)) as GoogleCallError;
    expect(err.status).toBe('TIMEOUT');
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  test('a refused connection before any answer is an unreachable endpoint', async () => {
    const caller = new Caller({ endpoint: 'http://127.0.0.1:9' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const err = await caller.call(ctx, async () => Promise.reject(refused)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ code: 'ENDPOINT', message: 'cannot reach http://127.0.0.1:9: connection refused' });
  });

  test('rejects a nonsensical concurrency or rate', () => {
    expect(() => new Caller({ concurrency: 0 })).toThrow(UserError);
    expect(() => new Caller({ qpm: { run: 0 } })).toThrow('requests per minute for run must be positive, got 0');
  });

  test('never runs more attempts at once than the concurrency', async () => {
    const caller = new Caller({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        caller.call(ctx, async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});

describe('collectPages', () => {
  test('follows tokens to the last page', async () => {
    const pages: Record<string, { items: number[]; nextPageToken?: string }> = {
      '': { items: [1, 2], nextPageToken: 'a' },
      a: { items: [3], nextPageToken: 'b' },
      b: { items: [4] },
    };
    const seen: (string | undefined)[] = [];
    const items = await collectPages(ctx, async (t) => {
      seen.push(t);
      return pages[t ?? ''] ?? { items: [] };
    });
    expect(items).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([undefined, 'a', 'b']);
  });

  test('a repeated token stops paging with PAGING_LOOP', async () => {
    let calls = 0;
    const err = (await collectPages(ctx, async () => {
      calls++;
      return { items: [calls], nextPageToken: calls === 1 ? 'x' : calls === 2 ? 'y' : 'x' };
    }).catch((e: unknown) => e)) as GoogleCallError;
    expect(calls).toBe(3);
    expect(err.status).toBe('PAGING_LOOP');
    expect(err.message).toBe(
      'serviceAccounts.getIamPolicy on sa@p.iam.gserviceaccount.com: the server sent page token "x" again after 3 pages; paging stopped and this list is missing from the results: rerun later',
    );
  });

  test('an endless run of new tokens stops at the page limit', async () => {
    let n = 0;
    const err = (await collectPages(ctx, async () => ({ items: [], nextPageToken: `t${++n}` }), 5).catch((e: unknown) => e)) as GoogleCallError;
    expect(n).toBe(5);
    expect(err.status).toBe('PAGING_LOOP');
  });
});

describe('RateLimiter', () => {
  test('allows the quota per trailing minute, then waits for the oldest start to leave the window', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter(3, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter.acquire();
      limiter.started();
      starts.push(now);
      now += 10;
    }
    expect(starts).toEqual([0, 10, 20, 60_000, 60_010]);
    expect(waits).toEqual([59_970]);
  });

  test('a slot acquired but not yet sent counts against the window; a released one does not', async () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now, async (ms) => {
      now += ms;
    });
    await limiter.acquire();
    await limiter.acquire();
    limiter.release();
    await limiter.acquire(); // the released slot is free again, at once
    expect(now).toBe(0);
    limiter.started();
    limiter.started();
    await limiter.acquire(); // both sent at 0: the third waits for the window
    expect(now).toBe(60_000);
  });
});
