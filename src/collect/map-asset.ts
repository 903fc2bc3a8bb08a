import type { AssetResource } from '../google/asset.js';
import type { JsonObject } from '../google/shapes.js';
import type { ApiJob, ApiRevision, ApiService, ApiServiceAccount, ApiServiceAccountKey, ApiTrafficStatus, ApiTrafficTarget } from '../google/types.js';

/**
 * Pure mapping of Cloud Asset Inventory results to the Run v2 and IAM shapes the rest of the collector maps from.
 *
 * CAI keeps Cloud Run resources as the v1 (Knative) objects: `spec.template.spec.serviceAccountName`,
 * `status.traffic`, settings as `run.googleapis.com/*` annotations, numbers as JSON numbers (often `1.0`).
 * They are converted field by field into the v2 fields map-run.ts reads, so both sources feed one mapper.
 */

export const RUN_SERVICE = 'run.googleapis.com/Service';
export const RUN_REVISION = 'run.googleapis.com/Revision';
export const RUN_JOB = 'run.googleapis.com/Job';
export const SERVICE_ACCOUNT = 'iam.googleapis.com/ServiceAccount';
export const SERVICE_ACCOUNT_KEY = 'iam.googleapis.com/ServiceAccountKey';
export const PROJECT = 'cloudresourcemanager.googleapis.com/Project';
export const FOLDER = 'cloudresourcemanager.googleapis.com/Folder';
export const ORGANIZATION = 'cloudresourcemanager.googleapis.com/Organization';

const INGRESS: Record<string, string> = {
  all: 'INGRESS_TRAFFIC_ALL',
  internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'internal-and-cloud-load-balancing': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
};

/**
 * Annotation prefixes that hold settings: v2 shows each as a field of its own and never returns these keys
 * (it refuses them on write), so they are dropped to give the same annotations as the Run API.
 */
const SYSTEM_ANNOTATION = /^(run\.googleapis\.com|serving\.knative\.dev|autoscaling\.knative\.dev|client\.knative\.dev)\//;
/** The location label v1 adds to services and jobs; v2 keeps it in the name only. */
const LOCATION_LABEL = 'cloud.googleapis.com/location';

function obj(v: unknown): JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : {};
}

