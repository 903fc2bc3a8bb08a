import { quotaExceeded, type ApiError } from './google-errors.js';
import { quotaMetric } from './quota-metrics.js';
import type { ScenarioQuotas } from './scenario.js';

/**
 * Per-minute read quotas as Google enforces them: one bucket per API, consumer project and quota location
 * (the region for Cloud Run, `global` otherwise), over a sliding window. A refused request is not counted,
 * so a client that waits gets through as soon as the window allows.
 */

function limitOf(quotas: ScenarioQuotas, api: string): number | undefined {
  switch (api) {
    case 'run.googleapis.com':
      return quotas.run?.readsPerMinutePerRegion;
    case 'cloudresourcemanager.googleapis.com':
      return quotas.crm?.readsPerMinute;
    case 'iam.googleapis.com':
      return quotas.iam?.readsPerMinute;
    default:
      return undefined;
  }
}

export class QuotaLimiter {
  private readonly windowMs: number;
  /** Arrival times (ms) of the requests counted in each bucket, oldest first. */
  private readonly buckets = new Map<string, number[]>();

  constructor(
    private readonly quotas: ScenarioQuotas,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = (quotas.windowSeconds ?? 60) * 1000;
  }

  /**
   * Counts one request against its bucket, or returns Google's 429 when the bucket is full.
   * `location` is the region a Run request names, or undefined for a cross-region / global request.
   */
  take(api: string, consumerNumber: string, location: string | undefined): ApiError | undefined {
    const limit = limitOf(this.quotas, api);
    if (limit === undefined) return undefined;
    const metric = quotaMetric(api);
    const where = metric.regional && location !== undefined ? location : 'global';
    const key = `${api} ${consumerNumber} ${where}`;
    const t = this.now();
    const times = this.buckets.get(key) ?? [];
    while (times.length > 0 && (times[0] ?? 0) <= t - this.windowMs) times.shift();
    if (times.length >= limit) {
      this.buckets.set(key, times);
      return quotaExceeded({ api, consumerNumber, metric, limitValue: limit, location: where });
    }
    times.push(t);
    this.buckets.set(key, times);
    return undefined;
  }
}
