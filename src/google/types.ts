import type { iam_v1 } from 'googleapis/build/src/apis/iam/index.js';
import type { run_v1, run_v2 } from 'googleapis/build/src/apis/run/index.js';

/**
 * The API shapes the collector maps from. Run and IAM objects are Google's own JSON (the googleapis schema types);
 * Resource Manager objects are flattened here from resource-manager's protobuf decoding into plain JSON.
 */

export type ApiService = run_v2.Schema$GoogleCloudRunV2Service;
export type ApiRevision = run_v2.Schema$GoogleCloudRunV2Revision;
export type ApiJob = run_v2.Schema$GoogleCloudRunV2Job;
/** A v1 (Knative-style) Job, as the global `namespaces.jobs.list` returns it (`gcloud run jobs list`). */
export type ApiJobV1 = run_v1.Schema$Job;
export type ApiTrafficTarget = run_v2.Schema$GoogleCloudRunV2TrafficTarget;
export type ApiTrafficStatus = run_v2.Schema$GoogleCloudRunV2TrafficTargetStatus;
export type ApiServiceAccount = iam_v1.Schema$ServiceAccount;
export type ApiServiceAccountKey = iam_v1.Schema$ServiceAccountKey;
export type ApiRole = iam_v1.Schema$Role;

/** A cross-region list: the items of every region Google reached, and the regions it could not reach. */
export interface CrossRegionList<T> {
  items: T[];
  unreachable: string[];
}

export interface ApiCondition {
  title?: string | null;
  expression?: string | null;
  description?: string | null;
}

export interface ApiBinding {
  role: string;
  members: string[];
  condition?: ApiCondition | null;
}

export interface ApiPolicy {
  version?: number | null;
  bindings: ApiBinding[];
}

export interface ApiProject {
  /** `projects/{number}` */
  name: string;
  projectId: string;
  parent?: string;
  state: string;
  displayName?: string;
  labels: Record<string, string>;
}

export interface ApiFolder {
  /** `folders/{number}` */
  name: string;
  parent?: string;
  displayName?: string;
  state: string;
}

export interface ApiOrganization {
  /** `organizations/{number}` */
  name: string;
  displayName?: string;
  state: string;
}
