import type { cloudasset_v1 } from 'googleapis/build/src/apis/cloudasset/index.js';
import type { CallContext } from './apis.js';
import type { Attempt, Caller } from './call.js';
import { BadResponseError } from './errors.js';
import { collectPages, type Page } from './paging.js';
import { expectList, expectObject, isObject, optionalString, requireString, type JsonObject } from './shapes.js';
import type { ApiPolicy } from './types.js';

/**
 * Cloud Asset Inventory v1 searches (google-apis.md §6): one paged listing answers for a whole folder or
 * organisation, so the number of calls grows with the number of results / 500, not with the number of projects.
 */

/** "Page size is capped at 500 even if a larger value is given." */
export const ASSET_PAGE_SIZE = 500;

/** Only these fields are asked for; versionedResources is returned only when the mask names it. */
export const RESOURCE_READ_MASK = 'name,assetType,project,folders,organization,location,parentFullResourceName,versionedResources';

/** A scope CAI can search: `organizations/{n}`, `folders/{n}` or `projects/{id|n}`. */
export type AssetScope = `organizations/${string}` | `folders/${string}` | `projects/${string}`;

export interface AssetResource {
  /** Full resource name, e.g. `//run.googleapis.com/projects/p/locations/r/services/s`. */
  name: string;
  assetType: string;
  /** `projects/{number}` */
  project?: string;
  folders: string[];
  organization?: string;
  location?: string;
  parentFullResourceName?: string;
  /** The `v1` entry of versionedResources (CAI's own JSON of the resource), else the first one; undefined when none came. */
  resource?: JsonObject;
  /** Which version `resource` is. */
  version?: string;
}

export interface AssetPolicy {
  /** Full resource name of the resource the policy is set on. */
  resource: string;
  assetType: string;
  project?: string;
  folders: string[];
  organization?: string;
  policy: ApiPolicy;
}

function gapiOnce(a: Attempt): { signal: AbortSignal; timeout: number; retry: false; redirect: 'manual' } {
  return { signal: a.signal, timeout: a.timeoutMs * 2, retry: false, redirect: 'manual' };
}

function strings(obj: JsonObject, field: string, what: string): string[] {
  const v = obj[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new BadResponseError(`${what}: "${field}" is not a list of strings`);
  return v as string[];
}

function context(method: string, scope: AssetScope, permission: string): CallContext {
  return { api: 'asset', method, resource: scope, permission, target: scope };
}

function toResource(r: JsonObject, what: string): AssetResource {
  const out: AssetResource = {
    name: requireString(r, 'name', what),
    assetType: requireString(r, 'assetType', what),
    folders: strings(r, 'folders', what),
  };
  for (const k of ['project', 'organization', 'location', 'parentFullResourceName'] as const) {
    const v = optionalString(r, k, what);
    if (v !== undefined && v !== '') out[k] = v;
  }
  const versions = expectList(r, 'versionedResources', what, false);
  const chosen = versions.find((v) => v['version'] === 'v1') ?? versions[0];
  if (chosen !== undefined) {
    if (!isObject(chosen['resource'])) throw new BadResponseError(`${what}: versionedResources of ${out.name} has no resource object`);
    out.resource = chosen['resource'];
    const version = optionalString(chosen, 'version', what);
    if (version !== undefined) out.version = version;
  }
  return out;
}

/** Bindings as CAI returns them: a Policy with no version (conditions still present) and no etag. */
function toPolicy(p: unknown, what: string): ApiPolicy {
  const obj = isObject(p) ? p : {};
  const bindings = expectList(obj, 'bindings', what, false).map((b, i) => {
    const role = b['role'];
    const members = b['members'] ?? [];
    if (typeof role !== 'string' || role === '') throw new BadResponseError(`${what}: bindings[${i}] has no role`);
    if (!Array.isArray(members) || members.some((m) => typeof m !== 'string')) throw new BadResponseError(`${what}: bindings[${i}].members is not a list of strings`);
    const c = b['condition'];
    return {
      role,
      members: members as string[],
      ...(isObject(c)
        ? { condition: { title: optionalString(c, 'title', what) ?? null, expression: optionalString(c, 'expression', what) ?? null, description: optionalString(c, 'description', what) ?? null } }
        : {}),
    };
  });
  const version = obj['version'];
  // A policy holding a condition is a version 3 policy, whether or not the search result says so.
  const v = typeof version === 'number' && version > 0 ? version : bindings.some((b) => b.condition !== undefined) ? 3 : null;
  return { version: v, bindings };
}

function toIamResult(r: JsonObject, what: string): AssetPolicy {
  const out: AssetPolicy = {
    resource: requireString(r, 'resource', what),
    assetType: optionalString(r, 'assetType', what) ?? '',
    folders: strings(r, 'folders', what),
    policy: toPolicy(r['policy'], what),
  };
  const project = optionalString(r, 'project', what);
  if (project !== undefined && project !== '') out.project = project;
  const organization = optionalString(r, 'organization', what);
  if (organization !== undefined && organization !== '') out.organization = organization;
  return out;
}

/** Every resource of one asset type in the scope, all pages. */
export function searchAllResources(client: cloudasset_v1.Cloudasset, caller: Caller, scope: AssetScope, assetType: string): Promise<AssetResource[]> {
  const ctx = context('searchAllResources', scope, 'cloudasset.assets.searchAllResources');
  return collectPages(ctx, (pageToken) =>
    caller.call(ctx, async (a): Promise<Page<AssetResource>> => {
      const res = await client.v1.searchAllResources(
        { scope, assetTypes: [assetType], pageSize: ASSET_PAGE_SIZE, readMask: RESOURCE_READ_MASK, ...(pageToken !== undefined ? { pageToken } : {}) },
        gapiOnce(a),
      );
      const body = expectObject(res.data, ctx.method);
      return {
        items: expectList(body, 'results', ctx.method).map((r) => toResource(r, ctx.method)),
        nextPageToken: optionalString(body, 'nextPageToken', ctx.method),
      };
    }),
  );
}

/** Every non-empty IAM policy on resources of the given types in the scope, all pages. */
export function searchAllIamPolicies(client: cloudasset_v1.Cloudasset, caller: Caller, scope: AssetScope, assetTypes: string[]): Promise<AssetPolicy[]> {
  const ctx = context('searchAllIamPolicies', scope, 'cloudasset.assets.searchAllIamPolicies');
  return collectPages(ctx, (pageToken) =>
    caller.call(ctx, async (a): Promise<Page<AssetPolicy>> => {
      const res = await client.v1.searchAllIamPolicies(
        { scope, assetTypes, pageSize: ASSET_PAGE_SIZE, ...(pageToken !== undefined ? { pageToken } : {}) },
        gapiOnce(a),
      );
      const body = expectObject(res.data, ctx.method);
      return {
        items: expectList(body, 'results', ctx.method, false).map((r) => toIamResult(r, ctx.method)),
        nextPageToken: optionalString(body, 'nextPageToken', ctx.method),
      };
    }),
  );
}
