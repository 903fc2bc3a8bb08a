import { GoogleApi, type GoogleOptions } from '../google/api.js';
import { API_HOST } from '../google/apis.js';
import type { CallStats } from '../google/call.js';
import { isGoogleCallError, type GoogleCallError } from '../google/errors.js';
import type { ApiFolder, ApiOrganization, ApiProject, ApiRevision } from '../google/types.js';
import {
  INVENTORY_SCHEMA_VERSION,
  type CollectionError,
  type Folder,
  type HierarchyNode,
  type Inventory,
  type Job,
  type Organization,
  type Policy,
  type Project,
  type RoleDefinition,
  type Scope,
  type Service,
  type ServiceAccount,
  type ShardInfo,
} from '../model/inventory.js';
import { TOOL_VERSION } from '../version.js';
import { mapFolder, mapOrganization, projectNumberOf } from './map-crm.js';
import { mapPolicy, rolesIn } from './map-iam.js';
import { mapJob, mapService, type ProjectRef } from './map-run.js';
import { homeOfAccount, readAccountFromIam, readRoles } from './iam-reads.js';
import { resolveScope, validateScope } from './scope.js';
import { collectFromAssetInventory, validateAssetScope, type CollectSource } from './asset-source.js';
import { inShard } from './shard.js';
import { byName, compareErrors, compareText } from './sort.js';
import { collectUsage } from './usage.js';

export interface CollectProgress {
  projectsDone: number;
  projectsTotal: number;
}

export interface CollectOptions extends GoogleOptions {
  scope: Scope;
  onProgress?: (p: CollectProgress) => void;
  /** Called once when collection ends (also on failure) with request counts per API, for --verbose. */
  onStats?: (stats: CallStats) => void;
  /** Only the projects of this shard (see shard.ts); the scope is still listed whole, so every shard agrees on it. */
  shard?: ShardInfo;
  /** Where workloads and policies come from: each project's own APIs (default), or Cloud Asset Inventory (asset-source.ts). */
  source?: CollectSource;
  /** Also read Recommender usage evidence (usage.ts), spending at most `cap` reads. */
  usageInsights?: { cap: number };
  /** Predefined role definitions from the role cache (src/least/role-cache.ts): these are not read with roles.get. */
  predefinedRoles?: ReadonlyMap<string, RoleDefinition>;
}

/**
 * Reads everything the auditor needs about a scope into one Inventory. Anything unreadable becomes an entry in
 * `errors` and marks the projects it affects incomplete; only a UserError (no credentials, unreachable endpoint,
 * a scope that does not exist) aborts the collection.
 */
export async function collectInventory(options: CollectOptions): Promise<Inventory> {
  validateScope(options.scope);
  if (options.source === 'asset-inventory') validateAssetScope(options.scope);
  const api = await GoogleApi.connect(options);
  try {
    const inv = options.source === 'asset-inventory' ? await collectFromAssetInventory(api, options) : await new Collector(api, options).run();
    if (options.usageInsights) inv.usage = await collectUsage(api, inv, options.usageInsights.cap);
    return inv;
  } finally {
    options.onStats?.(api.stats());
    await api.close();
  }
}

class Collector {
  private readonly failures: CollectionError[] = [];
  private folderMeta = new Map<string, ApiFolder>();
  private orgMeta = new Map<string, ApiOrganization>();
  /** Each folder/organisation is read once, however many projects sit beneath it. */
  private readonly nodes = new Map<string, Promise<void>>();
  private readonly folders = new Map<string, Folder>();
  private readonly organizations = new Map<string, Organization>();
  private readonly accounts = new Map<string, Promise<ServiceAccount>>();
  private readonly projectIdByNumber = new Map<string, string>();

  constructor(
    private readonly api: GoogleApi,
    private readonly options: CollectOptions,
  ) {}

