import { accountJson, keyJson, uniqueIdOf } from './iam-shapes.js';
import { jobJson, jobName, revisionJson, revisionsOf, serviceJson, serviceName, type Json } from './run-shapes.js';
import type { Scenario, ScenarioPolicy, ScenarioProject } from './scenario.js';
import { accountEmail, type AccountRef, type World } from './world.js';

/**
 * Cloud Asset Inventory's view of the scenario: ResourceSearchResult and IamPolicySearchResult objects.
 *
 * Cloud Run assets carry the v1 (Knative) resource in `versionedResources` (version "v1"), as CAI indexes it,
 * not the v2 shape the Run API serves. They are derived here from the emulator's own v2 objects so that both
 * APIs describe the same workloads; the collector converts them back independently, and a test holds the two
 * directions to each other.
 */

const RUN_SERVICE = 'run.googleapis.com/Service';
const RUN_REVISION = 'run.googleapis.com/Revision';
const RUN_JOB = 'run.googleapis.com/Job';
const SERVICE_ACCOUNT = 'iam.googleapis.com/ServiceAccount';
const SERVICE_ACCOUNT_KEY = 'iam.googleapis.com/ServiceAccountKey';
const PROJECT = 'cloudresourcemanager.googleapis.com/Project';
const FOLDER = 'cloudresourcemanager.googleapis.com/Folder';
const ORGANIZATION = 'cloudresourcemanager.googleapis.com/Organization';

/** Every asset type the emulator indexes; a requested pattern matching none of them is an INVALID_ARGUMENT. */
export const ASSET_TYPES: readonly string[] = [RUN_SERVICE, RUN_REVISION, RUN_JOB, SERVICE_ACCOUNT, SERVICE_ACCOUNT_KEY, PROJECT, FOLDER, ORGANIZATION];

/** One indexed resource: the full ResourceSearchResult plus what scope filtering needs. */
export interface IndexedResource {
  /** Hierarchy nodes that contain it, nearest first (`projects/…`, `folders/…`, `organizations/…`). */
  within: string[];
  result: Json;
}

export interface IndexedPolicy {
  within: string[];
  result: Json;
}

