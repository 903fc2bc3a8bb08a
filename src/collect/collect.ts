import { GoogleApi, type GoogleOptions } from '../google/api.js';
import type { CallStats } from '../google/call.js';
import { isGoogleCallError, type GoogleCallError } from '../google/errors.js';
import type { ApiFolder, ApiOrganization, ApiProject, ApiServiceAccount } from '../google/types.js';
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
import type { ProjectRef } from './map-run.js';
import { homeOfAccount, readAccountFromIam, readRoles } from './iam-reads.js';
import { checkRegions } from './region-check.js';
import { RunReader, type RunRead } from './run-reads.js';
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
  /** Projects of the scope: an identity living in one is read through that project's account list. */
  private readonly scanned = new Set<string>();
  /** One `serviceAccounts.list` per project that holds runtime identities; undefined when the list failed. */
  private readonly accountLists = new Map<string, Promise<Map<string, ApiServiceAccount> | undefined>>();
  /** With --region: the regions each project's locations list offered ('disabled' when Run is off there). */
  private readonly offered = new Map<string, RunRead<string[]>>();
  /** Whether folder metadata reaches from every listed folder to the organisation, so ancestry can be derived. */
  private treeKnown = false;
  private readonly run_: RunReader;

  constructor(
    private readonly api: GoogleApi,
    private readonly options: CollectOptions,
  ) {
    this.run_ = new RunReader(api, this.guard.bind(this), this.record.bind(this), (e) => this.failures.push(e));
  }

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
    for (const p of resolved.projects) this.scanned.add(p.projectId);
    const shard = this.options.shard;
    resolved.projects = resolved.projects.filter((p) => inShard(p.projectId, shard));
    resolved.unreadable = resolved.unreadable.filter((u) => inShard(u.projectId, shard));
    if (scope.kind !== 'projects') {
      const root = `${scope.kind === 'folder' ? 'folders' : 'organizations'}/${scope.ids[0] ?? ''}`;
      this.treeKnown = await this.readAbove(root);
      this.node(root, undefined);
    }
    if (scope.regions.length > 0) await this.checkRegions(resolved.projects);

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
    const derived = this.derivedAncestry(p.parent);
    const [ancestry, iamPolicy, workloads] = await Promise.all([
      derived !== undefined ? derived : this.guard(this.api.getAncestry(projectId), null),
      this.guard(this.api.getHierarchyIamPolicy(`projects/${projectId}`, projectId).then(mapPolicy), null),
      this.workloads(ref),
    ]);
    const chain = ancestry ?? this.knownAncestry(p.parent);
    chain.forEach((node, i) => this.node(node, chain[i + 1]));
    const { services, jobs } = workloads;
    for (const sa of runtimeIdentities(services, jobs)) this.account(sa);

    const project: Project = {
      projectId,
      projectNumber: ref.projectNumber,
      state: p.state,
      labels: p.labels,
      ancestry: chain,
      iamPolicy,
      regions: [...new Set([...services.map((s) => s.region), ...jobs.map((j) => j.region)])].sort(compareText),
      services,
      jobs,
      complete: true,
    };
    if (p.displayName !== undefined) project.displayName = p.displayName;
    if (p.parent !== undefined) project.parent = p.parent;
    if (workloads.runApiDisabled) project.runApiDisabled = true;
    return project;
  }

  /** Cross-region lists by default; with --region, the asked regions the project offers, each on its own. */
  private workloads(ref: ProjectRef): ReturnType<RunReader['allRegions']> {
    const wanted = this.options.scope.regions;
    if (wanted.length === 0) return this.run_.allRegions(ref);
    const offered = this.offered.get(ref.projectId) ?? 'failed';
    if (offered === 'disabled') return Promise.resolve({ services: [], jobs: [], runApiDisabled: true });
    if (offered === 'failed') return Promise.resolve({ services: [], jobs: [], runApiDisabled: false });
    return this.run_.someRegions(ref, wanted.filter((r) => offered.ok.includes(r)).sort(compareText));
  }

  /** --region: every project's locations list, read first, so a region no project offers stops the scan before it starts. */
  private async checkRegions(projects: ApiProject[]): Promise<void> {
    await Promise.all(
      projects.map(async (p) => {
        this.offered.set(p.projectId, await this.run_.read(this.api.listRegions(p.projectId)));
      }),
    );
    const listed = [...this.offered.values()].flatMap((r) => (typeof r === 'object' ? [r.ok] : []));
    checkRegions(this.options.scope.regions, listed);
  }

  /**
   * For a folder scope, the folders above the root, read once (from the root's parent up to the organisation), so
   * every project's ancestry follows from the folder listing. False when the chain could not be read.
   */
  private async readAbove(root: string): Promise<boolean> {
    if (!root.startsWith('folders/')) return true;
    let cur = this.folderMeta.get(root)?.parent;
    const seen = new Set<string>([root]);
    while (cur !== undefined && cur.startsWith('folders/') && !seen.has(cur)) {
      seen.add(cur);
      let meta = this.folderMeta.get(cur);
      if (meta === undefined) {
        try {
          meta = await this.api.getFolder(cur);
        } catch (e) {
          if (!isGoogleCallError(e)) throw e;
          return false; // each project's getAncestry tells instead; the folder is read (and any failure recorded) as a node
        }
        this.folderMeta.set(cur, meta);
      }
      cur = meta.parent;
    }
    return cur === undefined || cur.startsWith('organizations/');
  }

  /**
   * A project's ancestry from the folder listing, for folder and organisation scans; undefined where the listing
   * cannot tell (a project scan, or a parent folder the listing did not reach), and getAncestry is asked instead.
   */
  private derivedAncestry(parent: string | undefined): string[] | undefined {
    if (this.options.scope.kind === 'projects' || !this.treeKnown || parent === undefined) return undefined;
    const out: string[] = [];
    let cur: string | undefined = parent;
    while (cur !== undefined) {
      if (out.includes(cur)) return undefined;
      out.push(cur);
      if (cur.startsWith('organizations/')) return out;
      const meta = this.folderMeta.get(cur);
      if (meta === undefined) return undefined;
      cur = meta.parent;
    }
    return undefined;
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

  /**
   * Reads a runtime identity once. One living in a scanned project comes from that project's account list (one
   * paged list however many identities it holds); one from elsewhere, or whose project's list failed, from get.
   */
  private account(email: string): void {
    if (this.accounts.has(email)) return;
    const home = homeOfAccount(email, this.projectIdByNumber);
    const read = async (): Promise<ServiceAccount> => {
      let listed: ApiServiceAccount | null | undefined;
      if (home !== undefined && this.scanned.has(home)) {
        const accounts = await this.accountList(home);
        if (accounts !== undefined) listed = accounts.get(email.toLowerCase()) ?? null;
      }
      return readAccountFromIam(this.api, email, home, this.guard.bind(this), this.record.bind(this), listed);
    };
    this.accounts.set(email, read());
  }

  /**
   * A project's service accounts by lower-case email; undefined when the list failed, and each account is then
   * read with get. A refusal (403: a role with get but not list) is only a slower path; any other failure of the
   * list is also recorded, so a broken answer is never passed over in silence.
   */
  private accountList(projectId: string): Promise<Map<string, ApiServiceAccount> | undefined> {
    let list = this.accountLists.get(projectId);
    if (!list) {
      list = this.api.listServiceAccounts(projectId).then(
        (accounts) => new Map(accounts.map((a) => [String(a.email).toLowerCase(), a])),
        (e: unknown) => {
          if (!isGoogleCallError(e)) throw e;
          if (e.status !== 403) this.record(e);
          return undefined;
        },
      );
      this.accountLists.set(projectId, list);
    }
    return list;
  }

  /** Definition of every role granted anywhere in a collected policy (hierarchy, service, service account), each read once. */
  private async roles(projects: Project[], accounts: ServiceAccount[]): Promise<RoleDefinition[]> {
    const policies: (Policy | null)[] = [
      ...projects.map((p) => p.iamPolicy),
      ...projects.flatMap((p) => p.services.map((s) => s.iamPolicy)),
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
 * organisation above it, an identity its workloads run as, or a role granted in its hierarchy, on its services or
 * on those identities.
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
      ...p.services.flatMap((s) => rolesIn(s.iamPolicy)),
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
