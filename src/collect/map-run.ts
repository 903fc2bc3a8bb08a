import type { ApiJob, ApiRevision, ApiService, ApiTrafficStatus, ApiTrafficTarget } from '../google/types.js';
import {
  defaultComputeServiceAccount,
  type Ingress,
  type Job,
  type Policy,
  type Revision,
  type Service,
  type TrafficTarget,
} from '../model/inventory.js';
import { byName, sortedRecord } from './sort.js';

/**
 * Pure mapping from Cloud Run v2 objects to the Inventory. Only identity, exposure and provenance are copied:
 * container images, env values, secret references and the rest of the container config never leave here.
 */

export interface ProjectRef {
  projectId: string;
  projectNumber: string;
}

const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const INGRESS: readonly Ingress[] = [
  'INGRESS_TRAFFIC_ALL',
  'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
  'INGRESS_TRAFFIC_UNSPECIFIED',
];

export interface RunName {
  project: string;
  region: string;
  /** Service or job id. */
  id: string;
  /** Revision id, for revision names. */
  revisionId?: string;
}

/** Splits `projects/{p}/locations/{l}/(services|jobs)/{id}[/revisions/{r}]`; undefined when it is not one. */
export function parseRunName(name: string): RunName | undefined {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/(?:services|jobs)\/([^/]+)(?:\/revisions\/([^/]+))?$/.exec(name);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return undefined;
  const out: RunName = { project: m[1], region: m[2], id: m[3] };
  if (m[4] !== undefined) out.revisionId = m[4];
  return out;
}

/** Short revision id from either form Google uses: `svc-00002-abc` or `projects/…/revisions/svc-00002-abc`. */
export function shortRevisionId(revision: string | null | undefined): string | undefined {
  if (!revision) return undefined;
  const i = revision.lastIndexOf('/');
  const id = i >= 0 ? revision.slice(i + 1) : revision;
  return id === '' ? undefined : id;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function identity(email: unknown, project: ProjectRef): { serviceAccount: string; serviceAccountDefaulted: boolean } {
  const sa = text(email);
  return sa !== undefined
    ? { serviceAccount: sa, serviceAccountDefaulted: false }
    : { serviceAccount: defaultComputeServiceAccount(project.projectNumber), serviceAccountDefaulted: true };
}

/**
 * Where traffic goes now: `trafficStatuses` (what is actually served), else the desired `traffic`.
 * A LATEST allocation may carry no revision at all; it resolves through `latestReadyRevision`.
 */
export function mapTraffic(svc: ApiService): TrafficTarget[] {
  const statuses: (ApiTrafficStatus | ApiTrafficTarget)[] =
    Array.isArray(svc.trafficStatuses) && svc.trafficStatuses.length > 0
      ? svc.trafficStatuses
      : Array.isArray(svc.traffic)
        ? svc.traffic
        : [];
  const latestReady = shortRevisionId(svc.latestReadyRevision);
  return statuses.map((t) => {
    const latest = t.type === LATEST;
    const explicit = shortRevisionId(t.revision);
    const target: TrafficTarget = {
      revisionId: explicit ?? (latest ? (latestReady ?? null) : null),
      percent: typeof t.percent === 'number' ? t.percent : 0,
      latest,
    };
    const tag = text(t.tag);
    if (tag !== undefined) target.tag = tag;
    return target;
  });
}

export function mapRevision(rev: ApiRevision, project: ProjectRef, traffic: TrafficTarget[]): Revision | undefined {
  const parsed = rev.name ? parseRunName(rev.name) : undefined;
  if (!parsed || parsed.revisionId === undefined) return undefined;
  const revisionId = parsed.revisionId;
  const serving = traffic.filter((t) => t.revisionId === revisionId);
  const out: Revision = {
    name: `projects/${project.projectId}/locations/${parsed.region}/services/${parsed.id}/revisions/${revisionId}`,
    revisionId,
    ...identity(rev.serviceAccount, project),
    trafficPercent: serving.reduce((sum, t) => sum + t.percent, 0),
    tags: [...new Set(serving.flatMap((t) => (t.tag !== undefined ? [t.tag] : [])))].sort(),
    labels: sortedRecord(rev.labels),
    annotations: sortedRecord(rev.annotations),
  };
  const createTime = text(rev.createTime);
  if (createTime !== undefined) out.createTime = createTime;
  return out;
}

function ingressOf(v: unknown): Ingress {
  return INGRESS.find((i) => i === v) ?? 'INGRESS_TRAFFIC_UNSPECIFIED';
}

/**
 * @param revisions the region's revisions; those of other services are ignored.
 * @param iamPolicy the service's policy, or null when it could not be read.
 */
export function mapService(svc: ApiService, revisions: ApiRevision[], project: ProjectRef, iamPolicy: Policy | null): Service | undefined {
  const parsed = svc.name ? parseRunName(svc.name) : undefined;
  if (!parsed || parsed.revisionId !== undefined) return undefined;
  const traffic = mapTraffic(svc);
  const mine = revisions.filter((r) => {
    const p = r.name ? parseRunName(r.name) : undefined;
    return p !== undefined && p.region === parsed.region && p.id === parsed.id;
  });
  const out: Service = {
    name: `projects/${project.projectId}/locations/${parsed.region}/services/${parsed.id}`,
    projectId: project.projectId,
    region: parsed.region,
    serviceId: parsed.id,
    labels: sortedRecord(svc.labels),
    annotations: sortedRecord(svc.annotations),
    ingress: ingressOf(svc.ingress),
    invokerIamDisabled: svc.invokerIamDisabled === true,
    ...identity(svc.template?.serviceAccount, project),
    traffic,
    revisions: mine.flatMap((r) => mapRevision(r, project, traffic) ?? []).sort(byName),
    iamPolicy,
  };
  const uid = text(svc.uid);
  if (uid !== undefined) out.uid = uid;
  const description = text(svc.description);
  if (description !== undefined) out.description = description;
  const creator = text(svc.creator);
  if (creator !== undefined) out.creator = creator;
  const lastModifier = text(svc.lastModifier);
  if (lastModifier !== undefined) out.lastModifier = lastModifier;
  const uri = text(svc.uri);
  if (uri !== undefined) out.uri = uri;
  const latestReady = shortRevisionId(svc.latestReadyRevision);
  if (latestReady !== undefined) out.latestReadyRevision = latestReady;
  return out;
}

export function mapJob(job: ApiJob, project: ProjectRef): Job | undefined {
  const parsed = job.name ? parseRunName(job.name) : undefined;
  if (!parsed || !/\/jobs\//.test(job.name ?? '')) return undefined;
  const out: Job = {
    name: `projects/${project.projectId}/locations/${parsed.region}/jobs/${parsed.id}`,
    projectId: project.projectId,
    region: parsed.region,
    jobId: parsed.id,
    labels: sortedRecord(job.labels),
    annotations: sortedRecord(job.annotations),
    ...identity(job.template?.template?.serviceAccount, project),
  };
  const uid = text(job.uid);
  if (uid !== undefined) out.uid = uid;
  const creator = text(job.creator);
  if (creator !== undefined) out.creator = creator;
  const lastModifier = text(job.lastModifier);
  if (lastModifier !== undefined) out.lastModifier = lastModifier;
  return out;
}