const INGRESS_V1: Record<string, string> = {
  INGRESS_TRAFFIC_ALL: 'all',
  INGRESS_TRAFFIC_INTERNAL_ONLY: 'internal',
  INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER: 'internal-and-cloud-load-balancing',
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function rec(v: unknown): Record<string, string> {
  return v && typeof v === 'object' ? { ...(v as Record<string, string>) } : {};
}

function short(name: unknown): string | undefined {
  const s = str(name);
  return s === undefined ? undefined : s.slice(s.lastIndexOf('/') + 1);
}

/** Struct values in CAI are JSON numbers, never the int64-as-string of the Run v2 API. */
function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function compact(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

function containersV1(v2: unknown): Json[] {
  if (!Array.isArray(v2)) return [];
  return v2.map((c: Json) => {
    const env = Array.isArray(c['env'])
      ? (c['env'] as Json[]).map((e) => {
          const ref = (e['valueSource'] as { secretKeyRef?: { secret?: string; version?: string } } | undefined)?.secretKeyRef;
          return ref ? { name: e['name'], valueFrom: { secretKeyRef: { name: ref.secret, key: ref.version } } } : { name: e['name'], value: e['value'] ?? '' };
        })
      : undefined;
    const ports = Array.isArray(c['ports']) ? (c['ports'] as Json[]).map((p) => ({ name: p['name'], containerPort: p['containerPort'] })) : undefined;
    const limits = (c['resources'] as { limits?: Json } | undefined)?.limits;
    return compact({ name: c['name'], image: c['image'], env, ports, resources: limits ? { limits } : undefined });
  });
}

function ready(at: unknown): Json[] {
  const t = str(at);
  return ['Ready', 'ConfigurationsReady', 'RoutesReady'].map((type) => compact({ type, status: 'True', lastTransitionTime: t }));
}

/** The v1 Knative Service Cloud Run keeps for a v2 Service. */
/** The metadata block every v1 (Knative-style) object carries, built from its v2 twin. */
function metadataV1(group: string, plural: string, id: string, project: ScenarioProject, v2: Json): Json {
  return {
    name: id,
    namespace: project.number,
    selfLink: `/apis/${group}/namespaces/${project.number}/${plural}/${id}`,
    uid: v2['uid'],
    resourceVersion: String(v2['etag'] ?? '').replace(/"/g, '').slice(0, 11),
    generation: num(v2['generation']),
    creationTimestamp: v2['createTime'],
  };
}

export function serviceV1(project: ScenarioProject, v2: Json): Json {
  const [, , , region = '', , id = ''] = String(v2['name']).split('/');
  const template = (v2['template'] ?? {}) as Json;
  const latestReady = short(v2['latestReadyRevision']);
  const annotations: Record<string, string> = {
    ...rec(v2['annotations']),
    'serving.knative.dev/creator': String(v2['creator'] ?? ''),
    'serving.knative.dev/lastModifier': String(v2['lastModifier'] ?? ''),
    'run.googleapis.com/client-name': String(v2['client'] ?? ''),
    'run.googleapis.com/ingress': INGRESS_V1[String(v2['ingress'])] ?? 'all',
    'run.googleapis.com/ingress-status': INGRESS_V1[String(v2['ingress'])] ?? 'all',
    'run.googleapis.com/urls': JSON.stringify(v2['urls'] ?? []),
  };
  if (v2['invokerIamDisabled'] === true) annotations['run.googleapis.com/invoker-iam-disabled'] = 'true';
  const traffic = Array.isArray(v2['traffic']) ? (v2['traffic'] as Json[]) : [];
  const statuses = Array.isArray(v2['trafficStatuses']) ? (v2['trafficStatuses'] as Json[]) : [];
  const isLatest = (t: Json): boolean => t['type'] === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      ...metadataV1('serving.knative.dev/v1', 'services', id, project, v2),
      labels: { ...rec(v2['labels']), 'cloud.googleapis.com/location': region },
      annotations,
    },
    spec: {
      template: {
        metadata: compact({ name: template['revision'], labels: template['labels'], annotations: { ...rec(template['annotations']), 'autoscaling.knative.dev/maxScale': '100' } }),
        spec: compact({
          containerConcurrency: template['maxInstanceRequestConcurrency'],
          timeoutSeconds: num(String(template['timeout'] ?? '').replace(/s$/, '')),
          serviceAccountName: template['serviceAccount'],
          containers: containersV1(template['containers']),
        }),
      },
      traffic: traffic.map((t) => compact({ latestRevision: isLatest(t) ? true : undefined, revisionName: isLatest(t) ? undefined : t['revision'], percent: t['percent'] ?? 0, tag: t['tag'] })),
    },
    status: {
      observedGeneration: num(v2['observedGeneration']),
      conditions: ready((v2['terminalCondition'] as Json | undefined)?.['lastTransitionTime']),
      latestReadyRevisionName: latestReady,
      latestCreatedRevisionName: short(v2['latestCreatedRevision']),
      url: v2['uri'],
      address: { url: v2['uri'] },
      traffic: statuses.map((t) =>
        compact({
          revisionName: isLatest(t) ? latestReady : t['revision'],
          percent: t['percent'] ?? 0,
          latestRevision: isLatest(t) ? true : undefined,
          tag: t['tag'],
          url: t['uri'],
        }),
      ),
    },
  };
}

export function revisionV1(project: ScenarioProject, v2: Json): Json {
  const parts = String(v2['name']).split('/');
  const service = parts[5] ?? '';
  const id = parts[7] ?? '';
  const active = Array.isArray(v2['conditions']) && (v2['conditions'] as Json[]).some((c) => c['type'] === 'Active' && c['state'] === 'CONDITION_SUCCEEDED');
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: {
      ...metadataV1('serving.knative.dev/v1', 'revisions', id, project, v2),
      labels: rec(v2['labels']),
      annotations: { ...rec(v2['annotations']), 'autoscaling.knative.dev/maxScale': '100' },
      ownerReferences: [{ kind: 'Configuration', name: service, apiVersion: 'serving.knative.dev/v1', controller: true, blockOwnerDeletion: true }],
    },
    spec: compact({
      containerConcurrency: v2['maxInstanceRequestConcurrency'],
      timeoutSeconds: num(String(v2['timeout'] ?? '').replace(/s$/, '')),
      serviceAccountName: v2['serviceAccount'],
      containers: containersV1(v2['containers']),
    }),
    status: {
      observedGeneration: num(v2['observedGeneration']),
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'Active', status: active ? 'True' : 'False', ...(active ? {} : { reason: 'Retired', severity: 'Info' }) },
      ],
      logUrl: v2['logUri'],
    },
  };
}

