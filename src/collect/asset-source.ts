import { UserError } from '../errors.js';
import type { GoogleApi } from '../google/api.js';
import type { AssetPolicy, AssetResource, AssetScope } from '../google/asset.js';
import { isGoogleCallError, type GoogleCallError } from '../google/errors.js';
import type { ApiFolder, ApiProject, ApiServiceAccount, ApiServiceAccountKey } from '../google/types.js';
import {
  INVENTORY_SCHEMA_VERSION,
  type CollectionError,
  type Folder,
  type Inventory,
  type Job,
  type Organization,
  type Policy,
  type Project,
  type RoleDefinition,
  type Scope,
  type Service,
  type ServiceAccount,
} from '../model/inventory.js';
import { TOOL_VERSION } from '../version.js';
import { markIncomplete, runtimeIdentities, type CollectOptions } from './collect.js';
import {
  FOLDER,
  ORGANIZATION,
  PROJECT,
  RUN_JOB,
  RUN_REVISION,
  RUN_SERVICE,
  SERVICE_ACCOUNT,
  SERVICE_ACCOUNT_KEY,
  accountFromAsset,
  accountRefOf,
  hierarchyNodeOf,
  jobFromAsset,
  keyFromAsset,
  parseRunAssetName,
  projectNumberOfAsset,
  revisionFromAsset,
  serviceFromAsset,
} from './map-asset.js';
import { mapFolder, mapOrganization, projectNumberOf } from './map-crm.js';
import { mapKey, mapPolicy, mapServiceAccount } from './map-iam.js';
import { mapJob, mapService, type ProjectRef } from './map-run.js';
import { homeOfAccount, readAccountFromIam, readRoles } from './iam-reads.js';
import { resolveScope } from './scope.js';
import { inShard } from './shard.js';
import { byName, compareErrors, compareText } from './sort.js';

/**
 * `--source asset-inventory`: workloads, identities, keys and IAM policies from Cloud Asset Inventory's
 * organisation-wide index instead of each project's own APIs.
 *
 * Still read elsewhere: the project list and folder tree (Resource Manager, as with the API source), the folders
 * and organisation above a folder scope (outside what CAI searches), role definitions (IAM roles.get, once each),
 * and any runtime identity CAI does not hold (IAM, per account: one outside the scope, or created since CAI
 * last indexed). Every CAI listing is one paged search over the whole scope, so the number of requests grows
 * with results / 500 and not with the number of projects.
 */

export type CollectSource = 'api' | 'asset-inventory';

export const COLLECT_SOURCES: readonly CollectSource[] = ['api', 'asset-inventory'];

/** The Run asset types come back from CAI's search; IAM's come from the same index. */
const RESOURCE_TYPES = [RUN_SERVICE, RUN_REVISION, RUN_JOB, SERVICE_ACCOUNT, SERVICE_ACCOUNT_KEY] as const;
/** Policies that matter to the audit: the hierarchy, who may invoke a service, who may act as an identity. */
const POLICY_TYPES = [ORGANIZATION, FOLDER, PROJECT, RUN_SERVICE, SERVICE_ACCOUNT] as const;

export function validateAssetScope(scope: Scope): void {
  if (scope.kind === 'projects') {
    throw new UserError(
      'USAGE',
      '--source asset-inventory searches a whole folder or organisation: use it with --folder or --organization (use the default --source api for --project)',
    );
  }
}

interface PolicyIndex {
  byKey: Map<string, Policy>;
  /** Per asset type: whether its policy search succeeded. */
  ok: Map<string, boolean>;
}

interface HeldAccount {
  asset: AssetResource;
  api: ApiServiceAccount;
  keys: ApiServiceAccountKey[];
}

interface Listing<T> {
  items: T[];
  /** False when the search failed (its error is recorded): absence in `items` then proves nothing. */
  ok: boolean;
}

/** Collects with Cloud Asset Inventory; `api` is connected and closed by the caller. */
export async function collectFromAssetInventory(api: GoogleApi, options: CollectOptions): Promise<Inventory> {
  return new AssetCollector(api, options).run();
}

class AssetCollector {
  private readonly failures: CollectionError[] = [];
  private readonly projectIdByNumber = new Map<string, string>();
  private readonly folderMeta = new Map<string, ApiFolder>();

  constructor(
    private readonly api: GoogleApi,
    private readonly options: CollectOptions,
  ) {}

  private record(e: GoogleCallError): void {
    this.failures.push(e.toCollectionError());
  }

