import { hexOf, timestampFor, uuidFor } from './ids.js';
import type { ScenarioBinding, ScenarioRoleUsage, ScenarioRunRecommendation } from './scenario.js';

/**
 * Recommender v1 resources in Google's shapes (google-apis.md §5): insight content carries permissions as
 * `{permission}` objects and `currentTotalPermissionsCount` as a string; recommendations carry operationGroups.
 */

type Json = Record<string, unknown>;

export const IAM_INSIGHT_TYPE = 'google.iam.policy.Insight';
export const IAM_RECOMMENDER = 'google.iam.policy.Recommender';
export const RUN_IDENTITY_RECOMMENDER = 'google.run.service.IdentityRecommender';

const NINETY_DAYS = '7776000s';

/** The place a usage entry names, as a full resource name (projects by number, as Google writes them). */
export function fullResourceName(resource: string, projectNumber: (id: string) => string | undefined): string {
  const m = /^projects\/(.+)$/.exec(resource);
  if (m?.[1]) return `//cloudresourcemanager.googleapis.com/projects/${projectNumber(m[1]) ?? m[1]}`;
  return `//cloudresourcemanager.googleapis.com/${resource}`;
}

function permissionList(ps: readonly string[]): Json[] {
  return [...ps].sort().map((permission) => ({ permission }));
}

export interface UsageContext {
  usage: ScenarioRoleUsage;
  /** `projects/{number}`, `folders/{n}` or `organizations/{n}`: the parent the Recommender names things under. */
  parent: string;
  target: string;
  binding: ScenarioBinding | undefined;
  totalPermissions: number;
  /** Permissions of the replacement roles together, when there are some. */
  replacementPermissions: number;
}

function ids(u: ScenarioRoleUsage): { insight: string; recommendation: string } {
  const key = `${u.resource}|${u.member}|${u.role}`;
  return { insight: uuidFor(`insight|${key}`), recommendation: uuidFor(`recommendation|${key}`) };
}

export function hasRecommendation(u: ScenarioRoleUsage): boolean {
  return u.replacementRoles !== undefined || u.exercised.length + (u.inferred ?? []).length === 0;
}

function recommendationName(c: UsageContext): string {
  return `${c.parent}/locations/global/recommenders/${IAM_RECOMMENDER}/recommendations/${ids(c.usage).recommendation}`;
}

function insightName(c: UsageContext): string {
  return `${c.parent}/locations/global/insightTypes/${IAM_INSIGHT_TYPE}/insights/${ids(c.usage).insight}`;
}

export function insightJson(c: UsageContext): Json {
  const u = c.usage;
  const used = new Set([...u.exercised, ...(u.inferred ?? [])]).size;
  const cond = c.binding?.condition;
  const out: Json = {
    name: insightName(c),
    description: `${used} permission${used === 1 ? '' : 's'} out of ${c.totalPermissions} used in the last 90 days.`,
    content: {
      role: u.role,
      member: u.member,
      condition: { expression: cond?.expression ?? '', title: cond?.title ?? '', description: cond?.description ?? '', location: '' },
      exercisedPermissions: permissionList(u.exercised),
      inferredPermissions: permissionList(u.inferred ?? []),
      currentTotalPermissionsCount: String(c.totalPermissions),
    },
    lastRefreshTime: timestampFor(insightName(c)).replace(/\.\d+Z$/, 'Z'),
    observationPeriod: NINETY_DAYS,
    stateInfo: { state: 'ACTIVE' },
    category: 'SECURITY',
    targetResources: [c.target],
    insightSubtype: 'PERMISSIONS_USAGE',
    etag: `"${hexOf(16, 'insight-etag', insightName(c))}"`,
    severity: used === 0 ? 'HIGH' : 'MEDIUM',
  };
  if (hasRecommendation(u)) out['associatedRecommendations'] = [{ recommendation: recommendationName(c) }];
  return out;
}

function pathFilters(c: UsageContext, role: string): Json {
  return {
    '/iamPolicy/bindings/*/condition/expression': c.binding?.condition?.expression ?? '',
    '/iamPolicy/bindings/*/members/*': c.usage.member,
    '/iamPolicy/bindings/*/role': role,
  };
}

export function recommendationJson(c: UsageContext): Json {
  const u = c.usage;
  const added = u.replacementRoles ?? [];
  const resourceType = c.target.includes('/projects/')
    ? 'cloudresourcemanager.googleapis.com/Project'
    : c.target.includes('/folders/')
      ? 'cloudresourcemanager.googleapis.com/Folder'
      : 'cloudresourcemanager.googleapis.com/Organization';
  const operations: Json[] = [
    { action: 'remove', resourceType, resource: c.target, path: '/iamPolicy/bindings/*/members/*', pathFilters: pathFilters(c, u.role) },
    ...added.map((role) => ({
      action: 'add',
      resourceType,
      resource: c.target,
      path: '/iamPolicy/bindings/*/members/-',
      value: u.member,
      pathFilters: { '/iamPolicy/bindings/*/condition/expression': c.binding?.condition?.expression ?? '', '/iamPolicy/bindings/*/role': role },
    })),
  ];
  const overview: Json = {
    resource: c.target,
    member: u.member,
    removedRole: u.role,
    minimumObservationPeriodInDays: '90',
  };
  if (added.length > 0) overview['addedRoles'] = [...added];
  const revoked = Math.max(0, c.totalPermissions - c.replacementPermissions);
  const name = recommendationName(c);
  return {
    name,
    description:
      added.length > 0
        ? `Replace the current role with a smaller role to cover the permissions needed.`
        : 'This role has not been used during the observation window.',
    recommenderSubtype: added.length > 0 ? 'REPLACE_ROLE' : 'REMOVE_ROLE',
    primaryImpact: { category: 'SECURITY', securityProjection: { details: { revokedIamPermissionsCount: revoked } } },
    content: { operationGroups: [{ operations }], overview },
    stateInfo: { state: 'ACTIVE' },
    etag: `"${hexOf(16, 'recommendation-etag', name)}"`,
    lastRefreshTime: timestampFor(name).replace(/\.\d+Z$/, 'Z'),
    priority: 'P2',
    associatedInsights: [{ insight: insightName(c) }],
    targetResources: [c.target],
  };
}

/**
 * Cloud Run's own identity recommender. Its content is not documented in our sources, so only the generic
 * Recommendation fields are served; the collector reads nothing else of it.
 */
export function runRecommendationJson(r: ScenarioRunRecommendation, projectNumber: string): Json {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)$/.exec(r.service);
  const region = m?.[2] ?? 'us-central1';
  const name = `projects/${projectNumber}/locations/${region}/recommenders/${RUN_IDENTITY_RECOMMENDER}/recommendations/${uuidFor(`run|${r.service}`)}`;
  return {
    name,
    description: r.description,
    primaryImpact: { category: 'SECURITY' },
    content: {},
    stateInfo: { state: 'ACTIVE' },
    etag: `"${hexOf(16, 'recommendation-etag', name)}"`,
    lastRefreshTime: timestampFor(name).replace(/\.\d+Z$/, 'Z'),
    priority: 'P2',
    targetResources: [`//run.googleapis.com/${r.service}`],
  };
}