export function jobV1(project: ScenarioProject, v2: Json): Json {
  const [, , , region = '', , id = ''] = String(v2['name']).split('/');
  const execution = (v2['template'] ?? {}) as Json;
  const task = (execution['template'] ?? {}) as Json;
  const annotations: Record<string, string> = {
    ...rec(v2['annotations']),
    'run.googleapis.com/creator': String(v2['creator'] ?? ''),
    'run.googleapis.com/lastModifier': String(v2['lastModifier'] ?? ''),
    'run.googleapis.com/client-name': String(v2['client'] ?? ''),
  };
  return {
    apiVersion: 'run.googleapis.com/v1',
    kind: 'Job',
    metadata: {
      ...metadataV1('run.googleapis.com/v1', 'jobs', id, project, v2),
      labels: { ...rec(v2['labels']), 'cloud.googleapis.com/location': region },
      annotations,
    },
    spec: {
      template: {
        spec: {
          taskCount: num(execution['taskCount']) ?? 1,
          template: {
            spec: compact({
              containers: containersV1(task['containers']),
              maxRetries: task['maxRetries'],
              timeoutSeconds: num(String(task['timeout'] ?? '').replace(/s$/, '')),
              // Left out when the job names no identity, as in the v2 object: the default compute identity applies.
              serviceAccountName: task['serviceAccount'],
            }),
          },
        },
      },
    },
    status: { observedGeneration: num(v2['observedGeneration']), conditions: [{ type: 'Ready', status: 'True' }], executionCount: v2['executionCount'] },
  };
}

function hierarchy(world: World, project: ScenarioProject): { within: string[]; folders: string[]; organization: string } {
  const above = world.ancestry(project.parent);
  return {
    within: [`projects/${project.projectId}`, `projects/${project.number}`, ...above],
    folders: above.filter((a) => a.startsWith('folders/')),
    organization: above.find((a) => a.startsWith('organizations/')) ?? `organizations/${world.scenario.organization.id}`,
  };
}

function resourceResult(
  world: World,
  project: ScenarioProject,
  fields: { name: string; assetType: string; displayName: string; location: string; createTime?: unknown; updateTime?: unknown; labels?: unknown; parentFullResourceName?: string; parentAssetType?: string; resource: Json },
): IndexedResource {
  const h = hierarchy(world, project);
  const result: Json = compact({
    name: fields.name,
    assetType: fields.assetType,
    project: `projects/${project.number}`,
    folders: h.folders.length > 0 ? h.folders : undefined,
    organization: h.organization,
    displayName: fields.displayName,
    location: fields.location,
    labels: fields.labels,
    createTime: fields.createTime,
    updateTime: fields.updateTime,
    parentFullResourceName: fields.parentFullResourceName ?? `//cloudresourcemanager.googleapis.com/projects/${project.number}`,
    parentAssetType: fields.parentAssetType ?? PROJECT,
    versionedResources: [{ version: 'v1', resource: fields.resource }],
  });
  return { within: h.within, result };
}