/** The v2 ingress of a v1 annotation value; own keys only, so a value such as `constructor` is simply unknown. */
function ingressOf(annotation: string): string {
  return Object.hasOwn(INGRESS, annotation) ? (INGRESS[annotation] ?? 'INGRESS_TRAFFIC_UNSPECIFIED') : 'INGRESS_TRAFFIC_UNSPECIFIED';
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function strings(v: unknown, drop: (k: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  // defineProperty, not assignment: a key named __proto__ (legal in Google's labels) must stay a key.
  for (const [k, x] of Object.entries(obj(v))) if (typeof x === 'string' && !drop(k)) Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
  return out;
}

/** CAI writes integers as JSON numbers, sometimes with a fraction (`100.0`). */
function int(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.round(n) : undefined;
}

export interface RunAssetName {
  /** As written in the name: a project ID or number. */
  project: string;
  region: string;
  kind: 'services' | 'revisions' | 'jobs';
  id: string;
}

/** Splits `//run.googleapis.com/projects/{p}/locations/{l}/(services|revisions|jobs)/{id}`. */
export function parseRunAssetName(name: string): RunAssetName | undefined {
  const m = /^\/\/run\.googleapis\.com\/projects\/([^/]+)\/locations\/([^/]+)\/(services|revisions|jobs)\/([^/]+)$/.exec(name);
  if (!m || m[1] === undefined || m[2] === undefined || m[4] === undefined) return undefined;
  return { project: m[1], region: m[2], kind: m[3] as RunAssetName['kind'], id: m[4] };
}

/** `projects/123` → `123`; a bare number passes. */
export function projectNumberOfAsset(project: string | undefined): string | undefined {
  return project === undefined ? undefined : /^(?:projects\/)?(\d+)(?:\.0+)?$/.exec(project)?.[1];
}

function trafficOf(entries: unknown, latestReady: string | undefined): (ApiTrafficStatus & ApiTrafficTarget)[] {
  if (!Array.isArray(entries)) return [];
  return entries.map((e: unknown) => {
    const t = obj(e);
    const latest = t['latestRevision'] === true;
    const out: ApiTrafficStatus & ApiTrafficTarget = {
      type: latest ? 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' : 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
      percent: int(t['percent']) ?? 0,
    };
    const revision = text(t['revisionName']) ?? (latest ? latestReady : undefined);
    if (revision !== undefined) out.revision = revision;
    const tag = text(t['tag']);
    if (tag !== undefined) out.tag = tag;
    return out;
  });
}

/** A CAI `run.googleapis.com/Service` as the v2 Service fields map-run.ts reads; undefined when it is not one. */
export function serviceFromAsset(asset: AssetResource, projectId: string): ApiService | undefined {
  const parsed = parseRunAssetName(asset.name);
  if (!parsed || parsed.kind !== 'services' || asset.resource === undefined) return undefined;
  const r = asset.resource;
  const meta = obj(r['metadata']);
  const spec = obj(r['spec']);
  const status = obj(r['status']);
  const annotations = strings(meta['annotations']);
  const latestReady = text(status['latestReadyRevisionName']);
  const svc: ApiService = {
    name: `projects/${projectId}/locations/${parsed.region}/services/${parsed.id}`,
    labels: strings(meta['labels'], (k) => k === LOCATION_LABEL),
    annotations: strings(meta['annotations'], (k) => SYSTEM_ANNOTATION.test(k)),
    ingress: ingressOf(annotations['run.googleapis.com/ingress'] ?? 'all'),
    invokerIamDisabled: annotations['run.googleapis.com/invoker-iam-disabled'] === 'true',
    template: {},
    traffic: trafficOf(spec['traffic'], latestReady),
    trafficStatuses: trafficOf(status['traffic'], latestReady),
  };
  const sa = text(obj(obj(spec['template'])['spec'])['serviceAccountName']);
  if (sa !== undefined) svc.template = { serviceAccount: sa };
  const uid = text(meta['uid']);
  if (uid !== undefined) svc.uid = uid;
  const creator = text(annotations['serving.knative.dev/creator']);
  if (creator !== undefined) svc.creator = creator;
  const lastModifier = text(annotations['serving.knative.dev/lastModifier']);
  if (lastModifier !== undefined) svc.lastModifier = lastModifier;
  const uri = text(status['url']);
  if (uri !== undefined) svc.uri = uri;
  if (latestReady !== undefined) svc.latestReadyRevision = latestReady;
  return svc;
}

/** A CAI `run.googleapis.com/Revision` as a v2 Revision, named under its service (from its service label). */
export function revisionFromAsset(asset: AssetResource, projectId: string): ApiRevision | undefined {
  const parsed = parseRunAssetName(asset.name);
  if (!parsed || parsed.kind !== 'revisions' || asset.resource === undefined) return undefined;
  const meta = obj(asset.resource['metadata']);
  const labels = strings(meta['labels']);
  const owner = Array.isArray(meta['ownerReferences']) ? obj(meta['ownerReferences'][0]) : {};
  const service = text(labels['serving.knative.dev/service']) ?? text(owner['name']) ?? text(parseRunAssetName(asset.parentFullResourceName ?? '')?.id);
  if (service === undefined) return undefined;
  const rev: ApiRevision = {
    name: `projects/${projectId}/locations/${parsed.region}/services/${service}/revisions/${parsed.id}`,
    labels,
    annotations: strings(meta['annotations'], (k) => SYSTEM_ANNOTATION.test(k)),
  };
  const sa = text(obj(asset.resource['spec'])['serviceAccountName']);
  if (sa !== undefined) rev.serviceAccount = sa;
  const created = text(meta['creationTimestamp']);
  if (created !== undefined) rev.createTime = created;
  return rev;
}

/** A CAI `run.googleapis.com/Job` (run.googleapis.com/v1 Job) as a v2 Job. */
export function jobFromAsset(asset: AssetResource, projectId: string): ApiJob | undefined {
  const parsed = parseRunAssetName(asset.name);
  if (!parsed || parsed.kind !== 'jobs' || asset.resource === undefined) return undefined;
  return jobFromV1(asset.resource, projectId, parsed.region, parsed.id);
}

/** Where a v1 (Knative-style) object lives: its name, and the region from the location label v1 adds. */
export function locateV1(resource: JsonObject): { id: string; region: string } | undefined {
  const meta = obj(resource['metadata']);
  const id = text(meta['name']);
  const region = text(obj(meta['labels'])[LOCATION_LABEL]);
  return id !== undefined && region !== undefined ? { id, region } : undefined;
}

/**
 * A run.googleapis.com/v1 Job (CAI, a `gcloud run jobs` export, or the global `namespaces.jobs.list`) as a v2 Job,
 * named in `projectId`. The one mapping of v1 jobs: every source goes through it.
 */
export function jobFromV1(resource: JsonObject, projectId: string, region: string, id: string): ApiJob {
  const meta = obj(resource['metadata']);
  const annotations = strings(meta['annotations']);
  const taskSpec = obj(obj(obj(obj(obj(obj(resource['spec'])['template'])['spec'])['template'])['spec']));
  const job: ApiJob = {
    name: `projects/${projectId}/locations/${region}/jobs/${id}`,
    labels: strings(meta['labels'], (k) => k === LOCATION_LABEL),
    annotations: strings(meta['annotations'], (k) => SYSTEM_ANNOTATION.test(k)),
    template: { template: {} },
  };
  const sa = text(taskSpec['serviceAccountName']);
  if (sa !== undefined) job.template = { template: { serviceAccount: sa } };
  const uid = text(meta['uid']);
  if (uid !== undefined) job.uid = uid;
  const creator = text(annotations['run.googleapis.com/creator']);
  if (creator !== undefined) job.creator = creator;
  const lastModifier = text(annotations['run.googleapis.com/lastModifier']);
  if (lastModifier !== undefined) job.lastModifier = lastModifier;
  return job;
}

/** The IAM ServiceAccount JSON CAI keeps for `iam.googleapis.com/ServiceAccount`; undefined without an email. */
export function accountFromAsset(asset: AssetResource): ApiServiceAccount | undefined {
  const r = asset.resource;
  if (r === undefined || text(r['email']) === undefined) return undefined;
  return r as ApiServiceAccount;
}

/** The IAM key JSON CAI keeps for `iam.googleapis.com/ServiceAccountKey`. */
export function keyFromAsset(asset: AssetResource): ApiServiceAccountKey | undefined {
  const r = asset.resource;
  if (r === undefined) return undefined;
  // The key id is the last segment of either name; CAI's own name is used when the resource has none.
  const name = text(r['name']) ?? asset.name.replace(/^\/\/iam\.googleapis\.com\//, '');
  return { ...(r as ApiServiceAccountKey), name };
}

/** `//iam.googleapis.com/projects/p/serviceAccounts/{email or uniqueId}` → `{email or uniqueId}`. */
export function accountRefOf(fullName: string): string | undefined {
  return /^\/\/iam\.googleapis\.com\/projects\/[^/]+\/serviceAccounts\/([^/]+)$/.exec(fullName)?.[1];
}

/** `//cloudresourcemanager.googleapis.com/(projects|folders|organizations)/{x}` → `{kind}/{x}`. */
export function hierarchyNodeOf(fullName: string): string | undefined {
  return /^\/\/cloudresourcemanager\.googleapis\.com\/((?:projects|folders|organizations)\/[^/]+)$/.exec(fullName)?.[1];
}
