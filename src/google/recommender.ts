import { permissionOf } from './permissions.js';
import type { iam_v1 } from 'googleapis/build/src/apis/iam/index.js';
import type { recommender_v1 } from 'googleapis/build/src/apis/recommender/index.js';
import type { CallContext } from './apis.js';
import type { Attempt, Caller } from './call.js';
import { BadResponseError } from './errors.js';
import { collectPages, type Page } from './paging.js';
import { expectList, expectObject, isObject, optionalString, requireString, type JsonObject } from './shapes.js';
import type { ApiRole } from './types.js';

/**
 * Reads of the Recommender API (IAM policy insights and recommendations, Cloud Run's identity recommender) and of
 * the full predefined-role list. Shapes per google-apis.md §4 and §5.
 */

export const IAM_INSIGHT_TYPE = 'google.iam.policy.Insight';
export const IAM_RECOMMENDER = 'google.iam.policy.Recommender';
export const RUN_IDENTITY_RECOMMENDER = 'google.run.service.IdentityRecommender';

const PAGE_SIZE = 100;
const ACTIVE = 'stateInfo.state = ACTIVE';

/** Where insights and recommendations hang: a project, folder or organisation. */
export type RecommenderParent = `projects/${string}` | `folders/${string}` | `organizations/${string}`;

/** The free tier counts reads per day: every page is one, so they are counted here and stopped at the cap. */
export class ReadBudget {
  used = 0;
  capped = false;
  constructor(readonly cap: number) {}

  take(): boolean {
    if (this.used >= this.cap) {
      this.capped = true;
      return false;
    }
    this.used++;
    return true;
  }
}

/** Thrown instead of a read the budget does not allow. */
export class ReadCapReached extends Error {
  constructor(readonly cap: number) {
    super(`the Recommender read cap (${cap}) was reached`);
    this.name = 'ReadCapReached';
  }
}

export interface ApiPermissionInsight {
  name: string;
  role: string;
  member: string;
  condition?: { title: string; expression: string };
  exercised: string[];
  inferred: string[];
  totalPermissions: number;
  /** Observation period in days. */
  observationDays: number;
  /** The place the role is granted, from targetResources (`//cloudresourcemanager.googleapis.com/projects/123`). */
  target?: string;
}

export interface ApiRoleRecommendation {
  name: string;
  subtype: string;
  description: string;
  member?: string;
  removedRole?: string;
  addedRoles: string[];
  target?: string;
}

export interface ApiRunRecommendation {
  name: string;
  description: string;
  targetResources: string[];
}

function gapiOnce(a: Attempt): { signal: AbortSignal; timeout: number; retry: false; redirect: 'manual' } {
  return { signal: a.signal, timeout: a.timeoutMs * 2, retry: false, redirect: 'manual' };
}

