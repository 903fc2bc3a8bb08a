/**
 * The Inventory: everything the collector learned about a scope, in one immutable, serialisable value.
 *
 * This is the seam between collecting (which talks to Google) and auditing (which must not).
 * A snapshot file is exactly `JSON.stringify(inventory)`, so every field here is plain JSON.
 *
 * Conventions:
 * - Resource names are Google's own: `projects/{projectId}/locations/{region}/services/{name}` etc.
 *   The project segment is always the project ID (never the number) in names we build.
 * - Revision names: `name` is always the full resource name, `revisionId` the short one.
 * - Arrays are sorted (by name) by the collector so that two collections of the same cloud are equal.
 * - Nothing secret is kept: no container env values, no secret references, no tokens.
 */

import type { UsageEvidence } from './usage.js';

export const INVENTORY_SCHEMA_VERSION = 1 as const;

export type ScopeKind = 'projects' | 'folder' | 'organization';

export interface Scope {
  kind: ScopeKind;
  /** Project IDs for `projects`; the folder or organisation number otherwise. */
  ids: string[];
  /** Optional region filter; empty means every region the project uses. */
  regions: string[];
}

export interface Condition {
  title: string;
  expression: string;
  description?: string;
}

export interface Binding {
  role: string;
  /** Members exactly as Google writes them: `user:`, `serviceAccount:`, `group:`, `allUsers`, `deleted:…?uid=…`, … */
  members: string[];
  condition?: Condition;
}

export interface Policy {
  version: number;
  bindings: Binding[];
}

/** A place an IAM policy can be attached to, in the resource hierarchy. */
export type HierarchyNode = `projects/${string}` | `folders/${string}` | `organizations/${string}`;

export interface Organization {
  /** `organizations/{number}` */
  name: string;
  displayName?: string;
  /** null when it could not be read; an error entry says why. */
  iamPolicy: Policy | null;
}

export interface Folder {
  /** `folders/{number}` */
  name: string;
  displayName?: string;
  /** `folders/{n}` or `organizations/{n}` */
  parent?: string;
  iamPolicy: Policy | null;
}

export type Ingress =
  | 'INGRESS_TRAFFIC_ALL'
  | 'INGRESS_TRAFFIC_INTERNAL_ONLY'
  | 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER'
  | 'INGRESS_TRAFFIC_UNSPECIFIED';

export interface TrafficTarget {
  /** Short revision id this share goes to, resolved (a LATEST target is resolved through latestReadyRevision); null if unresolvable. */
  revisionId: string | null;
  percent: number;
  /** True when Google reported it as a LATEST-type allocation. */
  latest: boolean;
  tag?: string;
}

