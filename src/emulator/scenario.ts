/**
 * The emulator's scenario: a compact description of an organisation, from which the emulator answers
 * every Google API call in Google's own shapes. Validated with ajv against scenario.schema.json
 * (which must agree with these types; a test checks it).
 *
 * Anything left out takes a realistic default: e.g. a service with no `serviceAccount` runs as the project's
 * default compute identity, which the emulator fills in, as the real API does.
 */

export interface ScenarioCondition {
  title: string;
  expression: string;
  description?: string;
}

export interface ScenarioBinding {
  role: string;
  members: string[];
  condition?: ScenarioCondition;
}

export interface ScenarioPolicy {
  bindings: ScenarioBinding[];
}

export interface ScenarioCustomRole {
  /** The role id: `projects/{p}/roles/{roleId}` or `organizations/{n}/roles/{roleId}`. */
  roleId: string;
  title?: string;
  description?: string;
  /** GA, BETA, ALPHA (omitted in output, as Google does), DEPRECATED, DISABLED. Default GA. */
  stage?: string;
  deleted?: boolean;
  includedPermissions: string[];
}

export interface ScenarioKey {
  keyId: string;
  keyType: 'USER_MANAGED' | 'SYSTEM_MANAGED';
  keyOrigin?: 'GOOGLE_PROVIDED' | 'USER_PROVIDED';
  disabled?: boolean;
  validAfterTime?: string;
  validBeforeTime?: string;
}

export interface ScenarioServiceAccount {
  /** The part before `@`; the email is `{accountId}@{projectId}.iam.gserviceaccount.com` unless `email` is set. */
  accountId: string;
  /** Explicit email, for default accounts (`{number}-compute@developer.gserviceaccount.com`). */
  email?: string;
  displayName?: string;
  description?: string;
  disabled?: boolean;
  /** Present in policies but gone: the emulator answers 404 for it. */
  deleted?: boolean;
  uniqueId?: string;
  iamPolicy?: ScenarioPolicy;
  keys?: ScenarioKey[];
}

export interface ScenarioTraffic {
  /** Short revision id; omit with `latest: true`. */
  revision?: string;
  latest?: boolean;
  percent: number;
  tag?: string;
}