function permissionsOf(content: JsonObject, field: string, what: string): string[] {
  const v = content[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BadResponseError(`${what}: ${field} is not a list`);
  return v.map((p, i) => {
    // Google writes each as {permission}; a bare string would be a different API.
    if (!isObject(p) || typeof p['permission'] !== 'string') throw new BadResponseError(`${what}: ${field}[${i}] has no permission`);
    return p['permission'];
  });
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function toInsight(raw: JsonObject, what: string): ApiPermissionInsight | null {
  const name = requireString(raw, 'name', what);
  const content = raw['content'];
  if (!isObject(content)) throw new BadResponseError(`${what}: insight ${name} has no content`);
  const role = optionalString(content, 'role', what);
  const member = optionalString(content, 'member', what);
  // Other subtypes (bucket- or dataset-level usage) carry no role and member pair of a hierarchy binding.
  if (role === undefined || member === undefined) return null;
  const totalRaw = content['currentTotalPermissionsCount'];
  const total = typeof totalRaw === 'string' || typeof totalRaw === 'number' ? Number(totalRaw) : NaN;
  if (!Number.isInteger(total) || total < 0) throw new BadResponseError(`${what}: insight ${name} has no currentTotalPermissionsCount`);
  const period = /^(\d+)s$/.exec(optionalString(raw, 'observationPeriod', what) ?? '');
  const out: ApiPermissionInsight = {
    name,
    role,
    member,
    exercised: permissionsOf(content, 'exercisedPermissions', what),
    inferred: permissionsOf(content, 'inferredPermissions', what),
    totalPermissions: total,
    observationDays: period?.[1] !== undefined ? Math.round(Number(period[1]) / 86_400) : 90,
  };
  const c = content['condition'];
  if (isObject(c) && typeof c['expression'] === 'string' && c['expression'] !== '') {
    out.condition = { title: typeof c['title'] === 'string' ? c['title'] : '', expression: c['expression'] };
  }
  const target = stringList(raw['targetResources'])[0];
  if (target !== undefined) out.target = target;
  return out;
}

export function toRoleRecommendation(raw: JsonObject, what: string): ApiRoleRecommendation {
  const name = requireString(raw, 'name', what);
  const out: ApiRoleRecommendation = {
    name,
    subtype: optionalString(raw, 'recommenderSubtype', what) ?? '',
    description: optionalString(raw, 'description', what) ?? '',
    addedRoles: [],
  };
  const content = isObject(raw['content']) ? raw['content'] : {};
  // REPLACE_ROLE_CUSTOMIZABLE may carry no overview: the operations say the same thing.
  const overview = isObject(content['overview']) ? content['overview'] : undefined;
  if (overview) {
    if (typeof overview['member'] === 'string') out.member = overview['member'];
    if (typeof overview['removedRole'] === 'string') out.removedRole = overview['removedRole'];
    out.addedRoles = stringList(overview['addedRoles']);
  }
  const groups = Array.isArray(content['operationGroups']) ? content['operationGroups'] : [];
  for (const g of groups) {
    const ops = isObject(g) && Array.isArray(g['operations']) ? g['operations'] : [];
    for (const op of ops) {
      if (!isObject(op)) continue;
      const filters = isObject(op['pathFilters']) ? op['pathFilters'] : {};
      const role = filters['/iamPolicy/bindings/*/role'];
      if (typeof role !== 'string') continue;
      if (op['action'] === 'remove' && out.removedRole === undefined) out.removedRole = role;
      if (op['action'] === 'add' && !out.addedRoles.includes(role)) out.addedRoles.push(role);
      const member = op['action'] === 'add' ? op['value'] : filters['/iamPolicy/bindings/*/members/*'];
      if (out.member === undefined && typeof member === 'string') out.member = member;
      if (out.target === undefined && typeof op['resource'] === 'string') out.target = op['resource'];
    }
  }
  return out;
}

/** The Recommender's reads, each page counted against the budget. */
export class RecommenderReads {
  constructor(
    private readonly client: recommender_v1.Recommender,
    private readonly caller: Caller,
    private readonly budget: ReadBudget,
  ) {}

  private pages<T>(ctx: CallContext, fetch: (pageToken: string | undefined, a: Attempt) => Promise<{ data: unknown }>, field: string, map: (o: JsonObject) => T | null): Promise<T[]> {
    return collectPages(ctx, async (pageToken): Promise<Page<T>> => {
      if (!this.budget.take()) throw new ReadCapReached(this.budget.cap);
      return this.caller.call(ctx, async (a) => {
        const res = await fetch(pageToken, a);
        const body = expectObject(res.data, ctx.method);
        const items = expectList(body, field, ctx.method, false)
          .map(map)
          .filter((x): x is T => x !== null);
        return { items, nextPageToken: optionalString(body, 'nextPageToken', ctx.method) };
      });
    });
  }

  /** Active IAM policy insights at a project, folder or organisation (project-level ones live in `global`). */
  listPolicyInsights(parent: RecommenderParent, project?: string): Promise<ApiPermissionInsight[]> {
    const full = `${parent}/locations/global/insightTypes/${IAM_INSIGHT_TYPE}`;
    const ctx = context('insights.list', full, 'recommender.iamPolicyInsights.list', parent, project);
    const params = (pageToken: string | undefined) => ({ parent: full, pageSize: PAGE_SIZE, filter: ACTIVE, ...(pageToken !== undefined ? { pageToken } : {}) });
    const api = this.client;
    const fetch = parent.startsWith('projects/')
      ? (t: string | undefined, a: Attempt) => api.projects.locations.insightTypes.insights.list(params(t), gapiOnce(a))
      : parent.startsWith('folders/')
        ? (t: string | undefined, a: Attempt) => api.folders.locations.insightTypes.insights.list(params(t), gapiOnce(a))
        : (t: string | undefined, a: Attempt) => api.organizations.locations.insightTypes.insights.list(params(t), gapiOnce(a));
    return this.pages(ctx, fetch, 'insights', (o) => toInsight(o, ctx.method));
  }

  /** Active IAM role recommendations (REMOVE_ROLE, REPLACE_ROLE, …) at a project, folder or organisation. */
  listRoleRecommendations(parent: RecommenderParent, project?: string): Promise<ApiRoleRecommendation[]> {
    const full = `${parent}/locations/global/recommenders/${IAM_RECOMMENDER}`;
    const ctx = context('recommendations.list', full, 'recommender.iamPolicyRecommendations.list', parent, project);
    const params = (pageToken: string | undefined) => ({ parent: full, pageSize: PAGE_SIZE, filter: ACTIVE, ...(pageToken !== undefined ? { pageToken } : {}) });
    const api = this.client;
    const fetch = parent.startsWith('projects/')
      ? (t: string | undefined, a: Attempt) => api.projects.locations.recommenders.recommendations.list(params(t), gapiOnce(a))
      : parent.startsWith('folders/')
        ? (t: string | undefined, a: Attempt) => api.folders.locations.recommenders.recommendations.list(params(t), gapiOnce(a))
        : (t: string | undefined, a: Attempt) => api.organizations.locations.recommenders.recommendations.list(params(t), gapiOnce(a));
    return this.pages(ctx, fetch, 'recommendations', (o) => toRoleRecommendation(o, ctx.method));
  }

  /** Cloud Run's regional identity recommendations for one project and region. */
  listRunIdentityRecommendations(projectId: string, region: string): Promise<ApiRunRecommendation[]> {
    const full = `projects/${projectId}/locations/${region}/recommenders/${RUN_IDENTITY_RECOMMENDER}`;
    const ctx = context('recommendations.list', full, permissionOf('recommender.projects.runIdentityRecommendations.list'), `projects/${projectId}`, projectId);
    const fetch = (t: string | undefined, a: Attempt) =>
      this.client.projects.locations.recommenders.recommendations.list(
        { parent: full, pageSize: PAGE_SIZE, filter: ACTIVE, ...(t !== undefined ? { pageToken: t } : {}) },
        gapiOnce(a),
      );
    return this.pages(ctx, fetch, 'recommendations', (o) => ({
      name: requireString(o, 'name', ctx.method),
      description: optionalString(o, 'description', ctx.method) ?? '',
      targetResources: stringList(o['targetResources']),
    }));
  }
}

function context(method: string, resource: string, permission: string, parent: string, project?: string): CallContext {
  const target = parent.startsWith('projects/') ? `project ${parent.slice('projects/'.length)}` : parent;
  const ctx: CallContext = { api: 'recommender', method, resource, permission, target };
  if (project !== undefined) ctx.project = project;
  return ctx;
}

/** Every predefined role with its permissions: `roles.list view=FULL`, 1,000 a page (the maximum). */
export function listPredefinedRoles(iam: iam_v1.Iam, caller: Caller): Promise<ApiRole[]> {
  const ctx: CallContext = { api: 'iam', method: 'roles.list', resource: 'roles', permission: 'iam.roles.list', target: 'the predefined roles' };
  return collectPages(ctx, (pageToken) =>
    caller.call(ctx, async (a): Promise<Page<ApiRole>> => {
      const res = await iam.roles.list({ view: 'FULL', pageSize: 1000, ...(pageToken !== undefined ? { pageToken } : {}) }, gapiOnce(a));
      const body = expectObject(res.data, ctx.method);
      const items = expectList(body, 'roles', ctx.method, false).map((r) => {
        requireString(r, 'name', ctx.method);
        const perms = r['includedPermissions'];
        if (perms !== undefined && perms !== null && (!Array.isArray(perms) || perms.some((p) => typeof p !== 'string'))) {
          throw new BadResponseError(`${ctx.method}: includedPermissions is not a list of strings`);
        }
        return r as ApiRole;
      });
      return { items, nextPageToken: optionalString(body, 'nextPageToken', ctx.method) };
    }),
  );
}
