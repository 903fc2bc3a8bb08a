import { markIncomplete, runtimeIdentities } from '../collect/collect.js';
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
  revisionFromAsset,
  serviceFromAsset,
} from '../collect/map-asset.js';
import { mapKey, mapPolicy, mapRole, mapServiceAccount, roleSource, rolesIn } from '../collect/map-iam.js';
import { mapJob, mapRevision, mapService, parseRunName, type ProjectRef } from '../collect/map-run.js';
import { byName, compareErrors, compareText } from '../collect/sort.js';
import { UserError } from '../errors.js';
import type { AssetResource } from '../google/asset.js';
import { isObject, type JsonObject } from '../google/shapes.js';
import type { ApiJob, ApiPolicy, ApiRevision, ApiRole, ApiService, ApiServiceAccount, ApiServiceAccountKey } from '../google/types.js';
import {
  INVENTORY_SCHEMA_VERSION,
  projectOfServiceAccountEmail,
  type CollectionError,
  type Folder,
  type Inventory,
  type Job,
  type Organization,
  type Policy,
  type Project,
  type RoleDefinition,
  type Service,
  type ServiceAccount,
} from '../model/inventory.js';
import { TOOL_VERSION } from '../version.js';
import { numberText, type OfflineItem } from './detect.js';
import { catalogNote, type RoleCatalog } from './role-catalog.js';
import { undecidedHomes } from './undecided.js';

/** The status of an error for something the inputs did not contain: judged as unknown, never as clean. */
export const NOT_PROVIDED = 'NOT_PROVIDED';
/** The status of an error for a list export that says it is incomplete (more pages, unreachable regions). */
export const PARTIAL_EXPORT = 'PARTIAL_EXPORT';