export interface ScenarioRevision {
  /** Short revision id, e.g. `billing-00003-abc`. */
  id: string;
  /**
   * Omitted: the service's `serviceAccount`, or else the project's default compute identity (filled in by the
   * emulator). The latest revision runs as the template's identity, so the two may not differ.
   */
  serviceAccount?: string;
  createTime?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ScenarioService {
  name: string;
  region: string;
  /** Template identity. Omitted: the project's default compute identity. */
  serviceAccount?: string;
  description?: string;
  creator?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ingress?: 'INGRESS_TRAFFIC_ALL' | 'INGRESS_TRAFFIC_INTERNAL_ONLY' | 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER';
  invokerIamDisabled?: boolean;
  /** Oldest first; the last one is the latest ready revision and the template's revision. Default: one revision. */
  revisions?: ScenarioRevision[];
  /** Default: 100% to LATEST. */
  traffic?: ScenarioTraffic[];
  iamPolicy?: ScenarioPolicy;
  /** Container env entries; the emulator serves them (values and secret refs) so tests can prove they are not copied. */
  env?: { name: string; value?: string; secret?: string }[];
}

export interface ScenarioJob {
  name: string;
  region: string;
  /** Omitted: absent in the API response, i.e. the project's default compute identity applies. */
  serviceAccount?: string;
  creator?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  iamPolicy?: ScenarioPolicy;
}

export interface ScenarioBucket {
  /** Globally unique at Google; unique within the scenario here. */
  name: string;
  /** Bucket-level IAM: the caller lacks these here (same patterns as a project's `deniedPermissions`). */
  deniedPermissions?: string[];
}

/**
 * A fault: Cloud Run regions that cannot be reached. Cross-region lists (v2 `locations/-` services, v1
 * `locations/-` services, the v1 global `namespaces/{p}/services|revisions|jobs` lists) leave these regions'
 * items out and name the regions in `unreachable`, as Google does when a region misses the deadline.
 */
export interface ScenarioUnreachable {
  regions: string[];
  /**
   * What a request naming one of these regions answers (a per-region list, get or getIamPolicy, or a v1 list on
   * the regional endpoint): omitted, it answers normally; otherwise Google's error for that status (e.g. 503).
   */
  regionalStatus?: 429 | 500 | 502 | 503 | 504;
}

/** Reads per minute per consumer project and quota location: 429 RESOURCE_EXHAUSTED with Google's body beyond. */
export interface ScenarioQuotas {
  /** The consumer billed for the scanner's calls (a project number); default the first project's. `x-goog-user-project` overrides it. */
  consumer?: string;
  /** TEST KNOB: the sliding window's length in seconds (Google's is 60). Shorten it only to test recovery. */
  windowSeconds?: number;
  /** Cloud Run: per region (cross-region and global-endpoint lists count against `global`). */
  run?: { readsPerMinutePerRegion: number };
  /** Resource Manager: location `global`. */
  crm?: { readsPerMinute: number };
  /** IAM: location `global`. */
  iam?: { readsPerMinute: number };
}

export interface ScenarioProject {
  projectId: string;
  /** Decimal string. */
  number: string;
  displayName?: string;
  /** `folders/{n}` or `organizations/{n}`. */
  parent: string;
  /** Default ACTIVE. */
  state?: 'ACTIVE' | 'DELETE_REQUESTED';
  labels?: Record<string, string>;
  iamPolicy?: ScenarioPolicy;
  /** APIs switched off in this project: calls to them answer 403 SERVICE_DISABLED. */
  disabledApis?: string[];
  /**
   * The scanner lacks these permissions here: calls needing them answer 403 PERMISSION_DENIED. `*` means all;
   * a trailing `.*` denies a whole prefix (`run.*`).
   */
  deniedPermissions?: string[];
  /** Regions the Run v1 locations list returns. Default: every region Cloud Run serves (regions.ts). */
  locations?: string[];
  /** Regions unreachable for this project; replaces the scenario-wide `unreachable` for it. */
  unreachable?: ScenarioUnreachable;
  customRoles?: ScenarioCustomRole[];
  serviceAccounts?: ScenarioServiceAccount[];
  services?: ScenarioService[];
  jobs?: ScenarioJob[];
  /** Cloud Storage buckets in this project (where scheduled scans write reports); objects start empty. */
  buckets?: ScenarioBucket[];
}

export interface ScenarioFolder {
  /** Folder number. */
  id: string;
  displayName: string;
  /** `folders/{n}` or `organizations/{n}`. */
  parent: string;
  iamPolicy?: ScenarioPolicy;
}

export interface ScenarioOrganization {
  /** Organisation number. */
  id: string;
  displayName: string;
  directoryCustomerId?: string;
  iamPolicy?: ScenarioPolicy;
  customRoles?: ScenarioCustomRole[];
}

/** 90 days of one member's use of one role at one place, as the IAM Recommender reports it (google.iam.policy.Insight). */
export interface ScenarioRoleUsage {
  /** Where the role is granted: `projects/{id}`, `folders/{n}` or `organizations/{n}`. */
  resource: string;
  member: string;
  role: string;
  /** Permissions seen used. */
  exercised: string[];
  /** Permissions Google expects to be needed although not seen used. */
  inferred?: string[];
  /** The Recommender's REPLACE_ROLE proposal; absent with nothing used: REMOVE_ROLE; absent otherwise: no recommendation. */
  replacementRoles?: string[];
}

/** A regional google.run.service.IdentityRecommender recommendation for one service. */
export interface ScenarioRunRecommendation {
  /** `projects/{id}/locations/{region}/services/{name}` */
  service: string;
  description: string;
}

export interface ScenarioRecommender {
  usage?: ScenarioRoleUsage[];
  runIdentity?: ScenarioRunRecommendation[];
}

export interface Scenario {
  /** Free text shown by `emulator --describe`. */
  description?: string;
  organization: ScenarioOrganization;
  folders?: ScenarioFolder[];
  projects: ScenarioProject[];
  /** What the Recommender API serves (insights and recommendations). Projects may disable it with disabledApis. */
  recommender?: ScenarioRecommender;
  /** Regions unreachable for every project that does not set its own `unreachable`. */
  unreachable?: ScenarioUnreachable;
  /** Per-minute read quotas, enforced as Google does; absent: unlimited. */
  quotas?: ScenarioQuotas;
}
