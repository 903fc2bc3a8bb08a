import type { RequestContext } from './context.js';
import * as asset from './asset-handlers.js';
import * as crm from './crm-handlers.js';
import * as iam from './iam-handlers.js';
import * as rec from './recommender-handlers.js';
import * as run from './run-handlers.js';
import * as runV1 from './run-v1-handlers.js';
import * as storage from './storage-handlers.js';
import type { MediaBody } from './context.js';

/**
 * Every route the emulator serves, with the API it belongs to and the IAM permission Google checks for it.
 * Kept as data: the scanner's list of required permissions is derived from this table.
 */

export type ApiHost = 'run.googleapis.com' | 'cloudresourcemanager.googleapis.com' | 'iam.googleapis.com' | 'recommender.googleapis.com' | 'cloudasset.googleapis.com' | 'storage.googleapis.com';

export interface RouteSpec {
  /** Stable name, e.g. 'run.services.list'. */
  id: string;
  api: ApiHost;
  method: 'GET' | 'POST';
  /** Path template; `{name}` matches one segment up to the next `/` or `:`. */
  path: string;
  /** The permission checked, or null when the call needs none (predefined roles, testIamPermissions). */
  permission: string | null;
  /**
   * 'request': the call fails with 403 without it. 'per-result': the call never fails for it but only returns
   * the resources on which the caller holds it (Resource Manager search).
   */
  check: 'request' | 'per-result';
  /** For list calls: the field holding the items (used by the paging faults). */
  listKey?: string;
  /**
   * Permissions the handler checks instead of `permission` for some values of a path parameter: the Recommender
   * checks one permission per recommender type on the same path.
   */
  variantPermissions?: readonly string[];
  /** 'media': the body is content (a media upload), not JSON. */
  body?: 'media';
  handler: (ctx: RequestContext) => Record<string, unknown> | MediaBody;
}

const R = 'run.googleapis.com' as const;
const C = 'cloudresourcemanager.googleapis.com' as const;
const I = 'iam.googleapis.com' as const;
const S = 'storage.googleapis.com' as const;
const REC = 'recommender.googleapis.com' as const;
const INSIGHTS = '/locations/{location}/insightTypes/{type}/insights';
const RECOMMENDATIONS = '/locations/{location}/recommenders/{recommender}/recommendations';

const RUN = '/v2/projects/{project}/locations/{location}';
/** Run v1: the Knative-style namespace paths (global endpoint lists; regional endpoint lists and gets) and the v1 location paths. */
const KNATIVE = '/apis/serving.knative.dev/v1/namespaces/{namespace}';
const RUN_JOBS_V1 = '/apis/run.googleapis.com/v1/namespaces/{namespace}';
const RUN_V1 = '/v1/projects/{project}/locations/{location}';
const A = 'cloudasset.googleapis.com' as const;

