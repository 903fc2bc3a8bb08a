import { param, type RequestContext } from './context.js';
import { invalidArgument, permissionDenied, serviceDisabled } from './google-errors.js';
import { authorize } from './guards.js';
import { ASSET_TYPES, indexPolicies, indexResources, type IndexedPolicy, type IndexedResource } from './asset-shapes.js';
import { listBody } from './paging.js';
import type { World } from './world.js';

/**
 * Cloud Asset Inventory v1 search handlers: `{scope}:searchAllResources` and `{scope}:searchAllIamPolicies`.
 *
 * The permission is checked once, on the scope (organisation, folder or project), never per project: CAI answers
 * from its own index, so a project where the caller may not use the Run API, or where the Run API is disabled,
 * is still searched. The calling (consumer) project is the scenario's first project, the same one the fault
 * errors bill to: disabling `cloudasset.googleapis.com` there makes every search answer SERVICE_DISABLED.
 */

type Json = Record<string, unknown>;

const CAI = 'cloudasset.googleapis.com';
/** "Page size is capped at 500 even if a larger value is given"; zero or negative lets the server pick. */
const SEARCH_PAGE = { defaultSize: 100, maxSize: 500 };

/** Fields a readMask may name (top-level ResourceSearchResult fields only, or `*`). */
const RESOURCE_FIELDS = new Set([
  'name', 'assetType', 'project', 'folders', 'organization', 'displayName', 'description', 'location', 'labels',
  'networkTags', 'kmsKey', 'kmsKeys', 'createTime', 'updateTime', 'state', 'additionalAttributes', 'parentFullResourceName',
  'parentAssetType', 'versionedResources', 'attachedResources', 'relationships', 'tagKeys', 'tagValues', 'tagValueIds',
  'tags', 'effectiveTags', 'enrichments', 'sccSecurityMarks',
]);

const ORDER_FIELDS: Record<string, readonly string[]> = {
  resources: ['name', 'assetType', 'project', 'displayName', 'description', 'location', 'createTime', 'updateTime', 'state', 'parentFullResourceName', 'parentAssetType'],
  policies: ['resource', 'assetType', 'project'],
};

function scopeOf(ctx: RequestContext): string {
  const [kind] = Object.keys(ctx.params);
  if (kind === 'organization') return `organizations/${param(ctx, 'organization')}`;
  if (kind === 'folder') return `folders/${param(ctx, 'folder')}`;
  return `projects/${param(ctx, 'project')}`;
}

/** API enablement on the consumer project, then the permission on the scope, then the scope must exist. */
function guard(ctx: RequestContext): string {
  const scope = scopeOf(ctx);
  const consumer = ctx.world.projects[0];
  if (consumer && ctx.world.apiDisabled(consumer, CAI)) throw serviceDisabled(CAI, consumer.number);
  authorize(ctx, scope);
  const [kind, id = ''] = scope.split('/');
  const exists =
    kind === 'organizations'
      ? ctx.world.isOrganization(id)
      : kind === 'folders'
        ? ctx.world.folder(id) !== undefined
        : ctx.world.project(id) !== undefined;
  // Google does not say whether a scope exists to a caller who may not search it.
  if (!exists) throw permissionDenied(ctx.permission ?? '', scope, ctx.api);
  return scope;
}

