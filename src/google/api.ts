import type { HierarchyNode } from '../model/inventory.js';
import type { CallContext } from './apis.js';
import { Caller, type Attempt, type CallStats, type CallerOptions } from './call.js';
import { closeClients, createClients, parseEndpoint, type Clients } from './clients.js';
import { BadResponseError } from './errors.js';
import { resolveCredentials, type CredentialOptions } from './auth.js';
import { collectPages, type Page } from './paging.js';
import { searchAllIamPolicies as searchIamPolicies, searchAllResources as searchResources, type AssetPolicy, type AssetResource, type AssetScope } from './asset.js';
import { permissionOf, type CallId } from './permissions.js';
import { RecommenderReads, listPredefinedRoles, type ReadBudget } from './recommender.js';
import { expectList, expectObject, isObject, optionalString, requireString, type JsonObject } from './shapes.js';
import type {
  ApiBinding,
  ApiFolder,
  ApiJob,
  ApiJobV1,
  ApiOrganization,
  ApiPolicy,
  ApiProject,
  ApiRevision,
  ApiRole,
  ApiService,
  ApiServiceAccount,
  ApiServiceAccountKey,
  CrossRegionList,
} from './types.js';

export interface GoogleOptions extends CredentialOptions, Omit<CallerOptions, 'endpoint'> {}

/** Page size asked of every paged list; servers may return fewer. */
const PAGE_SIZE = 100;

/** Per-call options that make one resource-manager call exactly one request: no gax retry, no auto-paging. */
function gaxOnce(a: Attempt): { retry: null; timeout: number; autoPaginate: false } {
  return { retry: null, timeout: a.timeoutMs * 2, autoPaginate: false };
}

/** Per-call options for googleapis: our signal, no gaxios retry, no silent redirects. */
function gapiOnce(a: Attempt): { signal: AbortSignal; timeout: number; retry: false; redirect: 'manual' } {
  return { signal: a.signal, timeout: a.timeoutMs * 2, retry: false, redirect: 'manual' };
}

function projectOfName(name: string): string | undefined {
  return /^projects\/([^/]+)\//.exec(name)?.[1];
}

/**
 * Every read the collector makes, typed, checked for shape, and run through the Caller (pools, rate limits,
 * retries). This is the whole surface of Google the rest of the program sees.
 */
export class GoogleApi {
  private constructor(
    private readonly clients: Clients,
    private readonly caller: Caller,
    /** The Recommender's free tier is 100 reads a day: a 429 there is not worth a retry that spends another read. */
    private readonly recommenderCaller: Caller,
  ) {}

  /** Resolves credentials (failing fast with a UserError when there are none) and builds the clients. */
  static async connect(opts: GoogleOptions): Promise<GoogleApi> {
    const endpoint = opts.endpoint !== undefined ? parseEndpoint(opts.endpoint) : undefined;
    const auth = await resolveCredentials(opts);
    const caller = new Caller({ ...opts, ...(endpoint !== undefined ? { endpoint: endpoint.origin } : {}) });
    const clients = createClients({
      ...(endpoint !== undefined ? { endpoint } : {}),
      auth,
      requestTimeoutMs: caller.retry.attemptTimeoutMs * 2,
    });
    const recommenderCaller = new Caller({
      ...opts,
      ...(endpoint !== undefined ? { endpoint: endpoint.origin } : {}),
      retry: { ...(opts.retry ?? {}), maxAttempts: 1 },
    });
    return new GoogleApi(clients, caller, recommenderCaller);
  }

  stats(): CallStats {
    return { ...this.caller.stats(), recommender: this.recommenderCaller.stats().recommender };
  }

  /** Recommender reads (insights, recommendations), each page counted against `budget`. */
  recommender(budget: ReadBudget): RecommenderReads {
    return new RecommenderReads(this.clients.recommender, this.recommenderCaller, budget);
  }

  /** Every predefined role with its permissions (roles.list view=FULL), for the role cache. */
  listPredefinedRoles(): Promise<ApiRole[]> {
    return listPredefinedRoles(this.clients.iam, this.caller);
  }

