import type { ApiName } from './apis.js';
import type { GoogleApi } from './api.js';

/**
 * Every Google API call the scanner can make, with the IAM permission Google checks for it. This table is the
 * single source of `cloudrun-auditor permissions` and `doctor`: GoogleApi takes its permission names from here,
 * METHOD_CALLS below must name a row for every public GoogleApi method (a method without one fails typecheck),
 * and a test checks each row against the emulator's route table.
 *
 * To add a call: add a row here (`feature` says which option makes the scanner use it), list it under the
 * GoogleApi method in METHOD_CALLS, and take the permission with `permissionOf(id)` in the method.
 */

/** Which option makes the scanner use a call: `core` calls are made by every live audit. */
export type Feature = 'core' | 'usage-insights' | 'asset-inventory' | 'doctor';

/** The kind of resource a permission is checked on; testIamPermissions is asked there. */
export type CheckedOn = 'project' | 'folder' | 'organization';

export interface CallSpec {
  api: ApiName;
  http: 'GET' | 'POST';
  /** Google's REST path template. */
  path: string;
  /** The permission Google checks; null when the call needs none. */
  permission: string | null;
  /** Where the permission is granted and tested. Empty when `permission` is null. */
  checkedOn: readonly CheckedOn[];
  feature: Feature;
  /** Only used to discover the projects under a folder or organisation (not by a `--project` scan). */
  discovery?: true;
  /** Why the scanner makes the call, for `permissions` output and the README. */
  why: string;
}

const RUN2 = '/v2/projects/{project}/locations/{location}';
const P: readonly CheckedOn[] = ['project'];
const F: readonly CheckedOn[] = ['folder'];
const O: readonly CheckedOn[] = ['organization'];
const PARENTS: readonly CheckedOn[] = ['folder', 'organization'];