export interface Revision {
  /** Full name: `projects/{p}/locations/{l}/services/{s}/revisions/{r}` */
  name: string;
  revisionId: string;
  /** The identity this revision runs as (filled in with the project default when the API gave none). */
  serviceAccount: string;
  /** True when the API response carried no identity and we filled in the project default. */
  serviceAccountDefaulted: boolean;
  /** Share of the service's traffic this revision serves now (0–100), from trafficStatuses. */
  trafficPercent: number;
  /** Tags routed to this revision (a tagged revision is reachable even at 0%). */
  tags: string[];
  createTime?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface Service {
  /** `projects/{projectId}/locations/{region}/services/{serviceId}` */
  name: string;
  projectId: string;
  region: string;
  serviceId: string;
  uid?: string;
  description?: string;
  creator?: string;
  lastModifier?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ingress: Ingress;
  invokerIamDisabled: boolean;
  uri?: string;
  /** The template's identity: what new revisions run as. Filled in with the project default when absent. */
  serviceAccount: string;
  serviceAccountDefaulted: boolean;
  /** Short id of the latest ready revision, if any. */
  latestReadyRevision?: string;
  traffic: TrafficTarget[];
  revisions: Revision[];
  /** Who may invoke it. null when it could not be read. */
  iamPolicy: Policy | null;
}

export interface Job {
  /** `projects/{projectId}/locations/{region}/jobs/{jobId}` */
  name: string;
  projectId: string;
  region: string;
  jobId: string;
  uid?: string;
  creator?: string;
  lastModifier?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  serviceAccount: string;
  serviceAccountDefaulted: boolean;
}

export interface Project {
  projectId: string;
  /** Decimal string: the number is int64 and only reachable by parsing `projects/{number}`. */
  projectNumber: string;
  displayName?: string;
  state: string;
  labels: Record<string, string>;
  /** Direct parent: `folders/{n}` or `organizations/{n}`, absent for a project with no organisation. */
  parent?: string;
  /** Ancestors from nearest to farthest, excluding the project itself: `folders/…`, …, `organizations/…`. */
  ancestry: string[];
  /** null when the project policy could not be read. */
  iamPolicy: Policy | null;
  /** Regions with Cloud Run resources that were scanned. */
  regions: string[];
  services: Service[];
  jobs: Job[];
  /**
   * Revisions read without their service (an offline `gcloud run revisions list` export alone). They are audited as
   * revisions; since their service's traffic split is unknown, each is judged as if it served traffic.
   */
  revisionsWithoutService?: Revision[];
  /**
   * False when some part of this project could not be read; `Inventory.errors` holds the details.
   * Rules still judge what was read.
   */
  complete: boolean;
  /**
   * True when Google answered SERVICE_DISABLED for run.googleapis.com: the project can hold no Cloud Run workloads,
   * so this is coverage, not a failure. Such a project is complete and has no services or jobs; it is never an
   * `errors` entry for that reason.
   */
  runApiDisabled?: true;
}

export type KeyType = 'USER_MANAGED' | 'SYSTEM_MANAGED';

export interface ServiceAccountKey {
  /** The key id (last path segment of its name). */
  keyId: string;
  keyType: KeyType;
  keyOrigin?: string;
  keyAlgorithm?: string;
  validAfterTime?: string;
  validBeforeTime?: string;
  disabled: boolean;
}

export type ServiceAccountState = 'active' | 'disabled' | 'deleted' | 'unknown';

export interface ServiceAccount {
  email: string;
  /** The project the account lives in (its home), from the API or, failing that, from the email. */
  projectId?: string;
  uniqueId?: string;
  displayName?: string;
  description?: string;
  /**
   * active/disabled from the API; deleted when Google answered 404; unknown when it could not be read
   * (e.g. an account in a project outside the scan's reach).
   */
  state: ServiceAccountState;
  /** Bindings set on the account itself (who may act as it). null when not readable. */
  iamPolicy: Policy | null;
  /** null when the key list could not be read. */
  keys: ServiceAccountKey[] | null;
}

export type RoleSource = 'predefined' | 'project' | 'organization';

export interface RoleDefinition {
  /** `roles/x`, `projects/{p}/roles/x` or `organizations/{n}/roles/x` */
  name: string;
  title?: string;
  description?: string;
  /** GA, BETA, ALPHA, DEPRECATED, DISABLED, EAP. Google omits it for ALPHA custom roles. */
  stage?: string;
  deleted: boolean;
  includedPermissions: string[];
  source: RoleSource;
}

/** Something the collector could not read. Nothing unreadable is ever dropped silently. */
export interface CollectionError {
  /** Project ID the error belongs to, when it belongs to one. */
  project?: string;
  /** The resource that could not be read (`folders/1`, `projects/p/locations/r/services/s`, a role name, an SA email). */
  resource?: string;
  /** The Google API host, e.g. `run.googleapis.com`. */
  api: string;
  /** The API method, e.g. `services.list`. */
  method?: string;
  /** HTTP status number, or a name such as `TIMEOUT`, `NETWORK`, `BAD_RESPONSE`, `PAGING_LOOP`. */
  status: number | string;
  /** Google's status name when it gave one (PERMISSION_DENIED, SERVICE_DISABLED, …). */
  reason?: string;
  /** One line: what failed and what to do about it ("enable run.googleapis.com", "grant roles/run.viewer"). */
  message: string;
}

export interface Inventory {
  schemaVersion: typeof INVENTORY_SCHEMA_VERSION;
  /** Tool version that collected it. */
  toolVersion: string;
  collectedAt: string;
  scope: Scope;
  organizations: Organization[];
  folders: Folder[];
  projects: Project[];
  /** Every runtime identity (and every account whose policy matters), keyed by email, sorted. */
  serviceAccounts: ServiceAccount[];
  /** Definition of every role granted to a runtime identity anywhere in its hierarchy. */
  roles: RoleDefinition[];
  errors: CollectionError[];
  /** Set by `collect --shard i/n`: this snapshot holds only the projects of shard `index` (0-based) of `count`. */
  shard?: ShardInfo;
  /** Recommender usage evidence, present only when collected with --usage-insights. */
  usage?: UsageEvidence;
  /**
   * What the inputs could not decide and were therefore not judged (e.g. whether project number N is project P), each
   * once, in words. Set by offline inputs; the report carries them under `notes`.
   */
  notes?: string[];
}

export interface ShardInfo {
  index: number;
  count: number;
}

export function defaultComputeServiceAccount(projectNumber: string): string {
  return `${projectNumber}-compute@developer.gserviceaccount.com`;
}

export function appEngineDefaultServiceAccount(projectId: string): string {
  return `${projectId}@appspot.gserviceaccount.com`;
}

/** Which default identity of `project` the email is, if any. Matched by number and id, never by emptiness. */
export function defaultIdentityKind(
  email: string,
  project: Pick<Project, 'projectId' | 'projectNumber'>,
): 'compute' | 'appengine' | null {
  const e = email.toLowerCase();
  if (e === defaultComputeServiceAccount(project.projectNumber)) return 'compute';
  if (e === appEngineDefaultServiceAccount(project.projectId).toLowerCase()) return 'appengine';
  return null;
}

/** Default identity of any project, by shape alone (for accounts from other projects). */
export function looksLikeDefaultIdentity(email: string): boolean {
  return /^\d+-compute@developer\.gserviceaccount\.com$/i.test(email) || /@appspot\.gserviceaccount\.com$/i.test(email);
}

/** Home project of a user-managed service account, from its email (`name@PROJECT.iam.gserviceaccount.com`). */
export function projectOfServiceAccountEmail(email: string): string | undefined {
  const m = /^[^@]+@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/i.exec(email);
  if (m) return m[1];
  const ae = /^([a-z][a-z0-9-]{4,28}[a-z0-9])@appspot\.gserviceaccount\.com$/i.exec(email);
  return ae?.[1];
}