/** Every resource CAI would index for the scenario, in a stable order. */
export function indexResources(world: World): IndexedResource[] {
  const s: Scenario = world.scenario;
  const out: IndexedResource[] = [];
  for (const project of s.projects) {
    if ((project.state ?? 'ACTIVE') !== 'ACTIVE') continue;
    for (const svc of project.services ?? []) {
      const v2 = serviceJson(s, project, svc);
      const name = `//run.googleapis.com/${serviceName(project, svc)}`;
      out.push(
        resourceResult(world, project, {
          name,
          assetType: RUN_SERVICE,
          displayName: svc.name,
          location: svc.region,
          createTime: v2['createTime'],
          updateTime: v2['updateTime'],
          labels: svc.labels,
          resource: serviceV1(project, v2),
        }),
      );
      for (const rev of revisionsOf(svc)) {
        const r2 = revisionJson(project, svc, rev.id);
        if (!r2) continue;
        out.push(
          resourceResult(world, project, {
            // Revisions are indexed under the location, as in the v1 API, not under their service.
            name: `//run.googleapis.com/projects/${project.projectId}/locations/${svc.region}/revisions/${rev.id}`,
            assetType: RUN_REVISION,
            displayName: rev.id,
            location: svc.region,
            createTime: r2['createTime'],
            updateTime: r2['updateTime'],
            labels: r2['labels'],
            parentFullResourceName: name,
            parentAssetType: RUN_SERVICE,
            resource: revisionV1(project, r2),
          }),
        );
      }
    }
    for (const job of project.jobs ?? []) {
      const v2 = jobJson(s, project, job);
      out.push(
        resourceResult(world, project, {
          name: `//run.googleapis.com/${jobName(project, job)}`,
          assetType: RUN_JOB,
          displayName: job.name,
          location: job.region,
          createTime: v2['createTime'],
          updateTime: v2['updateTime'],
          labels: job.labels,
          resource: jobV1(project, v2),
        }),
      );
    }
    for (const account of project.serviceAccounts ?? []) {
      if (account.deleted) continue;
      const ref: AccountRef = { account, project, email: accountEmail(account, project) };
      const saName = `//iam.googleapis.com/projects/${project.projectId}/serviceAccounts/${uniqueIdOf(ref)}`;
      const sa = accountJson(ref);
      out.push(
        resourceResult(world, project, {
          name: saName,
          assetType: SERVICE_ACCOUNT,
          displayName: String(sa['displayName'] ?? ''),
          location: 'global',
          resource: sa,
        }),
      );
      for (const key of account.keys ?? []) {
        const k = keyJson(ref, key);
        out.push(
          resourceResult(world, project, {
            name: `${saName}/keys/${key.keyId}`,
            assetType: SERVICE_ACCOUNT_KEY,
            displayName: '',
            location: 'global',
            createTime: k['validAfterTime'],
            parentFullResourceName: saName,
            parentAssetType: SERVICE_ACCOUNT,
            resource: k,
          }),
        );
      }
    }
  }
  return out;
}

function policyJson(p: ScenarioPolicy | undefined): Json | undefined {
  const bindings = (p?.bindings ?? []).filter((b) => b.members.length > 0);
  if (bindings.length === 0) return undefined;
  return {
    bindings: bindings.map((b) => {
      const members = [...b.members].sort();
      if (!b.condition) return { role: b.role, members };
      const c = b.condition;
      return { role: b.role, members, condition: compact({ title: c.title, expression: c.expression, description: c.description }) };
    }),
  };
}

/** Every non-empty IAM policy CAI would index: organisation, folders, projects, Run services and jobs, accounts. */
export function indexPolicies(world: World): IndexedPolicy[] {
  const s = world.scenario;
  const org = `organizations/${s.organization.id}`;
  const out: IndexedPolicy[] = [];
  const push = (within: string[], result: Json, policy: Json | undefined): void => {
    if (policy) out.push({ within, result: compact({ ...result, policy }) });
  };
  push([org], { resource: `//cloudresourcemanager.googleapis.com/${org}`, assetType: ORGANIZATION, organization: org }, policyJson(s.organization.iamPolicy));
  for (const f of world.folderList) {
    const chain = world.ancestry(`folders/${f.id}`);
    push(chain, { resource: `//cloudresourcemanager.googleapis.com/folders/${f.id}`, assetType: FOLDER, folders: chain.filter((a) => a.startsWith('folders/')), organization: org }, policyJson(f.iamPolicy));
  }
  for (const project of s.projects) {
    if ((project.state ?? 'ACTIVE') !== 'ACTIVE') continue;
    const h = hierarchy(world, project);
    const base = { project: `projects/${project.number}`, folders: h.folders.length > 0 ? h.folders : undefined, organization: h.organization };
    push(h.within, { resource: `//cloudresourcemanager.googleapis.com/projects/${project.number}`, assetType: PROJECT, ...base }, policyJson(project.iamPolicy));
    for (const svc of project.services ?? []) {
      push(h.within, { resource: `//run.googleapis.com/${serviceName(project, svc)}`, assetType: RUN_SERVICE, ...base }, policyJson(svc.iamPolicy));
    }
    for (const job of project.jobs ?? []) {
      push(h.within, { resource: `//run.googleapis.com/${jobName(project, job)}`, assetType: RUN_JOB, ...base }, policyJson(job.iamPolicy));
    }
    for (const account of project.serviceAccounts ?? []) {
      if (account.deleted) continue;
      const ref: AccountRef = { account, project, email: accountEmail(account, project) };
      push(
        h.within,
        { resource: `//iam.googleapis.com/projects/${project.projectId}/serviceAccounts/${uniqueIdOf(ref)}`, assetType: SERVICE_ACCOUNT, ...base },
        policyJson(account.iamPolicy),
      );
    }
  }
  return out;
}
