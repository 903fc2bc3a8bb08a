import { crmEtag, timestampFor } from './ids.js';
import type { Scenario, ScenarioFolder, ScenarioProject } from './scenario.js';

/** Resource Manager resources in the v3 and v1 shapes. */

type Json = Record<string, unknown>;

export function projectV3(p: ScenarioProject): Json {
  const name = `projects/${p.number}`;
  const createTime = timestampFor(name, -200);
  const out: Json = {
    name,
    parent: p.parent,
    projectId: p.projectId,
    state: p.state ?? 'ACTIVE',
    displayName: p.displayName ?? p.projectId,
    createTime,
    updateTime: createTime,
    etag: crmEtag(name),
  };
  if (p.state === 'DELETE_REQUESTED') out['deleteTime'] = timestampFor(name, 60);
  if (p.labels && Object.keys(p.labels).length > 0) out['labels'] = { ...p.labels };
  return out;
}

export function projectV1(p: ScenarioProject): Json {
  const [type, id] = p.parent.split('/');
  const out: Json = {
    projectNumber: p.number,
    projectId: p.projectId,
    lifecycleState: p.state ?? 'ACTIVE',
    name: p.displayName ?? p.projectId,
    createTime: timestampFor(`projects/${p.number}`, -200).replace(/(\.\d{3})\d+Z$/, '$1Z'),
    parent: { type: type === 'folders' ? 'folder' : 'organization', id },
  };
  if (p.labels && Object.keys(p.labels).length > 0) out['labels'] = { ...p.labels };
  return out;
}

export function folderV3(f: ScenarioFolder): Json {
  const name = `folders/${f.id}`;
  const createTime = timestampFor(name, -300);
  return { name, parent: f.parent, displayName: f.displayName, state: 'ACTIVE', createTime, updateTime: createTime, etag: crmEtag(name) };
}

export function organizationV3(s: Scenario): Json {
  const o = s.organization;
  const name = `organizations/${o.id}`;
  const createTime = timestampFor(name, -900);
  const out: Json = { name, displayName: o.displayName, state: 'ACTIVE', createTime, updateTime: createTime, etag: crmEtag(name) };
  if (o.directoryCustomerId) out['directoryCustomerId'] = o.directoryCustomerId;
  return out;
}