  async close(): Promise<void> {
    await closeClients(this.clients);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Cloud Asset Inventory (--source asset-inventory)

  /** Every resource of one asset type in the scope, from CAI's index (versionedResources included). */
  searchAllResources(scope: AssetScope, assetType: string): Promise<AssetResource[]> {
    return searchResources(this.clients.asset, this.caller, scope, assetType);
  }

  /** Every non-empty IAM policy on resources of these types in the scope. */
  searchAllIamPolicies(scope: AssetScope, assetTypes: string[]): Promise<AssetPolicy[]> {
    return searchIamPolicies(this.clients.asset, this.caller, scope, assetTypes);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Resource Manager

  getProject(projectId: string): Promise<ApiProject> {
    const ctx = crm('projects.get', `projects/${projectId}`, permissionOf('crm.projects.get'), `project ${projectId}`, projectId);
    return this.caller.call(ctx, async (a) => {
      const [p] = await this.clients.projects.getProject({ name: `projects/${projectId}` }, gaxOnce(a));
      return toProject(p, ctx.method);
    });
  }

  listProjects(parent: string): Promise<ApiProject[]> {
    const ctx = crm('projects.list', parent, permissionOf('crm.projects.list'), parent);
    return collectPages(ctx, (pageToken) =>
      this.caller.call(ctx, async (a): Promise<Page<ApiProject>> => {
        const [items, , raw] = await this.clients.projects.listProjects(
          { parent, pageSize: PAGE_SIZE, ...(pageToken !== undefined ? { pageToken } : {}) },
          gaxOnce(a),
        );
        return { items: gaxList(items, ctx.method).map((p) => toProject(p, ctx.method)), nextPageToken: gaxToken(raw) };
      }),
    );
  }

  getFolder(name: string): Promise<ApiFolder> {
    const ctx = crm('folders.get', name, permissionOf('crm.folders.get'), name);
    return this.caller.call(ctx, async (a) => {
      const [f] = await this.clients.folders.getFolder({ name }, gaxOnce(a));
      return toFolder(f, ctx.method);
    });
  }

  listFolders(parent: string): Promise<ApiFolder[]> {
    const ctx = crm('folders.list', parent, permissionOf('crm.folders.list'), parent);
    return collectPages(ctx, (pageToken) =>
      this.caller.call(ctx, async (a): Promise<Page<ApiFolder>> => {
        const [items, , raw] = await this.clients.folders.listFolders(
          { parent, pageSize: PAGE_SIZE, ...(pageToken !== undefined ? { pageToken } : {}) },
          gaxOnce(a),
        );
        return { items: gaxList(items, ctx.method).map((f) => toFolder(f, ctx.method)), nextPageToken: gaxToken(raw) };
      }),
    );
  }

  getOrganization(name: string): Promise<ApiOrganization> {
    const ctx = crm('organizations.get', name, permissionOf('crm.organizations.get'), name);
    return this.caller.call(ctx, async (a) => {
      const [o] = await this.clients.organizations.getOrganization({ name }, gaxOnce(a));
      const obj = expectObject(o, ctx.method);
      const org: ApiOrganization = { name: requireString(obj, 'name', ctx.method), state: stateOf(obj) };
      // resource-manager decodes any JSON into an object with defaults, so a body of the wrong shape shows up here as "".
      if (!/^organizations\/\d+$/.test(org.name)) throw new BadResponseError(`${ctx.method}: organization name "${org.name}" is not organizations/{number}`);
      const displayName = nonEmpty(optionalString(obj, 'displayName', ctx.method));
      if (displayName !== undefined) org.displayName = displayName;
      return org;
    });
  }

  /** IAM policy of a project, folder or organisation (version 3, so conditional bindings come back whole). */
  getHierarchyIamPolicy(resource: HierarchyNode, project?: string): Promise<ApiPolicy> {
    const kind = resource.slice(0, resource.indexOf('/'));
    const id = resource.slice(kind.length + 1);
    const target = kind === 'projects' ? `project ${id}` : resource;
    const ctx = crm(`${kind}.getIamPolicy`, resource, permissionOf(`crm.${kind}.getIamPolicy` as CallId), target, project);
    const request = { resource, options: { requestedPolicyVersion: 3 } };
    return this.caller.call(ctx, async (a) => {
      const [policy] =
        kind === 'projects'
          ? await this.clients.projects.getIamPolicy(request, gaxOnce(a))
          : kind === 'folders'
            ? await this.clients.folders.getIamPolicy(request, gaxOnce(a))
            : await this.clients.organizations.getIamPolicy(request, gaxOnce(a));
      return toPolicy(policy, ctx.method);
    });
  }

  /** Ancestors nearest first, the project itself left out: `folders/…`, …, `organizations/…`. */
  getAncestry(projectId: string): Promise<string[]> {
    const ctx = crm('projects.getAncestry', `projects/${projectId}`, permissionOf('crm.v1.projects.getAncestry'), `project ${projectId}`, projectId);
    return this.caller.call(ctx, async (a) => {
      const res = await this.clients.crmV1.projects.getAncestry({ projectId, requestBody: {} }, gapiOnce(a));
      const body = expectObject(res.data, ctx.method);
      const out: string[] = [];
      for (const anc of expectList(body, 'ancestor', ctx.method, false)) {
        const rid = anc['resourceId'];
        if (!isObject(rid)) throw new BadResponseError(`${ctx.method}: an ancestor has no resourceId`);
        const type = requireString(rid, 'type', ctx.method);
        const id = requireString(rid, 'id', ctx.method);
        if (type === 'folder') out.push(`folders/${id}`);
        else if (type === 'organization') out.push(`organizations/${id}`);
        else if (type !== 'project') throw new BadResponseError(`${ctx.method}: unknown ancestor type "${type}"`);
      }
      return out;
    });
  }

  /** The subset of `permissions` the caller holds on a project, folder or organisation (needs no permission itself). */
  testIamPermissions(resource: HierarchyNode, permissions: string[]): Promise<string[]> {
    const kind = resource.slice(0, resource.indexOf('/'));
    // A 403 here means the resource is missing or hidden, which Google words as a missing get permission.
    const ctx = crm(`${kind}.testIamPermissions`, resource, `resourcemanager.${kind}.get`, resource);
    const request = { resource, permissions };
    return this.caller.call(ctx, async (a) => {
      const [res] =
        kind === 'projects'
          ? await this.clients.projects.testIamPermissions(request, gaxOnce(a))
          : kind === 'folders'
            ? await this.clients.folders.testIamPermissions(request, gaxOnce(a))
            : await this.clients.organizations.testIamPermissions(request, gaxOnce(a));
      const held = expectObject(res, ctx.method)['permissions'] ?? [];
      if (!Array.isArray(held) || held.some((p) => typeof p !== 'string')) {
        throw new BadResponseError(`${ctx.method}: permissions is not a list of strings`);
      }
      return held as string[];
    });
  }

  // ---------------------------------------------------------------------------------------------------------
  // Cloud Run

  /** Region ids the project can use, from the Run v1 locations list. */
  listRegions(projectId: string): Promise<string[]> {
    const ctx = run('locations.list', `projects/${projectId}`, permissionOf('run.locations.list'), projectId);
    return collectPages(ctx, (pageToken) =>
      this.caller.call(ctx, async (a): Promise<Page<string>> => {
        const res = await this.clients.runV1.projects.locations.list(
          { name: `projects/${projectId}`, pageSize: PAGE_SIZE, ...(pageToken !== undefined ? { pageToken } : {}) },
          gapiOnce(a),
        );
        const body = expectObject(res.data, ctx.method);
        const items = expectList(body, 'locations', ctx.method).map((l) => {
          const id = optionalString(l, 'locationId', ctx.method) ?? requireString(l, 'name', ctx.method).split('/').pop();
          if (!id) throw new BadResponseError(`${ctx.method}: a location has no id`);
          return id;
        });
        return { items, nextPageToken: optionalString(body, 'nextPageToken', ctx.method) };
      }),
    );
  }

  /**
   * Every service of the project in every region, in one paged cross-region list (`locations/-`, the list
   * `gcloud run services list` makes without --region), with the regions Google could not reach.
   */
  listServicesAllRegions(projectId: string): Promise<CrossRegionList<ApiService>> {
    const parent = `projects/${projectId}/locations/-`;
    const ctx = run('services.list', parent, permissionOf('run.services.list'), projectId);
    return this.crossRegion(ctx, 'services', (pageToken, a) =>
      this.clients.runV2.projects.locations.services.list({ parent, pageSize: PAGE_SIZE, ...pageTokenParam(pageToken) }, gapiOnce(a)),
    );
  }

  /**
   * Every job of the project in every region: the v1 `namespaces.jobs.list` on the global endpoint, as
   * `gcloud run jobs list` makes it (paged with `metadata.continue`), with the regions Google could not reach.
   */
  listJobsAllRegions(projectId: string): Promise<CrossRegionList<ApiJobV1>> {
    const parent = `namespaces/${projectId}`;
    const ctx = run('namespaces.jobs.list', parent, permissionOf('run.v1.jobs.list'), projectId);
    const unreachable = new Set<string>();
    return collectPages(ctx, (pageToken) =>
      this.caller.call(ctx, async (a): Promise<Page<ApiJobV1>> => {
        const res = await this.clients.runV1.namespaces.jobs.list(
          { parent, limit: PAGE_SIZE, ...(pageToken !== undefined ? { continue: pageToken } : {}) },
          gapiOnce(a),
        );
        const body = expectObject(res.data, ctx.method);
        for (const r of stringList(body, 'unreachable', ctx.method)) unreachable.add(r);
        const meta = body['metadata'];
        if (meta !== undefined && meta !== null && !isObject(meta)) throw new BadResponseError(`${ctx.method}: metadata is not an object`);
        return {
          items: expectList(body, 'items', ctx.method, false) as ApiJobV1[],
          nextPageToken: isObject(meta) ? optionalString(meta, 'continue', ctx.method) : undefined,
        };
      }),
    ).then((items) => ({ items, unreachable: [...unreachable].sort() }));
  }

  /** The services of one region (used with --region, and for a region a cross-region list could not reach). */
  listServices(projectId: string, region: string): Promise<ApiService[]> {
    const parent = `projects/${projectId}/locations/${region}`;
    const ctx = run('services.list', parent, permissionOf('run.services.list'), projectId, region);
    return this.runList(ctx, 'services', (pageToken, a) =>
      this.clients.runV2.projects.locations.services.list({ parent, pageSize: PAGE_SIZE, ...pageTokenParam(pageToken) }, gapiOnce(a)),
    );
  }

  /** Every revision of every service in the region, in one paged list (the documented `services/-` wildcard). */
  listRevisions(projectId: string, region: string): Promise<ApiRevision[]> {
    const parent = `projects/${projectId}/locations/${region}/services/-`;
    const ctx = run('services.revisions.list', parent, permissionOf('run.revisions.list'), projectId, region);
    return this.runList(ctx, 'revisions', (pageToken, a) =>
      this.clients.runV2.projects.locations.services.revisions.list(
        { parent, pageSize: PAGE_SIZE, ...pageTokenParam(pageToken) },
        gapiOnce(a),
      ),
    );
  }

  /** The jobs of one region (used with --region, and for a region a cross-region list could not reach). */
  listJobs(projectId: string, region: string): Promise<ApiJob[]> {
    const parent = `projects/${projectId}/locations/${region}`;
    const ctx = run('jobs.list', parent, permissionOf('run.jobs.list'), projectId, region);
    return this.runList(ctx, 'jobs', (pageToken, a) =>
      this.clients.runV2.projects.locations.jobs.list({ parent, pageSize: PAGE_SIZE, ...pageTokenParam(pageToken) }, gapiOnce(a)),
    );
  }

  getServiceIamPolicy(serviceName: string): Promise<ApiPolicy> {
    const ctx: CallContext = {
      api: 'run',
      method: 'services.getIamPolicy',
      resource: serviceName,
      permission: permissionOf('run.services.getIamPolicy'),
      target: `service ${serviceName}`,
    };
    const project = projectOfName(serviceName);
    if (project !== undefined) ctx.project = project;
    const region = /^projects\/[^/]+\/locations\/([^/]+)\//.exec(serviceName)?.[1];
    if (region !== undefined) ctx.quotaLocation = region;
    return this.caller.call(ctx, async (a) => {
      const res = await this.clients.runV2.projects.locations.services.getIamPolicy(
        { resource: serviceName, 'options.requestedPolicyVersion': 3 },
        gapiOnce(a),
      );
      return toPolicy(res.data, ctx.method);
    });
  }

  private crossRegion<T>(
    ctx: CallContext,
    field: string,
    request: (pageToken: string | undefined, a: Attempt) => Promise<{ data: unknown }>,
  ): Promise<CrossRegionList<T>> {
    const unreachable = new Set<string>();
    return collectPages(ctx, (pageToken) =>
      this.caller.call(ctx, async (a): Promise<Page<T>> => {
        const res = await request(pageToken, a);
        const body = expectObject(res.data, ctx.method);
        for (const r of stringList(body, 'unreachable', ctx.method)) unreachable.add(r);
        return {
          items: expectList(body, field, ctx.method) as T[],
          nextPageToken: optionalString(body, 'nextPageToken', ctx.method),
        };
      }),
    ).then((items) => ({ items, unreachable: [...unreachable].sort() }));
  }

  private runList<T>(
    ctx: CallContext,
    field: string,
    request: (pageToken: string | undefined, a: Attempt) => Promise<{ data: unknown }>,
  ): Promise<T[]> {
    return collectPages(ctx, (pageToken) =>
      this.caller.call(ctx, async (a): Promise<Page<T>> => {
        const res = await request(pageToken, a);
        const body = expectObject(res.data, ctx.method);
        return {
          items: expectList(body, field, ctx.method) as T[],
          nextPageToken: optionalString(body, 'nextPageToken', ctx.method),
        };
      }),
    );
  }

  // ---------------------------------------------------------------------------------------------------------
  // IAM

  /** Every service account of a project, paged (IAM allows 100 a page): one call for all its runtime identities. */
  listServiceAccounts(projectId: string): Promise<ApiServiceAccount[]> {
    const ctx = iam('serviceAccounts.list', `projects/${projectId}`, permissionOf('iam.serviceAccounts.list'), projectId);
    ctx.target = `project ${projectId}`;
    return collectPages(ctx, (pageToken) =>
      this.caller.call(ctx, async (a): Promise<Page<ApiServiceAccount>> => {
        const res = await this.clients.iam.projects.serviceAccounts.list(
          { name: `projects/${projectId}`, pageSize: PAGE_SIZE, ...pageTokenParam(pageToken) },
          gapiOnce(a),
        );
        const body = expectObject(res.data, ctx.method);
        const items = expectList(body, 'accounts', ctx.method, false);
        for (const acc of items) requireString(acc, 'email', ctx.method);
        return { items: items as ApiServiceAccount[], nextPageToken: optionalString(body, 'nextPageToken', ctx.method) };
      }),
    );
  }

  getServiceAccount(email: string, project?: string): Promise<ApiServiceAccount> {
    const ctx = iam('serviceAccounts.get', email, permissionOf('iam.serviceAccounts.get'), project);
    return this.caller.call(ctx, async (a) => {
      const res = await this.clients.iam.projects.serviceAccounts.get({ name: `projects/-/serviceAccounts/${email}` }, gapiOnce(a));
      const body = expectObject(res.data, ctx.method);
      requireString(body, 'email', ctx.method);
      return body as ApiServiceAccount;
    });
  }

  /** Bindings set on the account itself. `home` is its project when known; `-` lets Google infer it. */
  getServiceAccountIamPolicy(email: string, home: string | undefined, project?: string): Promise<ApiPolicy> {
    const ctx = iam('serviceAccounts.getIamPolicy', email, permissionOf('iam.serviceAccounts.getIamPolicy'), project);
    return this.caller.call(ctx, async (a) => {
      const res = await this.clients.iam.projects.serviceAccounts.getIamPolicy(
        { resource: `projects/${home ?? '-'}/serviceAccounts/${email}`, 'options.requestedPolicyVersion': 3 },
        gapiOnce(a),
      );
      return toPolicy(res.data, ctx.method);
    });
  }

  listServiceAccountKeys(email: string, home: string | undefined, project?: string): Promise<ApiServiceAccountKey[]> {
    const ctx = iam('serviceAccounts.keys.list', email, permissionOf('iam.serviceAccountKeys.list'), project);
    return this.caller.call(ctx, async (a) => {
      const res = await this.clients.iam.projects.serviceAccounts.keys.list(
        { name: `projects/${home ?? '-'}/serviceAccounts/${email}` },
        gapiOnce(a),
      );
      const body = expectObject(res.data, ctx.method);
      return expectList(body, 'keys', ctx.method) as ApiServiceAccountKey[];
    });
  }

  /** A role definition: `roles/x`, `projects/p/roles/x` or `organizations/n/roles/x`. */
  getRole(name: string, project?: string): Promise<ApiRole> {
    const target = name.startsWith('roles/') ? `role ${name}` : name.slice(0, name.indexOf('/roles/'));
    const ctx: CallContext = { api: 'iam', method: 'roles.get', resource: name, permission: permissionOf('iam.projects.roles.get'), target };
    if (project !== undefined) ctx.project = project;
    return this.caller.call(ctx, async (a) => {
      const res = name.startsWith('projects/')
        ? await this.clients.iam.projects.roles.get({ name }, gapiOnce(a))
        : name.startsWith('organizations/')
          ? await this.clients.iam.organizations.roles.get({ name }, gapiOnce(a))
          : await this.clients.iam.roles.get({ name }, gapiOnce(a));
      const body = expectObject(res.data, ctx.method);
      requireString(body, 'name', ctx.method);
      const perms = body['includedPermissions'];
      if (perms !== undefined && perms !== null && (!Array.isArray(perms) || perms.some((p) => typeof p !== 'string'))) {
        throw new BadResponseError(`${ctx.method}: includedPermissions is not a list of strings`);
      }
      return body as ApiRole;
    });
  }
}

// -----------------------------------------------------------------------------------------------------------
// Contexts

function crm(method: string, resource: string, permission: string, target: string, project?: string): CallContext {
  const ctx: CallContext = { api: 'crm', method, resource, permission, target };
  if (project !== undefined) ctx.project = project;
  return ctx;
}

/** A Run call; `region` for a regional one (its quota bucket is that region), none for a cross-region or global one. */
function run(method: string, resource: string, permission: string, project: string, region?: string): CallContext {
  const ctx: CallContext = { api: 'run', method, resource, permission, target: `project ${project}`, project };
  if (region !== undefined) ctx.quotaLocation = region;
  return ctx;
}

/** An optional list of strings (`unreachable`). */
function stringList(body: JsonObject, field: string, what: string): string[] {
  const v = body[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new BadResponseError(`${what}: ${field} is not a list of strings`);
  return v as string[];
}

function iam(method: string, email: string, permission: string, project?: string): CallContext {
  const ctx: CallContext = { api: 'iam', method, resource: email, permission, target: `service account ${email}` };
  if (project !== undefined) ctx.project = project;
  return ctx;
}

function pageTokenParam(pageToken: string | undefined): { pageToken?: string } {
  return pageToken !== undefined ? { pageToken } : {};
}

// -----------------------------------------------------------------------------------------------------------
// Decoding resource-manager's protobuf objects (defaults filled in: "" for strings, null for messages).

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

function gaxList(items: unknown, what: string): unknown[] {
  if (items === null || items === undefined) return [];
  if (!Array.isArray(items)) throw new BadResponseError(`${what}: the list is ${typeof items}`);
  return items;
}

function gaxToken(raw: unknown): string | undefined {
  if (!isObject(raw)) return undefined;
  const t = raw['nextPageToken'];
  return typeof t === 'string' && t !== '' ? t : undefined;
}

function stateOf(obj: JsonObject): string {
  const s = obj['state'];
  if (typeof s === 'string' && s !== '') return s;
  return 'STATE_UNSPECIFIED';
}

function labelsOf(obj: JsonObject, what: string): Record<string, string> {
  const l = obj['labels'];
  if (l === undefined || l === null) return {};
  if (!isObject(l)) throw new BadResponseError(`${what}: labels is not an object`);
  const out: Record<string, string> = {};
  // defineProperty, not assignment: a label key named __proto__ must stay a key.
  for (const [k, v] of Object.entries(l)) if (typeof v === 'string') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

function toProject(p: unknown, what: string): ApiProject {
  const obj = expectObject(p, what);
  const name = requireString(obj, 'name', what);
  const projectId = requireString(obj, 'projectId', what);
  if (!/^projects\/\d+$/.test(name)) throw new BadResponseError(`${what}: project name "${name}" is not projects/{number}`);
  const out: ApiProject = { name, projectId, state: stateOf(obj), labels: labelsOf(obj, what) };
  const parent = nonEmpty(optionalString(obj, 'parent', what));
  if (parent !== undefined) out.parent = parent;
  const displayName = nonEmpty(optionalString(obj, 'displayName', what));
  if (displayName !== undefined) out.displayName = displayName;
  return out;
}

function toFolder(f: unknown, what: string): ApiFolder {
  const obj = expectObject(f, what);
  const out: ApiFolder = { name: requireString(obj, 'name', what), state: stateOf(obj) };
  if (!/^folders\/\d+$/.test(out.name)) throw new BadResponseError(`${what}: folder name "${out.name}" is not folders/{number}`);
  const parent = nonEmpty(optionalString(obj, 'parent', what));
  if (parent !== undefined) out.parent = parent;
  const displayName = nonEmpty(optionalString(obj, 'displayName', what));
  if (displayName !== undefined) out.displayName = displayName;
  return out;
}

/** Works on both googleapis JSON and resource-manager's decoded objects. */
export function toPolicy(p: unknown, what: string): ApiPolicy {
  const obj = expectObject(p, what);
  // Google sends an etag with every policy, even an empty one ("ACAB"); without it this is not a policy (and a
  // body of the wrong shape decoded by resource-manager would otherwise read as "no bindings": a silent pass).
  const etag = obj['etag'];
  const etagLength = typeof etag === 'string' || etag instanceof Uint8Array ? etag.length : 0;
  if (etagLength === 0) throw new BadResponseError(`${what}: the policy has no etag`);
  const version = obj['version'];
  if (version !== undefined && version !== null && typeof version !== 'number') {
    throw new BadResponseError(`${what}: policy version is not a number`);
  }
  const bindings: ApiBinding[] = expectList(obj, 'bindings', what, false).map((b, i) => {
    const role = b['role'];
    const members = b['members'] ?? [];
    if (typeof role !== 'string' || role === '') throw new BadResponseError(`${what}: bindings[${i}] has no role`);
    if (!Array.isArray(members) || members.some((m) => typeof m !== 'string')) {
      throw new BadResponseError(`${what}: bindings[${i}].members is not a list of strings`);
    }
    const binding: ApiBinding = { role, members: members as string[] };
    const c = b['condition'];
    if (isObject(c)) {
      binding.condition = {
        title: optionalString(c, 'title', what) ?? null,
        expression: optionalString(c, 'expression', what) ?? null,
        description: optionalString(c, 'description', what) ?? null,
      };
    }
    return binding;
  });
  return { version: typeof version === 'number' ? version : null, bindings };
}