  private async guard<T, F>(p: Promise<T>, fallback: F): Promise<T | F> {
    try {
      return await p;
    } catch (e) {
      if (!isGoogleCallError(e)) throw e;
      this.record(e);
      return fallback;
    }
  }

  private async listing<T>(p: Promise<T[]>): Promise<Listing<T>> {
    const items = await this.guard(p, null);
    return items === null ? { items: [], ok: false } : { items, ok: true };
  }

  async run(): Promise<Inventory> {
    const scope = this.options.scope;
    const root = `${scope.kind === 'folder' ? 'folders' : 'organizations'}/${scope.ids[0] ?? ''}` as AssetScope;

    // The project list and tree (Resource Manager) and the CAI searches do not depend on each other.
    const resourcesP = Promise.all(RESOURCE_TYPES.map((t) => this.listing(this.api.searchAllResources(root, t))));
    const policiesP = Promise.all(POLICY_TYPES.map((t) => this.listing(this.api.searchAllIamPolicies(root, [t]))));
    let resolved;
    try {
      resolved = await resolveScope(this.api, scope);
    } catch (e) {
      // Let in-flight searches settle before the error ends the collection and the clients close.
      await Promise.allSettled([resourcesP, policiesP]);
      throw e;
    }
    for (const e of resolved.errors) this.record(e);
    for (const [k, v] of resolved.folders) this.folderMeta.set(k, v);
    for (const p of resolved.projects) {
      const n = projectNumberOf(p.name);
      if (n !== undefined) this.projectIdByNumber.set(n, p.projectId);
    }
    const mine = resolved.projects.filter((p) => inShard(p.projectId, this.options.shard));
    this.options.onProgress?.({ projectsDone: 0, projectsTotal: mine.length });

    const [[services, revisions, jobs, accounts, keys], policyLists] = await Promise.all([resourcesP, policiesP]);
    const policies = this.policyIndex(policyLists);
    const above = await this.above(root);
    this.aboveChain = above;

    const byProject = (l: Listing<AssetResource> | undefined): Map<string, AssetResource[]> => this.groupByProject(l?.items ?? []);
    const run = { services: byProject(services), revisions: byProject(revisions), jobs: byProject(jobs) };
    const projects = mine.map((p) => this.project(p, run, policies));
    this.options.onProgress?.({ projectsDone: mine.length, projectsTotal: mine.length });

    const nodes = await this.nodes(root, projects, policies, above, resolved.organizations);
    const identities = [...new Set(projects.flatMap((p) => runtimeIdentities(p.services, p.jobs)))].sort(compareText);
    const held = this.accountIndex(accounts, keys);
    const serviceAccounts = await Promise.all(identities.map((email) => this.account(email, held, policies)));
    const roles = await this.roles(projects, nodes, serviceAccounts);

    const errors = this.failures.sort(compareErrors);
    markIncomplete(projects, serviceAccounts, [...nodes.folders, ...nodes.organizations], errors);
    return {
      schemaVersion: INVENTORY_SCHEMA_VERSION,
      toolVersion: TOOL_VERSION,
      collectedAt: new Date().toISOString(),
      scope: { kind: scope.kind, ids: [...scope.ids], regions: [...scope.regions] },
      organizations: nodes.organizations.sort(byName),
      folders: nodes.folders.sort(byName),
      projects: projects.sort((a, b) => compareText(a.projectId, b.projectId)),
      serviceAccounts: serviceAccounts.sort((a, b) => compareText(a.email, b.email)),
      roles,
      errors,
    };
  }

  /** Policies by the resource they are set on, keyed by every name that resource goes by here. */
  private policyIndex(lists: Listing<AssetPolicy>[]): PolicyIndex {
    const byKey = new Map<string, Policy>();
    const ok = new Map<string, boolean>();
    POLICY_TYPES.forEach((t, i) => ok.set(t, lists[i]?.ok ?? false));
    for (const list of lists) {
      for (const r of list.items) {
        const policy = mapPolicy(r.policy);
        byKey.set(r.resource, policy);
        const node = hierarchyNodeOf(r.resource);
        if (node !== undefined) {
          byKey.set(node, policy);
          const n = /^projects\/(\d+)$/.exec(node)?.[1];
          const id = n !== undefined ? this.projectIdByNumber.get(n) : undefined;
          if (id !== undefined) byKey.set(`projects/${id}`, policy);
        }
        const account = accountRefOf(r.resource);
        if (account !== undefined) byKey.set(`sa:${account.toLowerCase()}`, policy);
        const run = parseRunAssetName(r.resource);
        if (run !== undefined) {
          const id = /^\d+$/.test(run.project) ? (this.projectIdByNumber.get(run.project) ?? run.project) : run.project;
          byKey.set(`projects/${id}/locations/${run.region}/${run.kind}/${run.id}`, policy);
        }
      }
    }
    return { byKey, ok };
  }

