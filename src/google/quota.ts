import { API_NAMES, PUBLISHED_QPM, type ApiName } from './apis.js';
import { RateLimiter } from './rate-limit.js';

/**
 * Google's quotas as Google keys them: one bucket per API and quota location. Cloud Run counts reads per consumer
 * project *per region* (`run.googleapis.com/read_regional`, limit `ReadPerMinutePerProjectRegion`), and counts
 * cross-region lists (`locations/-`, the v1 global endpoint) under the location `global`; the other APIs have one
 * global bucket.
 *
 * A bucket starts at the API's published per-minute quota (never lower, so a scan is never slower than Google
 * allows), or unlimited where Google publishes none (Run). The first 429 names the real limit in its ErrorInfo
 * (`quota_limit_value`, `quota_location`): that bucket is set to it, so the scan settles at the quota instead of
 * collecting refusals. A user's `--qpm` is a ceiling over every bucket of that API.
 */

export const GLOBAL = 'global';

export interface QuotaOptions {
  /** `--qpm`: a ceiling per API, applied to each of its buckets. */
  ceilings?: Partial<Record<ApiName, number>>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** The quota window; Google's is a minute. Tests inject a short one to match an emulator's short window. */
  windowMs?: number;
}

/** What a 429 said about the quota it hit, when it said enough to act on. */
export interface QuotaLimit {
  location: string;
  perMinute: number;
  metric?: string;
}

/**
 * Reads a quota limit from a 429's ErrorInfo metadata. Only per-minute limits are taken (a per-day limit says
 * nothing about how fast to go); the unit is in the limit's name (`…PerMinute…`) or `quota_unit` (`1/min/{project}`).
 */
export function quotaLimitOf(metadata: Record<string, string>): QuotaLimit | undefined {
  const value = Number(metadata['quota_limit_value']);
  if (!Number.isFinite(value) || value < 1) return undefined;
  const name = metadata['quota_limit'] ?? '';
  const unit = metadata['quota_unit'] ?? '';
  const perMinute = /PerMinute/i.test(name) || /\/min\b/.test(unit);
  if (!perMinute) return undefined;
  const out: QuotaLimit = { location: metadata['quota_location'] || GLOBAL, perMinute: Math.floor(value) };
  const metric = metadata['quota_metric'];
  if (metric !== undefined) out.metric = metric;
  return out;
}

/**
 * Google counts a request when it arrives, a little after we send it (later still on a busy machine); a window
 * 1 % (at least 250 ms) longer than Google's keeps a request sent just as a slot frees from arriving just before
 * the slot is free at Google.
 */
function withMargin(windowMs: number): number {
  return windowMs + Math.max(250, Math.ceil(windowMs / 100));
}

export class Quotas {
  private readonly buckets = new Map<string, RateLimiter>();
  private readonly ceilings: Partial<Record<ApiName, number>>;
  private readonly learnt = new Map<string, number>();

  constructor(private readonly opts: QuotaOptions = {}) {
    this.ceilings = opts.ceilings ?? {};
    for (const api of API_NAMES) {
      const c = this.ceilings[api];
      if (c !== undefined && !(c > 0)) throw new RangeError(`requests per minute for ${api} must be positive, got ${c}`);
    }
  }

  /** The bucket a call of `api` at `location` counts against. */
  bucket(api: ApiName, location: string = GLOBAL): RateLimiter {
    const key = `${api} ${location}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = new RateLimiter(this.startingLimit(api), this.opts.now, this.opts.sleep, withMargin(this.opts.windowMs ?? 60_000));
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Sets a bucket to the limit a 429 named (capped by the user's ceiling). */
  learn(api: ApiName, limit: QuotaLimit): void {
    const perMinute = Math.min(limit.perMinute, this.ceilings[api] ?? Infinity);
    this.learnt.set(`${api} ${limit.location}`, perMinute);
    this.bucket(api, limit.location).setLimit(perMinute);
  }

  /** Limits learnt from 429s so far, `api location` → per minute (for --verbose and tests). */
  learntLimits(): Record<string, number> {
    return Object.fromEntries([...this.learnt].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private startingLimit(api: ApiName): number {
    return Math.min(this.ceilings[api] ?? Infinity, PUBLISHED_QPM[api] ?? Infinity);
  }
}