  async run(): Promise<Inventory> {
    const scope = this.options.scope;
    const resolved = await resolveScope(this.api, scope);
    this.folderMeta = resolved.folders;
    this.orgMeta = resolved.organizations;
    for (const e of resolved.errors) this.record(e);
    for (const p of resolved.projects) {
      const n = projectNumberOf(p.name);
      if (n !== undefined) this.projectIdByNumber.set(n, p.projectId);
    }
    const shard = this.options.shard;
    resolved.projects = resolved.projects.filter((p) => inShard(p.projectId, shard));
    resolved.unreadable = resolved.unreadable.filter((u) => inShard(u.projectId, shard));
    if (scope.kind !== 'projects') {
      this.node(`${scope.kind === 'folder' ? 'folders' : 'organizations'}/${scope.ids[0] ?? ''}`, undefined);
    }

    const total = resolved.projects.length + resolved.unreadable.length;
    let done = resolved.unreadable.length;
    this.options.onProgress?.({ projectsDone: done, projectsTotal: total });
    for (const u of resolved.unreadable) this.record(u.error);

    const projects = await Promise.all(
      resolved.projects.map(async (p) => {
        const project = await this.project(p);
        this.options.onProgress?.({ projectsDone: ++done, projectsTotal: total });
        return project;
      }),
    );
    projects.push(...resolved.unreadable.map((u) => unreadableProject(u.projectId)));

    await Promise.all(this.nodes.values());
    const accounts = await Promise.all(this.accounts.values());
    const roles = await this.roles(projects, accounts);

    const errors = this.failures.sort(compareErrors);
    markIncomplete(projects, accounts, [...this.folders.values(), ...this.organizations.values()], errors);
    return {
      schemaVersion: INVENTORY_SCHEMA_VERSION,
      toolVersion: TOOL_VERSION,
      collectedAt: new Date().toISOString(),
      scope: { kind: scope.kind, ids: [...scope.ids], regions: [...scope.regions] },
      organizations: [...this.organizations.values()].sort(byName),
      folders: [...this.folders.values()].sort(byName),
      projects: projects.sort((a, b) => compareText(a.projectId, b.projectId)),
      serviceAccounts: accounts.sort((a, b) => compareText(a.email, b.email)),
      roles,
      errors,
      ...(this.options.shard !== undefined ? { shard: { ...this.options.shard } } : {}),
    };
  }

  private record(e: GoogleCallError): void {
    const entry = e.toCollectionError();
    // The scope's root is read again for its metadata after resolving the scope failed on it: one failure, one entry.
    const same = (x: CollectionError): boolean =>
      x.api === entry.api && x.method === entry.method && x.resource === entry.resource && x.status === entry.status;
    if (!this.failures.some(same)) this.failures.push(entry);
  }

  /** Awaits a read; a Google failure is recorded and replaced by `fallback`. Anything else (a bug, a UserError) propagates. */
  private async guard<T, F>(p: Promise<T>, fallback: F): Promise<T | F> {
    try {
      return await p;
    } catch (e) {
      if (!isGoogleCallError(e)) throw e;
      this.record(e);
      return fallback;
    }
  }

  private async project(p: ApiProject): Promise<Project> {
    const projectId = p.projectId;
    const ref: ProjectRef = { projectId, projectNumber: projectNumberOf(p.name) ?? '' };
    const [ancestry, iamPolicy, regions] = await Promise.all([
      this.guard(this.api.getAncestry(projectId), null),
      this.guard(this.api.getHierarchyIamPolicy(`projects/${projectId}`, projectId).then(mapPolicy), null),
      this.guard(this.api.listRegions(projectId), [] as string[]),
    ]);
    const chain = ancestry ?? this.knownAncestry(p.parent);
    chain.forEach((node, i) => this.node(node, chain[i + 1]));

    const wanted = this.options.scope.regions;
    const scanned = [...new Set(regions)].filter((r) => wanted.length === 0 || wanted.includes(r)).sort(compareText);
    const perRegion = await Promise.all(scanned.map((r) => this.region(ref, r)));
    const services = perRegion.flatMap((r) => r.services).sort(byName);
    const jobs = perRegion.flatMap((r) => r.jobs).sort(byName);
    for (const sa of runtimeIdentities(services, jobs)) this.account(sa);

    const project: Project = {
      projectId,
      projectNumber: ref.projectNumber,
      state: p.state,
      labels: p.labels,
      ancestry: chain,
      iamPolicy,
      regions: perRegion.filter((r) => r.services.length + r.jobs.length > 0).map((r) => r.region),
      services,
      jobs,
      complete: true,
    };
    if (p.displayName !== undefined) project.displayName = p.displayName;
    if (p.parent !== undefined) project.parent = p.parent;
    return project;
  }

  /** Best effort when getAncestry fails: follow parents through folders already seen while listing the scope. */
  private knownAncestry(parent: string | undefined): string[] {
    const out: string[] = [];
    let cur = parent;
    while (cur !== undefined && !out.includes(cur)) {
      out.push(cur);
      cur = this.folderMeta.get(cur)?.parent;
    }
    return out;
  }

  private async region(ref: ProjectRef, region: string): Promise<{ region: string; services: Service[]; jobs: Job[] }> {
    const { projectId } = ref;
    const [apiServices, apiRevisions, apiJobs] = await Promise.all([
      this.guard(this.api.listServices(projectId, region), []),
      this.guard(this.api.listRevisions(projectId, region), [] as ApiRevision[]),
      this.guard(this.api.listJobs(projectId, region), []),
    ]);
    const services: Service[] = [];
    for (const s of apiServices) {
      const mapped = mapService(s, apiRevisions, ref, null);
      if (mapped) services.push(mapped);
      else this.badItem(projectId, 'services.list', s.name);
    }
    await Promise.all(
      services.map(async (s) => {
        s.iamPolicy = await this.guard(this.api.getServiceIamPolicy(s.name).then(mapPolicy), null);
      }),
    );
    const jobs: Job[] = [];
    for (const j of apiJobs) {
      const mapped = mapJob(j, ref);
      if (mapped) jobs.push(mapped);
      else this.badItem(projectId, 'jobs.list', j.name);
    }
    return { region, services, jobs };
  }

