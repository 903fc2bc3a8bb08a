import { addSeconds, hexOf, lettersFor, runEtag, timestampFor, uuidFor } from './ids.js';
import { regionCode } from './regions.js';
import type { Scenario, ScenarioJob, ScenarioProject, ScenarioRevision, ScenarioService } from './scenario.js';
import { defaultComputeAccount } from './world.js';

/**
 * Cloud Run Admin API v2 resources, shaped like real responses (realdata/v2-service-default-sa.firebase-tools.json):
 * int64 as strings, RFC3339 timestamps with microseconds, empty maps and default values left out.
 */

export type Json = Record<string, unknown>;

const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

function nonEmpty(m: Record<string, string> | undefined): Record<string, string> | undefined {
  return m && Object.keys(m).length > 0 ? { ...m } : undefined;
}

/** Copies only defined values, so absent fields stay absent as in proto3 JSON. */
function compact(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

export function defaultCreator(scenario: Scenario): string {
  return `admin@${scenario.organization.displayName}`;
}

/** The service's revisions, oldest first; a service with none listed has one, named as Cloud Run names them. */
export function revisionsOf(svc: ScenarioService): ScenarioRevision[] {
  if (svc.revisions && svc.revisions.length > 0) return svc.revisions;
  return [{ id: `${svc.name}-00001-${lettersFor(3, svc.region, svc.name)}` }];
}

function latestRevision(svc: ScenarioService): ScenarioRevision {
  const revs = revisionsOf(svc);
  const last = revs[revs.length - 1];
  if (!last) throw new Error('unreachable: revisionsOf never returns an empty list');
  return last;
}

export function serviceName(project: ScenarioProject, svc: ScenarioService): string {
  return `projects/${project.projectId}/locations/${svc.region}/services/${svc.name}`;
}

export function jobName(project: ScenarioProject, job: ScenarioJob): string {
  return `projects/${project.projectId}/locations/${job.region}/jobs/${job.name}`;
}

function serviceUri(project: ScenarioProject, svc: ScenarioService, tag?: string): string {
  const host = `${svc.name}-${lettersFor(10, project.projectId, 'uri')}-${regionCode(svc.region)}.a.run.app`;
  return `https://${tag ? `${tag}---` : ''}${host}`;
}

function revisionCreateTime(project: ScenarioProject, svc: ScenarioService, rev: ScenarioRevision, index: number): string {
  return rev.createTime ?? timestampFor(serviceName(project, svc), index * 9 + 1);
}

function image(project: ScenarioProject, region: string, name: string): string {
  return `${region}-docker.pkg.dev/${project.projectId}/containers/${name}@sha256:${hexOf(64, 'image', project.projectId, name)}`;
}

function containers(project: ScenarioProject, region: string, name: string, env: ScenarioService['env'], kind: 'service' | 'job'): Json[] {
  const envJson = (env ?? []).map((e) =>
    e.secret !== undefined ? { name: e.name, valueSource: { secretKeyRef: { secret: e.secret, version: 'latest' } } } : compact({ name: e.name, value: e.value ?? '' }),
  );
  const c: Json = { name: `${name}-1`, image: image(project, region, name) };
  if (envJson.length > 0) c['env'] = envJson;
  if (kind === 'service') {
    c['ports'] = [{ name: 'http1', containerPort: 8080 }];
    c['resources'] = { limits: { cpu: '1000m', memory: '512Mi' }, cpuIdle: true, startupCpuBoost: true };
    c['startupProbe'] = { timeoutSeconds: 240, periodSeconds: 240, failureThreshold: 1, tcpSocket: { port: 8080 } };
  } else {
    c['resources'] = { limits: { cpu: '1000m', memory: '512Mi' } };
  }
  return [c];
}

/** Which revisions serve traffic, and how much, per the scenario's traffic (default: all to the latest). */
export function trafficOf(svc: ScenarioService): { revision?: string; latest: boolean; percent: number; tag?: string }[] {
  if (svc.traffic && svc.traffic.length > 0) {
    return svc.traffic.map((t) => ({ latest: t.latest === true, percent: t.percent, ...(t.revision !== undefined ? { revision: t.revision } : {}), ...(t.tag !== undefined ? { tag: t.tag } : {}) }));
  }
  return [{ latest: true, percent: 100 }];
}

function isServing(svc: ScenarioService, revisionId: string): boolean {
  const latest = latestRevision(svc).id;
  return trafficOf(svc).some((t) => (t.latest ? latest : t.revision) === revisionId && (t.percent > 0 || t.tag !== undefined));
}

export function serviceJson(scenario: Scenario, project: ScenarioProject, svc: ScenarioService): Json {
  const name = serviceName(project, svc);
  const revs = revisionsOf(svc);
  const latest = latestRevision(svc);
  const generation = String(revs.length);
  const createTime = timestampFor(name);
  const updateTime = revisionCreateTime(project, svc, latest, revs.length - 1);
  const readyTime = addSeconds(updateTime, 7);
  const creator = svc.creator ?? defaultCreator(scenario);
  const latestName = `${name}/revisions/${latest.id}`;
  const traffic = trafficOf(svc);
  const template = compact({
    revision: latest.id,
    labels: nonEmpty(latest.labels),
    annotations: nonEmpty(latest.annotations),
    scaling: { maxInstanceCount: 100 },
    timeout: '300s',
    serviceAccount: latest.serviceAccount ?? svc.serviceAccount ?? defaultComputeAccount(project),
    containers: containers(project, svc.region, svc.name, svc.env, 'service'),
    maxInstanceRequestConcurrency: 80,
  });
  return compact({
    name,
    description: svc.description,
    uid: uuidFor(name),
    generation,
    labels: nonEmpty(svc.labels),
    annotations: nonEmpty(svc.annotations),
    createTime,
    updateTime,
    creator,
    lastModifier: creator,
    client: 'gcloud',
    clientVersion: '502.0.0',
    ingress: svc.ingress ?? 'INGRESS_TRAFFIC_ALL',
    launchStage: 'GA',
    invokerIamDisabled: svc.invokerIamDisabled ? true : undefined,
    template,
    traffic: traffic.map((t) =>
      compact({ type: t.latest ? LATEST : REVISION, revision: t.latest ? undefined : t.revision, percent: t.percent > 0 ? t.percent : undefined, tag: t.tag }),
    ),
    observedGeneration: generation,
    terminalCondition: { type: 'Ready', state: 'CONDITION_SUCCEEDED', lastTransitionTime: readyTime },
    conditions: [
      { type: 'RoutesReady', state: 'CONDITION_SUCCEEDED', lastTransitionTime: readyTime },
      { type: 'ConfigurationsReady', state: 'CONDITION_SUCCEEDED', lastTransitionTime: addSeconds(updateTime, 5) },
    ],
    latestReadyRevision: latestName,
    latestCreatedRevision: latestName,
    // A LATEST allocation is reported without a revision, exactly as the real API does.
    trafficStatuses: traffic.map((t) =>
      compact({
        type: t.latest ? LATEST : REVISION,
        revision: t.latest ? undefined : t.revision,
        percent: t.percent > 0 ? t.percent : undefined,
        tag: t.tag,
        uri: t.tag ? serviceUri(project, svc, t.tag) : undefined,
      }),
    ),
    uri: serviceUri(project, svc),
    urls: [`https://${svc.name}-${project.number}.${svc.region}.run.app`, serviceUri(project, svc)],
    etag: runEtag(name, generation),
  });
}

export function revisionJson(project: ScenarioProject, svc: ScenarioService, revisionId: string): Json | undefined {
  const revs = revisionsOf(svc);
  const index = revs.findIndex((r) => r.id === revisionId);
  const rev = revs[index];
  if (!rev) return undefined;
  const service = serviceName(project, svc);
  const name = `${service}/revisions/${rev.id}`;
  const createTime = revisionCreateTime(project, svc, rev, index);
  const serving = isServing(svc, rev.id);
  const labels = { ...(rev.labels ?? {}), 'serving.knative.dev/service': svc.name, 'cloud.googleapis.com/location': svc.region };
  return compact({
    name,
    uid: uuidFor(name),
    generation: '1',
    labels,
    annotations: nonEmpty(rev.annotations),
    createTime,
    updateTime: addSeconds(createTime, 3),
    launchStage: 'GA',
    service,
    scaling: { maxInstanceCount: 100 },
    timeout: '300s',
    serviceAccount: rev.serviceAccount ?? svc.serviceAccount ?? defaultComputeAccount(project),
    containers: containers(project, svc.region, svc.name, svc.env, 'service'),
    maxInstanceRequestConcurrency: 80,
    executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
    observedGeneration: '1',
    conditions: [
      { type: 'Ready', state: 'CONDITION_SUCCEEDED', lastTransitionTime: addSeconds(createTime, 7) },
      { type: 'ContainerHealthy', state: 'CONDITION_SUCCEEDED', lastTransitionTime: addSeconds(createTime, 7) },
      { type: 'ResourcesAvailable', state: 'CONDITION_SUCCEEDED', lastTransitionTime: addSeconds(createTime, 5) },
      serving
        ? { type: 'Active', state: 'CONDITION_SUCCEEDED', lastTransitionTime: addSeconds(createTime, 7) }
        : { type: 'Active', state: 'CONDITION_FAILED', severity: 'INFO', revisionReason: 'RETIRED', message: 'Revision retired.', lastTransitionTime: addSeconds(createTime, 86_400) },
    ],
    logUri: `https://console.cloud.google.com/logs/viewer?project=${project.projectId}&resource=cloud_run_revision/service_name/${svc.name}/revision_name/${rev.id}`,
    etag: runEtag(name, '1'),
  });
}

export function jobJson(scenario: Scenario, project: ScenarioProject, job: ScenarioJob): Json {
  const name = jobName(project, job);
  const createTime = timestampFor(name);
  const creator = job.creator ?? defaultCreator(scenario);
  const execId = `${job.name}-${lettersFor(5, name, 'exec')}`;
  const execTime = timestampFor(name, 30);
  // No serviceAccount in the task template when none was set: the API leaves it out and the default applies.
  const taskTemplate = compact({
    containers: containers(project, job.region, job.name, undefined, 'job'),
    maxRetries: 3,
    timeout: '600s',
    serviceAccount: job.serviceAccount,
    executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
  });
  return compact({
    name,
    uid: uuidFor(name),
    generation: '1',
    labels: nonEmpty(job.labels),
    annotations: nonEmpty(job.annotations),
    createTime,
    updateTime: createTime,
    creator,
    lastModifier: creator,
    client: 'gcloud',
    clientVersion: '502.0.0',
    launchStage: 'GA',
    template: { taskCount: 1, template: taskTemplate },
    observedGeneration: '1',
    terminalCondition: { type: 'Ready', state: 'CONDITION_SUCCEEDED', lastTransitionTime: addSeconds(createTime, 4) },
    executionCount: 3,
    latestCreatedExecution: {
      name: `${name}/executions/${execId}`,
      createTime: execTime,
      completionTime: addSeconds(execTime, 95),
      completionStatus: 'EXECUTION_SUCCEEDED',
    },
    etag: runEtag(name, '1'),
  });
}
