import pLimit, { type LimitFunction } from 'p-limit';
import { UserError } from '../errors.js';
import { API_HOST, API_NAMES, type ApiName, type CallContext } from './apis.js';
import { AttemptTimeoutError, GoogleCallError, classify, isRetryable, type Failure } from './errors.js';
import { Quotas, quotaLimitOf } from './quota.js';
import { defaultSleep } from './rate-limit.js';

export interface RetryOptions {
  /** First backoff ceiling; doubles per retry (full jitter: the wait is uniform in [0, ceiling]). */
  baseDelayMs: number;
  /** Cap on the backoff ceiling. */
  maxDelayMs: number;
  /**
   * A call gives up once the next wait would end past this many ms after its first attempt. Time spent queued for
   * a quota slot or a connection is not counted: that is the scanner pacing itself, not Google failing.
   */
  deadlineMs: number;
  /** One attempt that has not answered after this long is abandoned (and counts as a timeout). */
  attemptTimeoutMs: number;
  /** Never more than this many requests for one call, however short the waits. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  deadlineMs: 120_000,
  attemptTimeoutMs: 60_000,
  maxAttempts: 10,
};

export const DEFAULT_CONCURRENCY = 8;

export interface CallerOptions {
  /** Parallel requests in flight per API. */
  concurrency?: number;
  /** `--qpm`: a ceiling per API over each of its quota buckets (see quota.ts). */
  qpm?: Partial<Record<ApiName, number>>;
  /** The quota window (Google's is 60 s); internal, for tests against an emulator with a short window. */
  quotaWindowMs?: number;
  retry?: Partial<RetryOptions>;
  /** The origin every request goes to, when not Google's: named in the unreachable-endpoint error. */
  endpoint?: string;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface ApiStats {
  /** HTTP requests sent (every attempt). */
  attempts: number;
  /** Attempts that were repeats of a failed one. */
  retries: number;
  /** Calls that ended in an error after any retries. */
  failures: number;
}

export type CallStats = Record<ApiName, ApiStats>;

/** What the attempt function gets: a signal aborted when the attempt times out, and the timeout for clients that take one. */
export interface Attempt {
  signal: AbortSignal;
  timeoutMs: number;
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/**
 * The one way every Google request is made: a per-API concurrency pool and rate limiter, a per-attempt timeout,
 * and retries with truncated exponential backoff and full jitter (honouring Retry-After) until a per-call deadline.
 * The clients' own retries are off, so one attempt here is one request on the wire.
 */
export class Caller {
  readonly retry: RetryOptions;
  private readonly pools: Record<ApiName, LimitFunction>;
  private readonly quotas: Quotas;
  private readonly counters: CallStats;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly endpoint: string | undefined;
  /** Set once any server answered: after that, a refused connection is a failure of one call, not a wrong endpoint. */
  private answered = false;

  constructor(opts: CallerOptions = {}) {
    this.retry = { ...DEFAULT_RETRY, ...definedOnly(opts.retry ?? {}) };
    const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new UserError('USAGE', `concurrency must be a whole number of at least 1, got ${concurrency}`);
    }
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? defaultSleep;
    this.now = opts.now ?? Date.now;
    this.endpoint = opts.endpoint;
    const qpm = definedOnly(opts.qpm ?? {});
    const pools = {} as Record<ApiName, LimitFunction>;
    const counters = {} as CallStats;
    for (const api of API_NAMES) {
      const perMinute = qpm[api];
      if (perMinute !== undefined && !(perMinute > 0)) throw new UserError('USAGE', `requests per minute for ${api} must be positive, got ${perMinute}`);
      pools[api] = pLimit(concurrency);
      counters[api] = { attempts: 0, retries: 0, failures: 0 };
    }
    this.pools = pools;
    this.quotas = new Quotas({ ceilings: qpm, now: this.now, sleep: this.sleep, ...(opts.quotaWindowMs !== undefined ? { windowMs: opts.quotaWindowMs } : {}) });
    this.counters = counters;
  }

  stats(): CallStats {
    const out = {} as CallStats;
    for (const api of API_NAMES) out[api] = { ...this.counters[api] };
    return out;
  }