  /** A resource's policy: what CAI holds, an empty policy when CAI holds none (it indexes only non-empty ones), null when the search failed. */
  private policyOf(policies: PolicyIndex, type: string, ...keys: string[]): Policy | null {
    for (const k of keys) {
      const p = policies.byKey.get(k);
      if (p !== undefined) return p;
    }
    return policies.ok.get(type) === true ? { version: 1, bindings: [] } : null;
  }

  /** Run resources by the number of their project (the `project` field), or the project named in the resource name. */
  private groupByProject(items: AssetResource[]): Map<string, AssetResource[]> {
    const out = new Map<string, AssetResource[]>();
    for (const a of items) {
      const named = parseRunAssetName(a.name)?.project;
      const number = projectNumberOfAsset(a.project) ?? (named !== undefined && /^\d+$/.test(named) ? named : undefined);
      const key = number ?? `id:${named ?? ''}`;
      const list = out.get(key);
      if (list) list.push(a);
      else out.set(key, [a]);
    }
    return out;
  }

  /** Accounts CAI holds, by email, with their keys; null when either search failed (then IAM is asked per account). */
  private accountIndex(accounts: Listing<AssetResource> | undefined, keys: Listing<AssetResource> | undefined): Map<string, HeldAccount> | null {
    if (!accounts?.ok || !keys?.ok) return null;
    const keysByAccount = new Map<string, AssetResource[]>();
    for (const k of keys.items) {
      const parent = k.parentFullResourceName ?? k.name.replace(/\/keys\/[^/]+$/, '');
      const list = keysByAccount.get(parent);
      if (list) list.push(k);
      else keysByAccount.set(parent, [k]);
    }
    const out = new Map<string, HeldAccount>();
    for (const a of accounts.items) {
      const api = accountFromAsset(a);
      const email = api?.email;
      if (!api || typeof email !== 'string') continue;
      out.set(email.toLowerCase(), { asset: a, api, keys: (keysByAccount.get(a.name) ?? []).flatMap((k) => keyFromAsset(k) ?? []) });
    }
    return out;
  }

  /** Folders and organisation above a folder scope, nearest first, read from Resource Manager (CAI does not search above its scope). */
  private async above(root: AssetScope): Promise<string[]> {
    if (!root.startsWith('folders/')) return [];
    const chain: string[] = [];
    let parent = this.folderMeta.get(root)?.parent;
    while (parent !== undefined && !chain.includes(parent)) {
      chain.push(parent);
      if (!parent.startsWith('folders/')) break;
      const name = parent;
      const meta = this.folderMeta.get(name) ?? (await this.guard(this.api.getFolder(name), undefined));
      if (meta === undefined) break;
      this.folderMeta.set(name, meta);
      parent = meta.parent;
    }
    return chain;
  }

  private ancestry(parent: string | undefined, above: string[]): string[] {
    const out: string[] = [];
    let cur = parent;
    while (cur !== undefined && !out.includes(cur)) {
      out.push(cur);
      cur = this.folderMeta.get(cur)?.parent;
    }
    for (const a of above) if (!out.includes(a)) out.push(a);
    return out;
  }

  private project(p: ApiProject, run: Record<'services' | 'revisions' | 'jobs', Map<string, AssetResource[]>>, policies: PolicyIndex): Project {
    const projectId = p.projectId;
    const number = projectNumberOf(p.name) ?? '';
    const ref: ProjectRef = { projectId, projectNumber: number };
    const of = (m: Map<string, AssetResource[]>): AssetResource[] => [...(m.get(number) ?? []), ...(m.get(`id:${projectId}`) ?? [])];
    const wanted = this.options.scope.regions;
    const inRegion = (a: AssetResource): boolean => {
      const region = parseRunAssetName(a.name)?.region;
      return region !== undefined && (wanted.length === 0 || wanted.includes(region));
    };
    const apiRevisions = of(run.revisions).filter(inRegion).flatMap((r) => revisionFromAsset(r, projectId) ?? []);
    const outServices: Service[] = [];
    for (const s of of(run.services).filter(inRegion)) {
      const api = serviceFromAsset(s, projectId);
      const mapped = api ? mapService(api, apiRevisions, ref, null) : undefined;
      if (!mapped) {
        this.badItem(projectId, s.name);
        continue;
      }
      mapped.iamPolicy = this.policyOf(policies, RUN_SERVICE, `//run.googleapis.com/${mapped.name}`, mapped.name);
      outServices.push(mapped);
    }
    const outJobs: Job[] = [];
    for (const j of of(run.jobs).filter(inRegion)) {
      const api = jobFromAsset(j, projectId);
      const mapped = api ? mapJob(api, ref) : undefined;
      if (!mapped) this.badItem(projectId, j.name);
      else outJobs.push(mapped);
    }
    outServices.sort(byName);
    outJobs.sort(byName);
    const regions = [...new Set([...outServices.map((s) => s.region), ...outJobs.map((j) => j.region)])].sort(compareText);
    const project: Project = {
      projectId,
      projectNumber: number,
      state: p.state,
      labels: p.labels,
      ancestry: this.ancestry(p.parent, this.aboveChain),
      iamPolicy: this.policyOf(policies, PROJECT, `projects/${number}`, `projects/${projectId}`),
      regions,
      services: outServices,
      jobs: outJobs,
      complete: true,
    };
    if (p.displayName !== undefined) project.displayName = p.displayName;
    if (p.parent !== undefined) project.parent = p.parent;
    return project;
  }

