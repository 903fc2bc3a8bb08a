/**
 * How Google names the read quota of each API in a 429: the metric and limit (machine names and the titles
 * the message quotes) and where the bucket lives. Cloud Run's reads are regional
 * (repo-automation-bots#4469 quotes `metric=run.googleapis.com/read_regional&limit=ReadPerMinutePerProjectRegion`);
 * Resource Manager's and IAM's are global (google-apis.md §7–8).
 */
export interface QuotaMetric {
  metric: string;
  metricTitle: string;
  limit: string;
  limitTitle: string;
  /** true: one bucket per region named in the request; false: one bucket, location `global`. */
  regional: boolean;
  /** The value a fault-injected 429 names, where the scenario sets no quota. */
  faultLimitValue: number;
}

const METRICS: Record<string, QuotaMetric> = {
  'run.googleapis.com': {
    metric: 'run.googleapis.com/read_regional',
    metricTitle: 'Read requests',
    limit: 'ReadPerMinutePerProjectRegion',
    limitTitle: 'Read requests per minute per region',
    regional: true,
    faultLimitValue: 1000,
  },
  'cloudresourcemanager.googleapis.com': {
    metric: 'cloudresourcemanager.googleapis.com/read_requests',
    metricTitle: 'Read requests',
    limit: 'ReadRequestsPerMinutePerProject',
    limitTitle: 'Read requests per minute',
    regional: false,
    faultLimitValue: 1200,
  },
  'iam.googleapis.com': {
    metric: 'iam.googleapis.com/read_requests',
    metricTitle: 'Read requests',
    limit: 'ReadRequestsPerMinutePerProject',
    limitTitle: 'Read requests per minute',
    regional: false,
    faultLimitValue: 6000,
  },
};

/** The read quota of `api`; APIs not listed get the common global shape. */
export function quotaMetric(api: string): QuotaMetric {
  return (
    METRICS[api] ?? {
      metric: `${api}/read_requests`,
      metricTitle: 'Read requests',
      limit: 'ReadRequestsPerMinutePerProject',
      limitTitle: 'Read requests per minute',
      regional: false,
      faultLimitValue: 1200,
    }
  );
}