const CRM = 'cloudresourcemanager.googleapis.com';
const RUN = 'run.googleapis.com';
const IAM = 'iam.googleapis.com';
const LOCATION = 'cloud.googleapis.com/location';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function obj(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

/** A policy as Google writes it (bindings of role, members, condition), checked; CAI policies carry no etag. */
function policyOf(p: JsonObject, file: string): Policy {
  const raw = p['bindings'] ?? [];
  if (!Array.isArray(raw)) throw new UserError('INPUT', `${file}: an IAM policy's "bindings" is not a list`);
  const bindings = raw.map((b: unknown, i) => {
    const o = obj(b);
    const role = str(o['role']);
    const members = o['members'] ?? [];
    if (role === undefined || !Array.isArray(members) || members.some((m) => typeof m !== 'string')) {
      throw new UserError('INPUT', `${file}: IAM policy binding ${i} has no role or its members are not a list of strings`);
    }
    const c = o['condition'];
    return {
      role,
      members: members as string[],
      ...(isObject(c) ? { condition: { title: str(c['title']) ?? null, expression: str(c['expression']) ?? null, description: str(c['description']) ?? null } } : {}),
    };
  });
  const v = Number(p['version']);
  const api: ApiPolicy = { version: Number.isFinite(v) ? Math.round(v) : null, bindings };
  return mapPolicy(api);
}

interface Workloads {
  ref: ProjectRef;
  services: ApiService[];
  revisions: ApiRevision[];
  jobs: ApiJob[];
  names: Set<string>;
}

/**
 * Builds an Inventory from exported JSON with no network. What the inputs do not say is never guessed: it is an
 * error with status NOT_PROVIDED (so the audit exits 3 unless --allow-incomplete), and the rules judge the rest.
 */
export function buildOfflineInventory(items: readonly OfflineItem[], collectedAt = new Date(), catalog?: RoleCatalog): Inventory {
  const errors: CollectionError[] = [];
  const notes: string[] = [];
  const missing = (e: Omit<CollectionError, 'status'>): void => {
    errors.push({ ...e, status: NOT_PROVIDED });
  };

  // --- Project IDs and numbers: Knative objects carry only the number, most others only the ID.
  const idByNumber = new Map<string, string>();
  const numberById = new Map<string, string>();
  const pair = (id: string | undefined, number: string | undefined): void => {
    if (id === undefined || number === undefined || /^\d+$/.test(id)) return;
    if (!idByNumber.has(number)) idByNumber.set(number, id);
    if (!numberById.has(id)) numberById.set(id, number);
  };
  const projectMeta = new Map<string, { parent?: string; labels?: JsonObject; state?: string }>();
  const chains = new Map<string, string[]>();
  const nodeParent = new Map<string, string>();
  const nodeName = new Map<string, string>();
  for (const it of items) {
    if (it.kind === 'project') {
      pair(it.projectId, it.projectNumber);
      projectMeta.set(it.projectId, { ...(it.parent ? { parent: it.parent } : {}), ...(it.labels ? { labels: it.labels } : {}), ...(it.state ? { state: it.state } : {}) });
    } else if (it.kind === 'ancestors') {
      chains.set(it.projectId, it.chain);
    } else if (it.kind === 'asset' || it.kind === 'asset-policy') {
      const number = numberText(/^projects\/(.+)$/.exec(it.project ?? it.ancestors[0] ?? '')?.[1]);
      const token = /^\/\/[^/]+\/projects\/([^/]+)\//.exec(it.name)?.[1];
      pair(token, number);
      if (it.kind === 'asset' && it.assetType === PROJECT && it.data) {
        const id = str(it.data['projectId']);
        const n = numberText(it.data['projectNumber']);
        pair(id, n);
        if (id !== undefined) {
          const p = obj(it.data['parent']);
          const parent = str(p['type']) && p['id'] !== undefined ? `${p['type'] === 'folder' ? 'folders' : 'organizations'}/${numberText(p['id']) ?? String(p['id'])}` : undefined;
          projectMeta.set(id, { ...(parent ? { parent } : {}), ...(isObject(it.data['labels']) ? { labels: it.data['labels'] } : {}), ...(str(it.data['lifecycleState']) ? { state: str(it.data['lifecycleState']) } : {}) });
        }
      }
      if (it.kind === 'asset' && (it.assetType === FOLDER || it.assetType === ORGANIZATION) && it.data) {
        const node = hierarchyNodeOf(it.name);
        const parent = str(it.data['parent']);
        if (node !== undefined && parent !== undefined) nodeParent.set(node, parent);
        const dn = str(it.data['displayName']);
        if (node !== undefined && dn !== undefined) nodeName.set(node, dn);
      }
    }
  }
  // An export's `ancestors` lists the whole chain, the resource's own project first.
  for (const it of items) {
    if ((it.kind === 'asset' || it.kind === 'asset-policy') && it.ancestors.length > 0) {
      const n = numberText(/^projects\/(.+)$/.exec(it.ancestors[0] ?? '')?.[1]);
      const id = n !== undefined ? idByNumber.get(n) : undefined;
      // A bare project (a search result with no folders or organisation) says nothing about what is above it.
      if (id !== undefined && !chains.has(id) && it.ancestors.length > 1) chains.set(id, it.ancestors.slice(1));
    }
  }

  const unresolved = new Set<string>();
  /** A project named by ID or number, as a ProjectRef; an unknown ID for a number keeps the number (and says so). */
  const ref = (token: string): ProjectRef => {
    if (/^\d+$/.test(token)) {
      const id = idByNumber.get(token);
      if (id === undefined) unresolved.add(token);
      return { projectId: id ?? token, projectNumber: token };
    }
    return { projectId: token, projectNumber: numberById.get(token) ?? '' };
  };

  // --- Workloads, per project.
  const workloads = new Map<string, Workloads>();
  const bucket = (r: ProjectRef): Workloads => {
    let w = workloads.get(r.projectId);
    if (!w) {
      w = { ref: r, services: [], revisions: [], jobs: [], names: new Set() };
      workloads.set(r.projectId, w);
    }
    return w;
  };
  const revisionProjects = new Set<string>();
  const add = (r: ProjectRef, type: 'services' | 'revisions' | 'jobs', o: ApiService | ApiRevision | ApiJob | undefined, what: string): void => {
    if (o === undefined || typeof o.name !== 'string') {
      missing({ project: r.projectId, api: RUN, message: `${what} could not be read from the inputs (no name or region): it was left out` });
      return;
    }
    const w = bucket(r);
    if (type === 'revisions') revisionProjects.add(r.projectId);
    const key = `${type}:${parseRunName(o.name)?.region ?? ''}/${o.name.split('/').slice(4).join('/')}`;
    if (w.names.has(key)) return;
    w.names.add(key);
    (w[type] as (typeof o)[]).push(o);
  };
  for (const it of items) {
    if (it.kind === 'knative') {
      const meta = obj(it.obj['metadata']);
      const number = numberText(meta['namespace']);
      const region = str(obj(meta['labels'])[LOCATION]);
      const id = str(meta['name']);
      if (number === undefined || region === undefined || id === undefined) {
        throw new UserError('INPUT', `${it.file}: a ${it.type} has no metadata.namespace, metadata.name or ${LOCATION} label; is this gcloud run output?`);
      }
      const r = ref(number);
      const kind = it.type === 'Service' ? 'services' : it.type === 'Revision' ? 'revisions' : 'jobs';
      const asset: AssetResource = { name: `//run.googleapis.com/projects/${r.projectId}/locations/${region}/${kind}/${id}`, assetType: '', folders: [], resource: it.obj };
      const mapped = kind === 'services' ? serviceFromAsset(asset, r.projectId) : kind === 'revisions' ? revisionFromAsset(asset, r.projectId) : jobFromAsset(asset, r.projectId);
      add(r, kind, mapped, `${it.type} ${id}`);
    } else if (it.kind === 'v2') {
      const token = /^projects\/([^/]+)\//.exec(String(it.obj['name']))?.[1] ?? '';
      add(ref(token), it.type, it.obj as ApiService, `${it.type} ${String(it.obj['name'])}`);
    } else if (it.kind === 'asset' && (it.assetType === RUN_SERVICE || it.assetType === RUN_REVISION || it.assetType === RUN_JOB)) {
      const parsed = parseRunAssetName(it.name);
      if (!parsed) continue;
      const r = ref(parsed.project);
      const asset: AssetResource = { name: it.name, assetType: it.assetType, folders: [], ...(it.data ? { resource: it.data } : {}) };
      if (it.data === undefined) {
        missing({ project: r.projectId, resource: it.name, api: RUN, message: `${it.name}: the Asset Inventory search result has no versionedResources, so its identity is not known: rerun the search with --read-mask='*'` });
        continue;
      }
      if (it.assetType === RUN_SERVICE) add(r, 'services', serviceFromAsset(asset, r.projectId), it.name);
      else if (it.assetType === RUN_REVISION) add(r, 'revisions', revisionFromAsset(asset, r.projectId), it.name);
      else add(r, 'jobs', jobFromAsset(asset, r.projectId), it.name);
    }
  }

  // Knative objects name their project by number alone. That number is all default-identity needs, and gcloud
  // takes it wherever it takes an ID, so the project is named by it; the ID only makes the report easier to read.
  for (const n of [...unresolved].filter((x) => workloads.has(x)).sort(compareText)) {
    notes.push(`Project ${n} is known only by its number (the inputs carry no project ID for it), so the report names it by number: add \`gcloud projects describe ${n} --format=json\` as another --input to name it by ID.`);
  }

  // --- Policies by the resource they are set on.
  const policies = new Map<string, Policy>();
  const hierarchyKey = (node: string): string => {
    const m = /^(?:\/\/[^/]+\/)?projects\/([^/]+)(\/.*)?$/.exec(node);
    return m ? `projects/${ref(m[1] ?? '').projectId}${m[2] ?? ''}` : node.replace(/^\/\/[^/]+\//, '');
  };
  for (const it of items) {
    if (it.kind === 'policy') policies.set(hierarchyKey(it.on), policyOf(it.policy, it.file));
    else if (it.kind === 'asset-policy') {
      const node = hierarchyNodeOf(it.name);
      const run = parseRunAssetName(it.name);
      const account = accountRefOf(it.name);
      const key = node !== undefined ? hierarchyKey(node) : run !== undefined ? `projects/${ref(run.project).projectId}/locations/${run.region}/${run.kind}/${run.id}` : account !== undefined ? `sa:${account.toLowerCase()}` : undefined;
      if (key !== undefined) policies.set(key, policyOf(it.policy, it.file));
    }
  }

  // CAI keeps only non-empty policies: within a project an export or search covered, no policy means none set.
  // Every project, folder and organisation an Asset Inventory policy listing reached (any policy beneath or on it).
  const caiPolicyProjects = new Set<string>();
  const caiCovered = new Set<string>();
  for (const it of items) {
    if (it.kind !== 'asset-policy') continue;
    const n = numberText(/^projects\/(.+)$/.exec(it.project ?? it.ancestors[0] ?? '')?.[1]);
    const token = /^\/\/[^/]+\/projects\/([^/]+)/.exec(it.name)?.[1];
    const id = n !== undefined ? ref(n).projectId : token !== undefined ? ref(token).projectId : undefined;
    if (id !== undefined) caiPolicyProjects.add(id);
    for (const a of it.ancestors) if (!a.startsWith('projects/')) caiCovered.add(a);
    const node = hierarchyNodeOf(it.name);
    if (node !== undefined && !node.startsWith('projects/')) caiCovered.add(node);
  }
  const orEmpty = (key: string, covered: boolean): Policy | null => policies.get(key) ?? (covered ? emptyPolicy() : null);

  // Projects with no workloads still matter: they are the homes of runtime identities, whose policies say who may act as them.
  for (const it of items) {
    const id = it.kind === 'project' || it.kind === 'ancestors' ? it.projectId : it.kind === 'policy' ? /^projects\/([^/]+)$/.exec(hierarchyKey(it.on))?.[1] : undefined;
    if (id !== undefined && (it.kind === 'policy' || !/^\d+$/.test(id))) bucket(ref(id));
  }
  for (const id of caiPolicyProjects) if (!/^\d+$/.test(id)) bucket(ref(id));

  // --- Projects.
  const projects: Project[] = [];
  const ancestryNodes = new Set<string>();
  for (const w of [...workloads.values()].sort((a, b) => compareText(a.ref.projectId, b.ref.projectId))) {
    const { ref: r } = w;
    const runnable = (sa: unknown, what: string): boolean => {
      if (str(sa) !== undefined || r.projectNumber !== '') return true;
      missing({ project: r.projectId, resource: what, api: CRM, method: 'projects.get', message: `${what} runs as the default identity of project ${r.projectId}, whose number is not in the inputs: add \`gcloud projects describe ${r.projectId} --format=json\`` });
      return false;
    };
    const services: Service[] = [];
    const revisions = w.revisions.filter((rv) => runnable(rv.serviceAccount, rv.name ?? ''));
    for (const s of w.services) {
      if (!runnable(s.template?.serviceAccount, s.name ?? '')) continue;
      const mapped = mapService(s, revisions, r, null);
      if (mapped) {
        mapped.iamPolicy = policies.get(mapped.name) ?? (caiPolicyProjects.has(r.projectId) ? emptyPolicy() : null);
        services.push(mapped);
      }
    }
    // A revision whose service is not in the inputs is still a workload with an identity: audited, never dropped.
    const owned = new Set(services.map((s) => `${s.region}/${s.serviceId}`));
    const orphans = revisions.flatMap((rv) => {
      const p = parseRunName(rv.name ?? '');
      return p?.revisionId !== undefined && !owned.has(`${p.region}/${p.id}`) ? (mapRevision(rv, r, []) ?? []) : [];
    });
    const jobs: Job[] = [];
    for (const j of w.jobs) {
      if (!runnable(j.template?.template?.serviceAccount, j.name ?? '')) continue;
      const mapped = mapJob(j, r);
      if (mapped) jobs.push(mapped);
    }
    const meta = projectMeta.get(r.projectId);
    const chain = chains.get(r.projectId) ?? (meta?.parent?.startsWith('organizations/') ? [meta.parent] : meta?.parent ? followParents(meta.parent, nodeParent) : undefined);
    const project: Project = {
      projectId: r.projectId,
      projectNumber: r.projectNumber,
      state: meta?.state ?? 'ACTIVE',
      labels: Object.fromEntries(Object.entries(meta?.labels ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')),
      ancestry: chain ?? [],
      iamPolicy: orEmpty(`projects/${r.projectId}`, caiPolicyProjects.has(r.projectId)),
      regions: [...new Set([...services, ...jobs].map((x) => x.region).concat(orphans.map((o) => parseRunName(o.name)?.region ?? '')))].sort(compareText),
      services: services.sort(byName),
      jobs: jobs.sort(byName),
      ...(orphans.length > 0 ? { revisionsWithoutService: orphans.sort(byName) } : {}),
      complete: true,
    };
    const parent = meta?.parent ?? chain?.[0];
    if (parent !== undefined) project.parent = parent;
    projects.push(project);
    for (const n of project.ancestry) ancestryNodes.add(n);

    if (project.iamPolicy === null) {
      missing({ project: r.projectId, resource: `projects/${r.projectId}`, api: CRM, method: 'projects.getIamPolicy', message: `the IAM policy of project ${r.projectId} was not provided, so roles granted on it are not judged: add --input iam=${r.projectId}:FILE with \`gcloud projects get-iam-policy ${r.projectId} --format=json\`` });
    }
    if (chain === undefined) {
      missing({ project: r.projectId, resource: `projects/${r.projectId}`, api: CRM, method: 'projects.getAncestry', message: `the folders and organisation above project ${r.projectId} are not in the inputs, so inherited roles are not judged: add \`gcloud projects get-ancestors ${r.projectId} --format=json\` and their IAM policies` });
    }
    if (services.length > 0 && !revisionProjects.has(r.projectId)) {
      missing({ project: r.projectId, api: RUN, method: 'services.revisions.list', message: `the revisions of project ${r.projectId} were not provided, so revisions still serving traffic are not judged: add \`gcloud run revisions list --project=${r.projectId} --format=json\`` });
    }
    const orphanServices = [...new Set(orphans.map((o) => parseRunName(o.name)?.id ?? ''))].sort(compareText);
    if (orphanServices.length > 0) {
      const list = orphanServices.length > 3 ? `${orphanServices.slice(0, 3).join(', ')} and ${orphanServices.length - 3} more` : orphanServices.join(', ');
      missing({ project: r.projectId, api: RUN, method: 'services.list', message: `${orphans.length} revision${orphans.length === 1 ? '' : 's'} of project ${r.projectId} came without ${orphans.length === 1 ? 'its service' : orphanServices.length === 1 ? 'their service' : 'their services'} (${list}), so ${orphanServices.length === 1 ? 'that service\'s' : 'those services\''} identity, traffic and invokers are not judged and each revision is judged as if serving: add \`gcloud run services list --project=${r.projectId} --format=json\`` });
    }
    const noPolicy = services.filter((s) => s.iamPolicy === null).length;
    if (noPolicy > 0) {
      missing({ project: r.projectId, api: RUN, method: 'services.getIamPolicy', message: `who may invoke ${noPolicy} service${noPolicy === 1 ? '' : 's'} in project ${r.projectId} is not in the inputs: add a Cloud Asset Inventory iam-policy export (or \`gcloud run services get-iam-policy\` as a wrapped {resource, policy})` });
    }
  }

  // --- Folders and organisations above the projects.
  const folders: Folder[] = [];
  const organizations: Organization[] = [];
  for (const n of [...ancestryNodes].sort(compareText)) {
    const policy = orEmpty(n, caiCovered.has(n));
    if (policy === null) {
      missing({ resource: n, api: CRM, method: `${n.split('/')[0] ?? ''}.getIamPolicy`, message: `the IAM policy of ${n} was not provided, so roles inherited from it are not judged: add --input iam=${n}:FILE or an Asset Inventory iam-policy export` });
    }
    const dn = nodeName.get(n);
    if (n.startsWith('folders/')) {
      const f: Folder = { name: n, iamPolicy: policy };
      const parent = nodeParent.get(n) ?? projects.map((p) => p.ancestry).find((c) => c.includes(n))?.[(projects.map((p) => p.ancestry).find((c) => c.includes(n)) ?? []).indexOf(n) + 1];
      if (parent !== undefined) f.parent = parent;
      if (dn !== undefined) f.displayName = dn;
      folders.push(f);
    } else {
      const o: Organization = { name: n, iamPolicy: policy };
      if (dn !== undefined) o.displayName = dn;
      organizations.push(o);
    }
  }

  // --- Runtime identities.
  const accountAssets = items.filter((i): i is Extract<OfflineItem, { kind: 'asset' }> => i.kind === 'asset' && i.assetType === SERVICE_ACCOUNT);
  // gcloud's describe and keys list join on email; a described account's key list is taken as complete.
  for (const it of items) {
    if (it.kind === 'account') {
      const email = String(it.account['email']);
      accountAssets.push({ kind: 'asset', name: `gcloud:${email.toLowerCase()}`, assetType: SERVICE_ACCOUNT, data: it.account, ancestors: [], file: it.file });
    }
  }
  const gcloudKeys = items.filter((i): i is Extract<OfflineItem, { kind: 'key' }> => i.kind === 'key');
  const keyAssets = items.filter((i): i is Extract<OfflineItem, { kind: 'asset' }> => i.kind === 'asset' && i.assetType === SERVICE_ACCOUNT_KEY);
  const toResource = (i: Extract<OfflineItem, { kind: 'asset' }>): AssetResource => ({ name: i.name, assetType: i.assetType, folders: [], ...(i.data ? { resource: i.data } : {}) });
  const serviceAccounts: ServiceAccount[] = [];
  const emails = [...new Set(projects.flatMap((p) => runtimeIdentities(p.services, p.jobs)))].sort(compareText);
  for (const email of emails) {
    const found = accountAssets.find((a) => str(a.data?.['email'])?.toLowerCase() === email.toLowerCase());
    const api: ApiServiceAccount | undefined = found ? accountFromAsset(toResource(found)) : undefined;
    const refs = new Set([email.toLowerCase(), ...(str(api?.uniqueId) ? [String(api?.uniqueId)] : [])]);
    const policy = [...refs].map((r) => policies.get(`sa:${r}`)).find((p) => p !== undefined) ?? null;
    const keys = found
      ? keyAssets.filter((k) => k.name.startsWith(`${found.name}/keys/`) || [...refs].some((r) => k.name.toLowerCase().includes(`/serviceaccounts/${r}/keys/`))).flatMap((k) => {
          const key = keyFromAsset(toResource(k));
          return key ? [mapKey(key)] : [];
        })
      : null;
    if (keys !== null && found?.name.startsWith('gcloud:')) {
      for (const k of gcloudKeys) if (refs.has(k.email.toLowerCase())) keys.push(mapKey(k.key as ApiServiceAccountKey));
    }
    const number = /^(\d+)-compute@developer\.gserviceaccount\.com$/i.exec(email)?.[1];
    const home = projectOfServiceAccountEmail(email) ?? (number !== undefined ? idByNumber.get(number) : undefined);
    serviceAccounts.push(
      mapServiceAccount({ email, ...(home !== undefined ? { homeFallback: home } : {}), ...(api ? { api } : { missing: 'unknown' as const }), policy: policy ?? (found && caiPolicyProjects.has(home ?? '') ? emptyPolicy() : null), keys }),
    );
    if (found && policy === null && !caiPolicyProjects.has(home ?? '')) {
      missing({ resource: email, api: IAM, method: 'serviceAccounts.getIamPolicy', message: `who may act as ${email} is not in the inputs: add a Cloud Asset Inventory iam-policy export of its project` });
    }
    if (!found) {
      missing({ resource: email, api: IAM, method: 'serviceAccounts.get', message: `service account ${email} is not in the inputs, so its keys and who may act as it are not judged: add a Cloud Asset Inventory resource and iam-policy export that includes it` });
    }
  }

  // --- Role definitions.
  const defined = new Map<string, ApiRole>();
  for (const it of items) {
    if (it.kind === 'role') defined.set(String(it.role['name']), it.role as ApiRole);
    else if (it.kind === 'asset' && it.assetType === 'iam.googleapis.com/Role' && it.data && str(it.data['name'])) defined.set(String(it.data['name']), it.data as ApiRole);
  }
  const granted = new Set<string>([
    ...projects.flatMap((p) => rolesIn(p.iamPolicy)),
    ...folders.flatMap((f) => rolesIn(f.iamPolicy)),
    ...organizations.flatMap((o) => rolesIn(o.iamPolicy)),
    ...serviceAccounts.flatMap((a) => rolesIn(a.iamPolicy)),
  ]);
  const roles: RoleDefinition[] = [];
  const fromCatalog: string[] = [];
  const known = new Map((catalog?.roles ?? []).map((r) => [r.name, r]));
  for (const name of [...granted].sort(compareText)) {
    const r = defined.get(name);
    const cached = known.get(name);
    if (r) roles.push(mapRole(r, name));
    else if (cached) {
      // A predefined role is the same in every project: the synced cache or the bundled set defines it.
      roles.push(cached);
      fromCatalog.push(name);
    } else if (roleSource(name) !== undefined) {
      missing({ resource: name, api: IAM, method: 'roles.get', message: `the definition of ${name} was not provided, so what it allows is not expanded: add \`gcloud iam roles describe ${name.startsWith('roles/') ? name : name.replace(/^(projects|organizations)\/([^/]+)\/roles\/(.+)$/, '$3 --$1=$2').replace('--projects=', '--project=').replace('--organizations=', '--organization=')} --format=json\`` });
    }
  }

  if (catalog && fromCatalog.length > 0) notes.push(catalogNote(catalog, fromCatalog));

  // --- Lists that say they are not all there.
  for (const it of items) {
    if (it.kind !== 'partial') continue;
    const projects = [...new Set(it.projects.map((t) => ref(t).projectId))];
    const why = [
      ...(it.nextPage ? ['it is one page of several (a next-page token is set): export every page (gcloud pages for you; with the REST API follow nextPageToken)'] : []),
      ...(it.unreachable.length > 0 ? [`it says ${it.unreachable.join(', ')} could not be reached, so what lives there is missing: export again once ${it.unreachable.length === 1 ? 'it answers' : 'they answer'}`] : []),
    ];
    errors.push({
      ...(projects.length === 1 && projects[0] !== undefined ? { project: projects[0] } : {}),
      api: RUN,
      method: `${it.list}.list`,
      status: PARTIAL_EXPORT,
      message: `${it.file}: ${it.where === 'document' ? 'the' : `${it.where}: the`} ${it.list} list is incomplete: ${why.join('; and ')}`,
    });
  }

  notes.push(...undecidedHomes(projects, serviceAccounts, { numberOf: (id) => numberById.get(id), idOf: (n) => idByNumber.get(n) }));

  errors.sort(compareErrors);
  markIncomplete(projects, serviceAccounts, [...folders, ...organizations], errors);
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    toolVersion: TOOL_VERSION,
    collectedAt: collectedAt.toISOString(),
    scope: { kind: 'projects', ids: projects.map((p) => p.projectId), regions: [] },
    organizations: organizations.sort(byName),
    folders: folders.sort(byName),
    projects,
    serviceAccounts,
    roles,
    errors,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** A CAI export has no line for a resource whose policy is empty; an account it does hold therefore has none. */
function emptyPolicy(): Policy {
  return { version: 1, bindings: [] };
}

function followParents(parent: string, nodeParent: Map<string, string>): string[] | undefined {
  const out: string[] = [];
  let cur: string | undefined = parent;
  while (cur !== undefined && !out.includes(cur)) {
    out.push(cur);
    if (cur.startsWith('organizations/')) return out;
    cur = nodeParent.get(cur);
  }
  return undefined;
}