export const GOOGLE_CALLS = {
  'crm.projects.get': { api: 'crm', http: 'GET', path: '/v3/projects/{project}', permission: 'resourcemanager.projects.get', checkedOn: P, feature: 'core', why: 'read a named project' },
  'crm.projects.list': { api: 'crm', http: 'GET', path: '/v3/projects', permission: 'resourcemanager.projects.list', checkedOn: PARENTS, feature: 'core', discovery: true, why: 'list the projects under a folder or organisation' },
  'crm.folders.get': { api: 'crm', http: 'GET', path: '/v3/folders/{folder}', permission: 'resourcemanager.folders.get', checkedOn: F, feature: 'core', why: 'read the folders above a project' },
  'crm.folders.list': { api: 'crm', http: 'GET', path: '/v3/folders', permission: 'resourcemanager.folders.list', checkedOn: PARENTS, feature: 'core', discovery: true, why: 'walk the folder tree' },
  'crm.organizations.get': { api: 'crm', http: 'GET', path: '/v3/organizations/{organization}', permission: 'resourcemanager.organizations.get', checkedOn: O, feature: 'core', why: 'read the organisation' },
  'crm.projects.getIamPolicy': { api: 'crm', http: 'POST', path: '/v3/projects/{project}:getIamPolicy', permission: 'resourcemanager.projects.getIamPolicy', checkedOn: P, feature: 'core', why: 'roles granted on each project' },
  'crm.folders.getIamPolicy': { api: 'crm', http: 'POST', path: '/v3/folders/{folder}:getIamPolicy', permission: 'resourcemanager.folders.getIamPolicy', checkedOn: F, feature: 'core', why: 'roles inherited from folders' },
  'crm.organizations.getIamPolicy': { api: 'crm', http: 'POST', path: '/v3/organizations/{organization}:getIamPolicy', permission: 'resourcemanager.organizations.getIamPolicy', checkedOn: O, feature: 'core', why: 'roles inherited from the organisation' },
  'crm.v1.projects.getAncestry': { api: 'crm', http: 'POST', path: '/v1/projects/{project}:getAncestry', permission: 'resourcemanager.projects.get', checkedOn: P, feature: 'core', why: 'the folders and organisation above each project' },
  'crm.projects.testIamPermissions': { api: 'crm', http: 'POST', path: '/v3/projects/{project}:testIamPermissions', permission: null, checkedOn: [], feature: 'doctor', why: 'which permissions the scanner holds on a project' },
  'crm.folders.testIamPermissions': { api: 'crm', http: 'POST', path: '/v3/folders/{folder}:testIamPermissions', permission: null, checkedOn: [], feature: 'doctor', why: 'which permissions the scanner holds on a folder' },
  'crm.organizations.testIamPermissions': { api: 'crm', http: 'POST', path: '/v3/organizations/{organization}:testIamPermissions', permission: null, checkedOn: [], feature: 'doctor', why: 'which permissions the scanner holds on the organisation' },

  'run.locations.list': { api: 'run', http: 'GET', path: '/v1/projects/{project}/locations', permission: 'run.locations.list', checkedOn: P, feature: 'core', why: 'with --region: check each project offers the regions asked for' },
  'run.services.list': { api: 'run', http: 'GET', path: `${RUN2}/services`, permission: 'run.services.list', checkedOn: P, feature: 'core', why: 'services and the identity each runs as (one cross-region list per project, `locations/-`)' },
  'run.revisions.list': { api: 'run', http: 'GET', path: `${RUN2}/services/{service}/revisions`, permission: 'run.revisions.list', checkedOn: P, feature: 'core', why: 'revisions still serving traffic, and their identities (one `services/-` list per region with services)' },
  'run.v1.jobs.list': { api: 'run', http: 'GET', path: '/apis/run.googleapis.com/v1/namespaces/{project}/jobs', permission: 'run.jobs.list', checkedOn: P, feature: 'core', why: 'jobs in every region and the identity each runs as (the global list `gcloud run jobs list` makes)' },
  'run.jobs.list': { api: 'run', http: 'GET', path: `${RUN2}/jobs`, permission: 'run.jobs.list', checkedOn: P, feature: 'core', why: 'jobs of one region (with --region, or a region the global list could not reach)' },
  'run.services.getIamPolicy': { api: 'run', http: 'GET', path: `${RUN2}/services/{service}:getIamPolicy`, permission: 'run.services.getIamPolicy', checkedOn: P, feature: 'core', why: 'who may invoke each service' },

  'iam.serviceAccounts.list': { api: 'iam', http: 'GET', path: '/v1/projects/{project}/serviceAccounts', permission: 'iam.serviceAccounts.list', checkedOn: P, feature: 'core', why: 'the runtime identities of each scanned project, in one paged list' },
  'iam.serviceAccounts.get': { api: 'iam', http: 'GET', path: '/v1/projects/{project}/serviceAccounts/{account}', permission: 'iam.serviceAccounts.get', checkedOn: P, feature: 'core', why: 'a runtime identity from a project outside the scan' },
  'iam.serviceAccounts.getIamPolicy': { api: 'iam', http: 'POST', path: '/v1/projects/{project}/serviceAccounts/{account}:getIamPolicy', permission: 'iam.serviceAccounts.getIamPolicy', checkedOn: P, feature: 'core', why: 'who may act as each runtime identity' },
  'iam.serviceAccountKeys.list': { api: 'iam', http: 'GET', path: '/v1/projects/{project}/serviceAccounts/{account}/keys', permission: 'iam.serviceAccountKeys.list', checkedOn: P, feature: 'core', why: 'long-lived keys of each runtime identity' },
  'iam.roles.get': { api: 'iam', http: 'GET', path: '/v1/roles/{role}', permission: null, checkedOn: [], feature: 'core', why: 'predefined role definitions' },
  'iam.projects.roles.get': { api: 'iam', http: 'GET', path: '/v1/projects/{project}/roles/{role}', permission: 'iam.roles.get', checkedOn: P, feature: 'core', why: 'project custom role definitions' },
  'iam.organizations.roles.get': { api: 'iam', http: 'GET', path: '/v1/organizations/{organization}/roles/{role}', permission: 'iam.roles.get', checkedOn: O, feature: 'core', why: 'organisation custom role definitions' },

  'iam.roles.list': { api: 'iam', http: 'GET', path: '/v1/roles', permission: null, checkedOn: [], feature: 'core', why: 'every predefined role, for the on-disk role cache (`roles sync`)' },

  'recommender.projects.insights.list': { api: 'recommender', http: 'GET', path: '/v1/projects/{project}/locations/{location}/insightTypes/{type}/insights', permission: 'recommender.iamPolicyInsights.list', checkedOn: P, feature: 'usage-insights', why: 'permissions each runtime identity used in 90 days (roles granted on a project)' },
  'recommender.folders.insights.list': { api: 'recommender', http: 'GET', path: '/v1/folders/{folder}/locations/{location}/insightTypes/{type}/insights', permission: 'recommender.iamPolicyInsights.list', checkedOn: F, feature: 'usage-insights', why: 'permissions used, for roles granted on a folder' },
  'recommender.organizations.insights.list': { api: 'recommender', http: 'GET', path: '/v1/organizations/{organization}/locations/{location}/insightTypes/{type}/insights', permission: 'recommender.iamPolicyInsights.list', checkedOn: O, feature: 'usage-insights', why: 'permissions used, for roles granted on the organisation' },
  'recommender.projects.recommendations.list': { api: 'recommender', http: 'GET', path: '/v1/projects/{project}/locations/{location}/recommenders/{recommender}/recommendations', permission: 'recommender.iamPolicyRecommendations.list', checkedOn: P, feature: 'usage-insights', why: "the IAM Recommender's role proposals (roles granted on a project)" },
  'recommender.projects.runIdentityRecommendations.list': { api: 'recommender', http: 'GET', path: '/v1/projects/{project}/locations/{location}/recommenders/{recommender}/recommendations', permission: 'recommender.runServiceIdentityRecommendations.list', checkedOn: P, feature: 'usage-insights', why: "Cloud Run's regional identity recommendations (google.run.service.IdentityRecommender)" },
  'recommender.folders.recommendations.list': { api: 'recommender', http: 'GET', path: '/v1/folders/{folder}/locations/{location}/recommenders/{recommender}/recommendations', permission: 'recommender.iamPolicyRecommendations.list', checkedOn: F, feature: 'usage-insights', why: 'role proposals for roles granted on a folder' },
  'recommender.organizations.recommendations.list': { api: 'recommender', http: 'GET', path: '/v1/organizations/{organization}/locations/{location}/recommenders/{recommender}/recommendations', permission: 'recommender.iamPolicyRecommendations.list', checkedOn: O, feature: 'usage-insights', why: 'role proposals for roles granted on the organisation' },

  'asset.searchAllResources': { api: 'asset', http: 'GET', path: '/v1/{scope}:searchAllResources', permission: 'cloudasset.assets.searchAllResources', checkedOn: PARENTS, feature: 'asset-inventory', why: 'services, revisions, jobs, runtime identities and their keys, from one organisation-wide index' },
  'asset.searchAllIamPolicies': { api: 'asset', http: 'GET', path: '/v1/{scope}:searchAllIamPolicies', permission: 'cloudasset.assets.searchAllIamPolicies', checkedOn: PARENTS, feature: 'asset-inventory', why: 'IAM policies of projects, folders, the organisation, services and identities, from the same index' },
} as const satisfies Record<string, CallSpec>;