/** assetTypes: each an RE2 pattern that must match a whole type; one matching no supported type is rejected. */
function typeFilter(ctx: RequestContext): (assetType: unknown) => boolean {
  const patterns = ctx.query.getAll('assetTypes').filter((t) => t !== '');
  if (patterns.length === 0) return () => true;
  const res = patterns.map((p) => {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${p})$`);
    } catch {
      throw invalidArgument(`Invalid asset type regular expression: ${p}`, 'asset_types', `invalid regular expression ${p}`);
    }
    if (!ASSET_TYPES.some((t) => re.test(t))) {
      throw invalidArgument(`Asset type ${p} is not supported or does not match any supported asset type.`, 'asset_types', `unsupported asset type ${p}`);
    }
    return re;
  });
  return (assetType) => typeof assetType === 'string' && res.some((re) => re.test(assetType));
}

/**
 * A small part of the CAI query language: space-separated `field:value` terms (substring, case-insensitive,
 * all must match) and bare words matched anywhere. Enough to filter by name, location, project or member; the
 * collector itself sends no query.
 */
function queryFilter(ctx: RequestContext, fields: readonly string[]): (r: Json) => boolean {
  const q = (ctx.query.get('query') ?? '').trim();
  if (q === '') return () => true;
  const terms = q.split(/\s+/).map((t) => {
    const m = /^([A-Za-z.]+)[:=](.+)$/.exec(t);
    if (!m) return { field: undefined, value: t.replace(/^"|"$/g, '').toLowerCase() };
    const field = m[1] ?? '';
    if (!fields.includes(field)) throw invalidArgument(`Invalid query: unsupported field "${field}".`, 'query', `unsupported field ${field}`);
    return { field, value: (m[2] ?? '').replace(/^"|"$/g, '').toLowerCase() };
  });
  return (r) =>
    terms.every(({ field, value }) => {
      const text = JSON.stringify(field === undefined ? r : field === 'policy' ? r['policy'] : r[field] ?? '').toLowerCase();
      return text.includes(value);
    });
}

function orderBy(ctx: RequestContext, kind: 'resources' | 'policies'): ((a: Json, b: Json) => number) | undefined {
  const raw = (ctx.query.get('orderBy') ?? '').trim();
  if (raw === '') return undefined;
  const keys = raw.split(',').map((part) => {
    const [field = '', dir = 'asc', extra] = part.trim().split(/\s+/);
    if (!ORDER_FIELDS[kind]?.includes(field) || extra !== undefined || !/^(asc|desc)$/i.test(dir)) {
      throw invalidArgument(`Invalid order_by: "${part.trim()}".`, 'order_by', `unsupported order_by ${part.trim()}`);
    }
    return { field, desc: dir.toLowerCase() === 'desc' };
  });
  return (a, b) => {
    for (const { field, desc } of keys) {
      const x = String(a[field] ?? '');
      const y = String(b[field] ?? '');
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  };
}

function readMask(ctx: RequestContext): (r: Json) => Json {
  const raw = ctx.query.get('readMask');
  if (raw === null || raw.trim() === '') {
    // Without a mask, everything but versionedResources and attachedResources.
    return (r) => {
      const { versionedResources: _v, attachedResources: _a, ...rest } = r;
      return rest;
    };
  }
  const fields = raw.split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (fields.includes('*')) return (r) => r;
  for (const f of fields) {
    if (!RESOURCE_FIELDS.has(f)) throw invalidArgument(`Invalid read_mask: "${f}" is not a field of ResourceSearchResult.`, 'read_mask', `invalid field path ${f}`);
  }
  return (r) => Object.fromEntries(Object.entries(r).filter(([k]) => fields.includes(k)));
}

/** Zero or a negative pageSize means "server's choice", not an error as in most list calls. */
function serverPicksPageSize(ctx: RequestContext): void {
  const n = Number(ctx.query.get('pageSize') ?? '');
  if (Number.isInteger(n) && n <= 0) ctx.query.delete('pageSize');
}

/** The index is rebuilt only when the emulator serves another world (scenarios are read-only). */
const resourceIndex = new WeakMap<World, IndexedResource[]>();
const policyIndex = new WeakMap<World, IndexedPolicy[]>();

function resourcesOf(world: World): IndexedResource[] {
  let v = resourceIndex.get(world);
  if (!v) resourceIndex.set(world, (v = indexResources(world)));
  return v;
}

function policiesOf(world: World): IndexedPolicy[] {
  let v = policyIndex.get(world);
  if (!v) policyIndex.set(world, (v = indexPolicies(world)));
  return v;
}

function inScope<T extends IndexedResource | IndexedPolicy>(items: T[], scope: string): T[] {
  return items.filter((i) => i.within.includes(scope));
}

export function searchAllResources(ctx: RequestContext): Json {
  const scope = guard(ctx);
  const byType = typeFilter(ctx);
  const byQuery = queryFilter(ctx, ['name', 'displayName', 'location', 'project', 'assetType', 'labels', 'state', 'parentFullResourceName']);
  const order = orderBy(ctx, 'resources');
  const mask = readMask(ctx);
  let items = inScope(resourcesOf(ctx.world), scope)
    .map((i) => i.result)
    .filter((r) => byType(r['assetType']) && byQuery(r));
  if (order) items = [...items].sort(order);
  serverPicksPageSize(ctx);
  const body = listBody('results', items, ctx, SEARCH_PAGE);
  // The mask shapes only the page sent, not the whole index.
  if (Array.isArray(body['results'])) body['results'] = (body['results'] as Json[]).map(mask);
  return body;
}

export function searchAllIamPolicies(ctx: RequestContext): Json {
  const scope = guard(ctx);
  const byType = typeFilter(ctx);
  const byQuery = queryFilter(ctx, ['resource', 'policy', 'project', 'assetType']);
  const order = orderBy(ctx, 'policies');
  let items = inScope(policiesOf(ctx.world), scope)
    .map((i) => i.result)
    .filter((r) => byType(r['assetType']) && byQuery(r));
  if (order) items = [...items].sort(order);
  serverPicksPageSize(ctx);
  return listBody('results', items, ctx, SEARCH_PAGE);
}