  private badItem(project: string, method: string, name: string | null | undefined): void {
    this.failures.push({
      project,
      api: API_HOST.run,
      method,
      status: 'BAD_RESPONSE',
      message: `${method} in project ${project} returned an item named "${name ?? ''}", which is not a Cloud Run resource name; it was left out: rerun, and report it if it persists`,
    });
  }

  /** Reads a folder or organisation (metadata and IAM policy) once. */
  private node(name: string, parent: string | undefined): void {
    if (this.nodes.has(name)) return;
    const hierarchyNode = name as HierarchyNode;
    this.nodes.set(
      name,
      (async () => {
        if (name.startsWith('folders/')) {
          const known = this.folderMeta.get(name);
          const [meta, policy] = await Promise.all([
            known ?? this.guard(this.api.getFolder(name), undefined),
            this.guard(this.api.getHierarchyIamPolicy(hierarchyNode).then(mapPolicy), null),
          ]);
          this.folders.set(name, mapFolder(name, meta, parent, policy));
        } else if (name.startsWith('organizations/')) {
          const known = this.orgMeta.get(name);
          const [meta, policy] = await Promise.all([
            known ?? this.guard(this.api.getOrganization(name), undefined),
            this.guard(this.api.getHierarchyIamPolicy(hierarchyNode).then(mapPolicy), null),
          ]);
          this.organizations.set(name, mapOrganization(name, meta, policy));
        }
      })(),
    );
  }

  private account(email: string): void {
    if (this.accounts.has(email)) return;
    const read = readAccountFromIam(this.api, email, homeOfAccount(email, this.projectIdByNumber), this.guard.bind(this), this.record.bind(this));
    this.accounts.set(email, read);
  }

  /** Definition of every role granted anywhere in a collected hierarchy policy or service-account policy, each read once. */
  private async roles(projects: Project[], accounts: ServiceAccount[]): Promise<RoleDefinition[]> {
    const policies: (Policy | null)[] = [
      ...projects.map((p) => p.iamPolicy),
      ...[...this.folders.values()].map((f) => f.iamPolicy),
      ...[...this.organizations.values()].map((o) => o.iamPolicy),
      ...accounts.map((a) => a.iamPolicy),
    ];
    return readRoles(this.api, policies, this.guard.bind(this), this.options.predefinedRoles);
  }
}

export function runtimeIdentities(services: Service[], jobs: Job[]): string[] {
  const all = [
    ...services.flatMap((s) => [s.serviceAccount, ...s.revisions.map((r) => r.serviceAccount)]),
    ...jobs.map((j) => j.serviceAccount),
  ];
  return [...new Set(all)].sort(compareText);
}

function unreadableProject(projectId: string): Project {
  return {
    projectId,
    projectNumber: '',
    state: 'UNKNOWN',
    labels: {},
    ancestry: [],
    iamPolicy: null,
    regions: [],
    services: [],
    jobs: [],
    complete: false,
  };
}

/**
 * A project is incomplete when anything its audit depends on could not be read: its own reads, a folder or
 * organisation above it, an identity its workloads run as, or a role granted in its hierarchy or on those identities.
 */
export function markIncomplete(
  projects: Project[],
  accounts: ServiceAccount[],
  nodes: (Folder | Organization)[],
  errors: CollectionError[],
): void {
  const accountByEmail = new Map(accounts.map((a) => [a.email, a]));
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  for (const p of projects) {
    const identities = runtimeIdentities(p.services, p.jobs);
    const hierarchy = [`projects/${p.projectId}`, ...p.ancestry];
    const grantedRoles = new Set<string>([
      ...rolesIn(p.iamPolicy),
      ...p.ancestry.flatMap((a) => rolesIn(nodeByName.get(a)?.iamPolicy ?? null)),
      ...identities.flatMap((e) => rolesIn(accountByEmail.get(e)?.iamPolicy ?? null)),
    ]);
    const affected = errors.some((e) => {
      if (e.project === p.projectId) return true;
      const r = e.resource;
      if (r === undefined) return false;
      if (e.method === 'roles.get') return grantedRoles.has(r);
      if (e.method?.startsWith('serviceAccounts.')) return identities.includes(r);
      return hierarchy.includes(r);
    });
    if (affected) p.complete = false;
  }
}
