import type { Json } from './run-shapes.js';
import type { ScenarioProject } from './scenario.js';

/**
 * Cloud Run v1 (Knative-style) objects: the shape the v1 Admin API serves (`/apis/serving.knative.dev/v1/...`,
 * `/apis/run.googleapis.com/v1/...`, `/v1/projects/{p}/locations/{l}/services`) and the one Cloud Asset Inventory
 * indexes in `versionedResources`. Built from the emulator's own v2 objects so that every API describes the same
 * workloads (realdata/v1-service-describe-custom-sa.greenprotocol.json is a real one).
 */

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

export function compact(o: Json): Json {
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
    // The startup probe has the same fields in both versions.
    return compact({ name: c['name'], image: c['image'], env, ports, resources: limits ? { limits } : undefined, startupProbe: c['startupProbe'] });
  });
}

function ready(at: unknown): Json[] {
  const t = str(at);
  return ['Ready', 'ConfigurationsReady', 'RoutesReady'].map((type) => compact({ type, status: 'True', lastTransitionTime: t }));
}

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