  private aboveChain: string[] = [];

  private badItem(project: string, name: string): void {
    this.failures.push({
      project,
      api: 'cloudasset.googleapis.com',
      method: 'searchAllResources',
      status: 'BAD_RESPONSE',
      message: `searchAllResources returned "${name}", which is not a Cloud Run resource this scanner can read; it was left out: rerun, and report it if it persists`,
    });
  }

  /** The scope root, and every folder and organisation above any project: metadata from Resource Manager, policies from CAI (or CRM above the scope). */
  private async nodes(
    root: AssetScope,
    projects: Project[],
    policies: PolicyIndex,
    above: string[],
    orgMeta: Map<string, { name: string; displayName?: string; state: string }>,
  ): Promise<{ folders: Folder[]; organizations: Organization[] }> {
    const names = new Set<string>([root, ...above, ...projects.flatMap((p) => p.ancestry)]);
    const outside = new Set(above);
    const folders: Folder[] = [];
    const organizations: Organization[] = [];
    await Promise.all(
      [...names].map(async (name) => {
        const type = name.startsWith('folders/') ? FOLDER : ORGANIZATION;
        const policy = outside.has(name)
          ? await this.guard(this.api.getHierarchyIamPolicy(name as `folders/${string}`).then(mapPolicy), null)
          : this.policyOf(policies, type, name);
        if (name.startsWith('folders/')) {
          const known = this.folderMeta.get(name);
          const meta = known ?? (await this.guard(this.api.getFolder(name), undefined));
          folders.push(mapFolder(name, meta, this.folderMeta.get(name)?.parent, policy));
        } else if (name.startsWith('organizations/')) {
          const known = orgMeta.get(name);
          const meta = known ?? (await this.guard(this.api.getOrganization(name), undefined));
          organizations.push(mapOrganization(name, meta, policy));
        }
      }),
    );
    return { folders, organizations };
  }

  /** A runtime identity from CAI; one CAI does not hold is read from IAM exactly as the API source reads it. */
  private async account(email: string, held: Map<string, HeldAccount> | null, policies: PolicyIndex): Promise<ServiceAccount> {
    const homeFallback = homeOfAccount(email, this.projectIdByNumber);
    const base = { email, ...(homeFallback !== undefined ? { homeFallback } : {}) };
    const found = held?.get(email.toLowerCase());
    if (!found) return readAccountFromIam(this.api, email, homeFallback, this.guard.bind(this), this.record.bind(this));
    const uniqueId = typeof found.api.uniqueId === 'string' ? found.api.uniqueId : '';
    const policy = this.policyOf(policies, SERVICE_ACCOUNT, found.asset.name, `sa:${email.toLowerCase()}`, `sa:${uniqueId}`);
    return mapServiceAccount({ ...base, api: found.api, policy, keys: found.keys.map(mapKey) });
  }

  private async roles(projects: Project[], nodes: { folders: Folder[]; organizations: Organization[] }, accounts: ServiceAccount[]): Promise<RoleDefinition[]> {
    const all: (Policy | null)[] = [
      ...projects.map((p) => p.iamPolicy),
      ...projects.flatMap((p) => p.services.map((s) => s.iamPolicy)),
      ...nodes.folders.map((f) => f.iamPolicy),
      ...nodes.organizations.map((o) => o.iamPolicy),
      ...accounts.map((a) => a.iamPolicy),
    ];
    return readRoles(this.api, all, this.guard.bind(this), this.options.predefinedRoles);
  }
}