export const ROUTES: readonly RouteSpec[] = [
  { id: 'run.services.list', api: R, method: 'GET', path: `${RUN}/services`, permission: 'run.services.list', check: 'request', listKey: 'services', handler: run.listServices },
  { id: 'run.services.get', api: R, method: 'GET', path: `${RUN}/services/{service}`, permission: 'run.services.get', check: 'request', handler: run.getService },
  { id: 'run.services.getIamPolicy', api: R, method: 'GET', path: `${RUN}/services/{service}:getIamPolicy`, permission: 'run.services.getIamPolicy', check: 'request', handler: run.getServiceIamPolicy },
  { id: 'run.revisions.list', api: R, method: 'GET', path: `${RUN}/services/{service}/revisions`, permission: 'run.revisions.list', check: 'request', listKey: 'revisions', handler: run.listRevisions },
  { id: 'run.revisions.get', api: R, method: 'GET', path: `${RUN}/services/{service}/revisions/{revision}`, permission: 'run.revisions.get', check: 'request', handler: run.getRevision },
  { id: 'run.jobs.list', api: R, method: 'GET', path: `${RUN}/jobs`, permission: 'run.jobs.list', check: 'request', listKey: 'jobs', handler: run.listJobs },
  { id: 'run.jobs.get', api: R, method: 'GET', path: `${RUN}/jobs/{job}`, permission: 'run.jobs.get', check: 'request', handler: run.getJob },
  { id: 'run.jobs.getIamPolicy', api: R, method: 'GET', path: `${RUN}/jobs/{job}:getIamPolicy`, permission: 'run.jobs.getIamPolicy', check: 'request', handler: run.getJobIamPolicy },
  { id: 'run.v1.services.list', api: R, method: 'GET', path: `${RUN_V1}/services`, permission: 'run.services.list', check: 'request', listKey: 'items', handler: runV1.listServicesV1 },
  { id: 'run.v1.services.get', api: R, method: 'GET', path: `${RUN_V1}/services/{service}`, permission: 'run.services.get', check: 'request', handler: runV1.getServiceV1 },
  { id: 'run.v1.services.getIamPolicy', api: R, method: 'GET', path: `${RUN_V1}/services/{service}:getIamPolicy`, permission: 'run.services.getIamPolicy', check: 'request', handler: run.getServiceIamPolicy },
  { id: 'run.v1.jobs.getIamPolicy', api: R, method: 'GET', path: `${RUN_V1}/jobs/{job}:getIamPolicy`, permission: 'run.jobs.getIamPolicy', check: 'request', handler: run.getJobIamPolicy },
  { id: 'run.v1.namespaces.services.list', api: R, method: 'GET', path: `${KNATIVE}/services`, permission: 'run.services.list', check: 'request', listKey: 'items', handler: runV1.listServicesV1 },
  { id: 'run.v1.namespaces.services.get', api: R, method: 'GET', path: `${KNATIVE}/services/{service}`, permission: 'run.services.get', check: 'request', handler: runV1.getServiceV1 },
  { id: 'run.v1.namespaces.revisions.list', api: R, method: 'GET', path: `${KNATIVE}/revisions`, permission: 'run.revisions.list', check: 'request', listKey: 'items', handler: runV1.listRevisionsV1 },
  { id: 'run.v1.namespaces.revisions.get', api: R, method: 'GET', path: `${KNATIVE}/revisions/{revision}`, permission: 'run.revisions.get', check: 'request', handler: runV1.getRevisionV1 },
  { id: 'run.v1.namespaces.jobs.list', api: R, method: 'GET', path: `${RUN_JOBS_V1}/jobs`, permission: 'run.jobs.list', check: 'request', listKey: 'items', handler: runV1.listJobsV1 },
  { id: 'run.v1.namespaces.jobs.get', api: R, method: 'GET', path: `${RUN_JOBS_V1}/jobs/{job}`, permission: 'run.jobs.get', check: 'request', handler: runV1.getJobV1 },
  { id: 'run.locations.list', api: R, method: 'GET', path: '/v1/projects/{project}/locations', permission: 'run.locations.list', check: 'request', listKey: 'locations', handler: run.listLocations },

  { id: 'cloudasset.organizations.searchAllResources', api: A, method: 'GET', path: '/v1/organizations/{organization}:searchAllResources', permission: 'cloudasset.assets.searchAllResources', check: 'request', listKey: 'results', handler: asset.searchAllResources },
  { id: 'cloudasset.folders.searchAllResources', api: A, method: 'GET', path: '/v1/folders/{folder}:searchAllResources', permission: 'cloudasset.assets.searchAllResources', check: 'request', listKey: 'results', handler: asset.searchAllResources },
  { id: 'cloudasset.projects.searchAllResources', api: A, method: 'GET', path: '/v1/projects/{project}:searchAllResources', permission: 'cloudasset.assets.searchAllResources', check: 'request', listKey: 'results', handler: asset.searchAllResources },
  { id: 'cloudasset.organizations.searchAllIamPolicies', api: A, method: 'GET', path: '/v1/organizations/{organization}:searchAllIamPolicies', permission: 'cloudasset.assets.searchAllIamPolicies', check: 'request', listKey: 'results', handler: asset.searchAllIamPolicies },
  { id: 'cloudasset.folders.searchAllIamPolicies', api: A, method: 'GET', path: '/v1/folders/{folder}:searchAllIamPolicies', permission: 'cloudasset.assets.searchAllIamPolicies', check: 'request', listKey: 'results', handler: asset.searchAllIamPolicies },
  { id: 'cloudasset.projects.searchAllIamPolicies', api: A, method: 'GET', path: '/v1/projects/{project}:searchAllIamPolicies', permission: 'cloudasset.assets.searchAllIamPolicies', check: 'request', listKey: 'results', handler: asset.searchAllIamPolicies },

  { id: 'crm.projects.get', api: C, method: 'GET', path: '/v3/projects/{project}', permission: 'resourcemanager.projects.get', check: 'request', handler: crm.getProject },
  { id: 'crm.projects.search', api: C, method: 'GET', path: '/v3/projects:search', permission: 'resourcemanager.projects.get', check: 'per-result', listKey: 'projects', handler: crm.searchProjects },
  { id: 'crm.projects.list', api: C, method: 'GET', path: '/v3/projects', permission: 'resourcemanager.projects.list', check: 'request', listKey: 'projects', handler: crm.listProjects },
  { id: 'crm.projects.getIamPolicy', api: C, method: 'POST', path: '/v3/projects/{project}:getIamPolicy', permission: 'resourcemanager.projects.getIamPolicy', check: 'request', handler: crm.getProjectIamPolicy },
  { id: 'crm.projects.testIamPermissions', api: C, method: 'POST', path: '/v3/projects/{project}:testIamPermissions', permission: null, check: 'request', handler: crm.testProjectPermissions },
  { id: 'crm.folders.get', api: C, method: 'GET', path: '/v3/folders/{folder}', permission: 'resourcemanager.folders.get', check: 'request', handler: crm.getFolder },
  { id: 'crm.folders.search', api: C, method: 'GET', path: '/v3/folders:search', permission: 'resourcemanager.folders.get', check: 'per-result', listKey: 'folders', handler: crm.searchFolders },
  { id: 'crm.folders.list', api: C, method: 'GET', path: '/v3/folders', permission: 'resourcemanager.folders.list', check: 'request', listKey: 'folders', handler: crm.listFolders },
  { id: 'crm.folders.getIamPolicy', api: C, method: 'POST', path: '/v3/folders/{folder}:getIamPolicy', permission: 'resourcemanager.folders.getIamPolicy', check: 'request', handler: crm.getFolderIamPolicy },
  { id: 'crm.folders.testIamPermissions', api: C, method: 'POST', path: '/v3/folders/{folder}:testIamPermissions', permission: null, check: 'request', handler: crm.testFolderPermissions },
  { id: 'crm.organizations.get', api: C, method: 'GET', path: '/v3/organizations/{organization}', permission: 'resourcemanager.organizations.get', check: 'request', handler: crm.getOrganization },
  { id: 'crm.organizations.search', api: C, method: 'GET', path: '/v3/organizations:search', permission: 'resourcemanager.organizations.get', check: 'per-result', listKey: 'organizations', handler: crm.searchOrganizations },
  { id: 'crm.organizations.getIamPolicy', api: C, method: 'POST', path: '/v3/organizations/{organization}:getIamPolicy', permission: 'resourcemanager.organizations.getIamPolicy', check: 'request', handler: crm.getOrganizationIamPolicy },
  { id: 'crm.organizations.testIamPermissions', api: C, method: 'POST', path: '/v3/organizations/{organization}:testIamPermissions', permission: null, check: 'request', handler: crm.testOrganizationPermissions },
  { id: 'crm.v1.projects.get', api: C, method: 'GET', path: '/v1/projects/{project}', permission: 'resourcemanager.projects.get', check: 'request', handler: crm.getProjectV1 },
  { id: 'crm.v1.projects.getAncestry', api: C, method: 'POST', path: '/v1/projects/{project}:getAncestry', permission: 'resourcemanager.projects.get', check: 'request', handler: crm.getAncestry },
  { id: 'crm.v1.projects.getIamPolicy', api: C, method: 'POST', path: '/v1/projects/{project}:getIamPolicy', permission: 'resourcemanager.projects.getIamPolicy', check: 'request', handler: crm.getProjectIamPolicyV1 },

  { id: 'iam.serviceAccounts.list', api: I, method: 'GET', path: '/v1/projects/{project}/serviceAccounts', permission: 'iam.serviceAccounts.list', check: 'request', listKey: 'accounts', handler: iam.listAccounts },
  { id: 'iam.serviceAccounts.get', api: I, method: 'GET', path: '/v1/projects/{project}/serviceAccounts/{account}', permission: 'iam.serviceAccounts.get', check: 'request', handler: iam.getAccount },
  { id: 'iam.serviceAccounts.getIamPolicy', api: I, method: 'POST', path: '/v1/projects/{project}/serviceAccounts/{account}:getIamPolicy', permission: 'iam.serviceAccounts.getIamPolicy', check: 'request', handler: iam.getAccountIamPolicy },
  { id: 'iam.serviceAccountKeys.list', api: I, method: 'GET', path: '/v1/projects/{project}/serviceAccounts/{account}/keys', permission: 'iam.serviceAccountKeys.list', check: 'request', listKey: 'keys', handler: iam.listKeys },
  { id: 'iam.roles.get', api: I, method: 'GET', path: '/v1/roles/{role}', permission: null, check: 'request', handler: iam.getPredefinedRole },
  { id: 'iam.roles.list', api: I, method: 'GET', path: '/v1/roles', permission: null, check: 'request', listKey: 'roles', handler: iam.listRoles },
  { id: 'iam.projects.roles.get', api: I, method: 'GET', path: '/v1/projects/{project}/roles/{role}', permission: 'iam.roles.get', check: 'request', handler: iam.getProjectRole },
  { id: 'iam.projects.roles.list', api: I, method: 'GET', path: '/v1/projects/{project}/roles', permission: 'iam.roles.list', check: 'request', listKey: 'roles', handler: iam.listProjectRoles },
  { id: 'iam.organizations.roles.get', api: I, method: 'GET', path: '/v1/organizations/{organization}/roles/{role}', permission: 'iam.roles.get', check: 'request', handler: iam.getOrganizationRole },
  { id: 'iam.organizations.roles.list', api: I, method: 'GET', path: '/v1/organizations/{organization}/roles', permission: 'iam.roles.list', check: 'request', listKey: 'roles', handler: iam.listOrganizationRoles },

  { id: 'storage.objects.insert', api: S, method: 'POST', path: '/upload/storage/v1/b/{bucket}/o', permission: 'storage.objects.create', check: 'request', body: 'media', handler: storage.insertObject },
  { id: 'storage.objects.get', api: S, method: 'GET', path: '/storage/v1/b/{bucket}/o/{object}', permission: 'storage.objects.get', check: 'request', handler: storage.getObject },
  { id: 'storage.objects.list', api: S, method: 'GET', path: '/storage/v1/b/{bucket}/o', permission: 'storage.objects.list', check: 'request', listKey: 'items', handler: storage.listObjects },

  { id: 'recommender.projects.insights.list', api: REC, method: 'GET', path: `/v1/projects/{project}${INSIGHTS}`, permission: 'recommender.iamPolicyInsights.list', check: 'request', listKey: 'insights', handler: rec.listProjectInsights },
  { id: 'recommender.folders.insights.list', api: REC, method: 'GET', path: `/v1/folders/{folder}${INSIGHTS}`, permission: 'recommender.iamPolicyInsights.list', check: 'request', listKey: 'insights', handler: rec.listFolderInsights },
  { id: 'recommender.organizations.insights.list', api: REC, method: 'GET', path: `/v1/organizations/{organization}${INSIGHTS}`, permission: 'recommender.iamPolicyInsights.list', check: 'request', listKey: 'insights', handler: rec.listOrganizationInsights },
  { id: 'recommender.projects.recommendations.list', api: REC, method: 'GET', path: `/v1/projects/{project}${RECOMMENDATIONS}`, permission: 'recommender.iamPolicyRecommendations.list', variantPermissions: ['recommender.runServiceIdentityRecommendations.list'], check: 'request', listKey: 'recommendations', handler: rec.listProjectRecommendations },
  { id: 'recommender.folders.recommendations.list', api: REC, method: 'GET', path: `/v1/folders/{folder}${RECOMMENDATIONS}`, permission: 'recommender.iamPolicyRecommendations.list', check: 'request', listKey: 'recommendations', handler: rec.listFolderRecommendations },
  { id: 'recommender.organizations.recommendations.list', api: REC, method: 'GET', path: `/v1/organizations/{organization}${RECOMMENDATIONS}`, permission: 'recommender.iamPolicyRecommendations.list', check: 'request', listKey: 'recommendations', handler: rec.listOrganizationRecommendations },
];

