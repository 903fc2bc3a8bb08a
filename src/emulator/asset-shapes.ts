import { accountJson, keyJson, uniqueIdOf } from './iam-shapes.js';
import { jobJson, jobName, revisionJson, revisionsOf, serviceJson, serviceName, type Json } from './run-shapes.js';
import { compact, jobV1, revisionV1, serviceV1 } from './run-v1-shapes.js';
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

/** Re-exported: offline export fixtures build v1 files from the same builders. */
export { jobV1, revisionV1, serviceV1 };

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