  /** Per-minute limits learnt from 429s, `api location` → requests per minute. */
  learntQuotas(): Record<string, number> {
    return this.quotas.learntLimits();
  }

  async call<T>(ctx: CallContext, attempt: (a: Attempt) => Promise<T>): Promise<T> {
    const started = this.now();
    const counter = this.counters[ctx.api];
    const queue = { ms: 0 };
    for (let n = 1; ; n++) {
      if (n > 1) counter.retries++;
      let failure: Failure;
      try {
        const result = await this.send(ctx, attempt, queue);
        this.answered = true;
        return result;
      } catch (err) {
        failure = classify(err, this.now());
      }
      if (failure.status !== 'NETWORK' && failure.status !== 'TIMEOUT') this.answered = true;
      if (failure.status === 'NETWORK' && !this.answered && failure.networkCode && UNREACHABLE[failure.networkCode]) {
        const origin = this.endpoint ?? `https://${API_HOST[ctx.api]}`;
        throw new UserError('ENDPOINT', `cannot reach ${origin}: ${UNREACHABLE[failure.networkCode]}`);
      }
      if (failure.status === 401) {
        // Every later call would be refused the same way: this is about the credentials, not one resource.
        counter.failures++;
        throw new UserError('CREDENTIALS', new GoogleCallError(ctx, failure, n, this.now() - started).message);
      }
      const elapsed = this.now() - started - queue.ms;
      if (isRetryable(failure)) {
        const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (n - 1));
        const jitter = Math.floor(this.random() * ceiling);
        const wait = Math.max(jitter, failure.retryAfterMs ?? 0);
        if (n < this.retry.maxAttempts && elapsed + wait < this.retry.deadlineMs) {
          await this.sleep(wait);
          continue;
        }
      }
      counter.failures++;
      throw new GoogleCallError(ctx, failure, n, this.now() - started);
    }
  }

  /**
   * One attempt on the wire: a quota slot first, then a connection from the API's pool. The slot is taken before
   * the connection, so a call waiting on one region's quota never holds a connection another region could use;
   * and it is checked again once the connection is free, because a 429 may have lowered the limit meanwhile
   * (then the slot is given back and the call queues again, unsent). Time queued is added to `queue.ms`.
   */
  private async send<T>(ctx: CallContext, attempt: (a: Attempt) => Promise<T>, queue: { ms: number }): Promise<T> {
    const bucket = this.quotas.bucket(ctx.api, ctx.quotaLocation);
    for (;;) {
      const queued = this.now();
      await bucket.acquire();
      let sent = false;
      const out = await this.pools[ctx.api](async (): Promise<{ value: T } | undefined> => {
        queue.ms += this.now() - queued;
        if (!bucket.tryStart()) return undefined;
        sent = true;
        this.counters[ctx.api].attempts++;
        try {
          return { value: await this.withTimeout(attempt) };
        } catch (e) {
          // Learnt before the connection is handed on, so the next call waiting for it already sees the limit.
          this.learnQuota(ctx, e);
          throw e;
        }
      }).catch((e: unknown) => {
        if (!sent) bucket.release();
        throw e;
      });
      if (out !== undefined) return out.value;
    }
  }

  /** A 429 names the quota Google enforced: pace that bucket (and this call's own, if Google keys it elsewhere) to it. */
  private learnQuota(ctx: CallContext, err: unknown): void {
    const failure = classify(err, this.now());
    if (failure.status !== 429) return;
    const limit = quotaLimitOf(failure.metadata);
    if (limit === undefined) return;
    this.quotas.learn(ctx.api, limit);
    const own = ctx.quotaLocation ?? 'global';
    if (own !== limit.location) this.quotas.learn(ctx.api, { ...limit, location: own });
  }

  private withTimeout<T>(attempt: (a: Attempt) => Promise<T>): Promise<T> {
    const timeoutMs = this.retry.attemptTimeoutMs;
    const controller = new AbortController();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new AttemptTimeoutError(timeoutMs));
        controller.abort();
      }, timeoutMs);
      attempt({ signal: controller.signal, timeoutMs }).then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(controller.signal.aborted ? new AttemptTimeoutError(timeoutMs) : e);
        },
      );
    });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
