/** The Google API families the scanner talks to (storage only to write reports); each has its own pool, rate limit and stats. */
export type ApiName = 'run' | 'iam' | 'crm' | 'storage' | 'recommender' | 'asset';

export const API_NAMES: readonly ApiName[] = ['run', 'iam', 'crm', 'storage', 'recommender', 'asset'];

export const API_HOST: Record<ApiName, string> = {
  run: 'run.googleapis.com',
  iam: 'iam.googleapis.com',
  crm: 'cloudresourcemanager.googleapis.com',
  storage: 'storage.googleapis.com',
  recommender: 'recommender.googleapis.com',
  asset: 'cloudasset.googleapis.com',
};

/**
 * Google's published per-minute read quotas per consumer project (shared/google-apis.md §8): the starting limit of
 * each bucket (quota.ts). Run publishes none (its quota is per region and varies by project), nor does Cloud
 * Storage for object reads and writes: those start unlimited, and the first 429 sets the limit it names.
 */
export const PUBLISHED_QPM: Partial<Record<ApiName, number>> = { iam: 6000, crm: 600, recommender: 100, asset: 400 };

/** What a single call is about: used for pooling, stats and for turning a failure into a message that says what to do. */
export interface CallContext {
  api: ApiName;
  /** API method as users see it in docs and audit logs, e.g. `services.list`. */
  method: string;
  /** The resource the call reads: `projects/p/locations/r`, `folders/1`, an SA email, a role name. */
  resource: string;
  /** The scanned project this call belongs to, when it belongs to one. */
  project?: string;
  /** The IAM permission the call needs, for the fix text when Google does not name it. */
  permission: string;
  /** Human wording of where the permission is needed, e.g. `project acme` or `folders/12`. */
  target: string;
  /**
   * The quota location the call counts against: its region for a regional Cloud Run call; absent (`global`) for
   * everything else, cross-region Run lists included.
   */
  quotaLocation?: string;
}