/** The permission table alone, for deriving what a scanner needs. */
export const ROUTE_PERMISSIONS: readonly Omit<RouteSpec, 'handler' | 'listKey' | 'body'>[] = ROUTES.map(
  ({ id, api, method, path, permission, variantPermissions, check }) => ({ id, api, method, path, permission, check, ...(variantPermissions ? { variantPermissions } : {}) }),
);

interface Compiled {
  spec: RouteSpec;
  re: RegExp;
  names: string[];
}

const COMPILED: Compiled[] = ROUTES.map((spec) => {
  const names: string[] = [];
  const src = spec.path
    .split(/(\{[a-z]+\})/)
    .map((part) => {
      const m = /^\{([a-z]+)\}$/.exec(part);
      if (m) {
        names.push(m[1] ?? '');
        return '([^/:]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { spec, re: new RegExp(`^${src}$`), names };
});

export interface RouteMatch {
  spec: RouteSpec;
  params: Record<string, string>;
}

/** The route for a method and path; a path known under another method counts as unknown, as at Google. */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  for (const c of COMPILED) {
    if (c.spec.method !== method) continue;
    const m = c.re.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    let ok = true;
    c.names.forEach((n, i) => {
      try {
        params[n] = decodeURIComponent(m[i + 1] ?? '');
      } catch {
        ok = false;
      }
    });
    if (ok) return { spec: c.spec, params };
  }
  return undefined;
}

/** The API a path belongs to, for logging requests that match no route. */
export function apiForPath(pathname: string): string {
  for (const c of COMPILED) if (c.re.test(pathname)) return c.spec.api;
  if (pathname.startsWith('/v2/') || pathname.startsWith('/apis/')) return R;
  if (pathname.startsWith('/v3/')) return C;
  return '';
}