export type CallId = keyof typeof GOOGLE_CALLS;

/** The public methods of GoogleApi that talk to Google. */
export type GoogleApiMethod = Exclude<keyof GoogleApi, 'stats' | 'close'>;

/** The calls each GoogleApi method can make. Mapped over GoogleApi's own keys, so a new method needs a row. */
export const METHOD_CALLS: { readonly [M in GoogleApiMethod]: readonly CallId[] } = {
  getProject: ['crm.projects.get'],
  listProjects: ['crm.projects.list'],
  getFolder: ['crm.folders.get'],
  listFolders: ['crm.folders.list'],
  getOrganization: ['crm.organizations.get'],
  getHierarchyIamPolicy: ['crm.projects.getIamPolicy', 'crm.folders.getIamPolicy', 'crm.organizations.getIamPolicy'],
  getAncestry: ['crm.v1.projects.getAncestry'],
  testIamPermissions: ['crm.projects.testIamPermissions', 'crm.folders.testIamPermissions', 'crm.organizations.testIamPermissions'],
  listRegions: ['run.locations.list'],
  listServicesAllRegions: ['run.services.list'],
  listJobsAllRegions: ['run.v1.jobs.list'],
  listServices: ['run.services.list'],
  listRevisions: ['run.revisions.list'],
  listJobs: ['run.jobs.list'],
  getServiceIamPolicy: ['run.services.getIamPolicy'],
  listServiceAccounts: ['iam.serviceAccounts.list'],
  getServiceAccount: ['iam.serviceAccounts.get'],
  getServiceAccountIamPolicy: ['iam.serviceAccounts.getIamPolicy'],
  listServiceAccountKeys: ['iam.serviceAccountKeys.list'],
  getRole: ['iam.roles.get', 'iam.projects.roles.get', 'iam.organizations.roles.get'],
  listPredefinedRoles: ['iam.roles.list'],
  recommender: [
    'recommender.projects.insights.list',
    'recommender.folders.insights.list',
    'recommender.organizations.insights.list',
    'recommender.projects.recommendations.list',
    'recommender.projects.runIdentityRecommendations.list',
    'recommender.folders.recommendations.list',
    'recommender.organizations.recommendations.list',
  ],
  searchAllResources: ['asset.searchAllResources'],
  searchAllIamPolicies: ['asset.searchAllIamPolicies'],
};

export function callSpec(id: CallId): CallSpec {
  return GOOGLE_CALLS[id];
}

/** The permission a call needs; only for calls that need one. */
export function permissionOf(id: CallId): string {
  const p = callSpec(id).permission;
  if (p === null) throw new Error(`call ${id} needs no permission`);
  return p;
}

export interface PermissionOptions {
  usageInsights?: boolean;
  assetInventory?: boolean;
  /** Include the discovery calls (a folder or organisation scope). Default true. */
  discovery?: boolean;
}

/** Features a set of options turns on. */
export function featuresFor(opts: PermissionOptions): Feature[] {
  const out: Feature[] = ['core'];
  if (opts.usageInsights) out.push('usage-insights');
  if (opts.assetInventory) out.push('asset-inventory');
  return out;
}

/** Whether any call in the table belongs to a feature (an option this build can actually use). */
export function featureImplemented(feature: Feature): boolean {
  return Object.values(GOOGLE_CALLS).some((c: CallSpec) => c.feature === feature);
}

/** The calls an audit with these options makes, in table order. */
export function callsFor(opts: PermissionOptions): { id: CallId; spec: CallSpec }[] {
  const features = new Set(featuresFor(opts));
  const discovery = opts.discovery ?? true;
  return (Object.keys(GOOGLE_CALLS) as CallId[])
    .map((id) => ({ id, spec: callSpec(id) }))
    .filter(({ spec }) => features.has(spec.feature) && (discovery || spec.discovery !== true));
}

/** The distinct permissions an audit with these options needs, sorted. */
export function permissionsFor(opts: PermissionOptions): string[] {
  const set = new Set<string>();
  for (const { spec } of callsFor(opts)) if (spec.permission !== null) set.add(spec.permission);
  return [...set].sort();
}

/** Permissions an audit needs that are granted and tested on one kind of resource. */
export function permissionsCheckedOn(kind: CheckedOn, opts: PermissionOptions): string[] {
  const set = new Set<string>();
  for (const { spec } of callsFor(opts)) if (spec.permission !== null && spec.checkedOn.includes(kind)) set.add(spec.permission);
  return [...set].sort();
}
