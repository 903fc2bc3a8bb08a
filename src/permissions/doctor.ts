import { resolveScope } from '../collect/scope.js';
import { UserError } from '../errors.js';
import { GoogleApi, type GoogleOptions } from '../google/api.js';
import { isGoogleCallError } from '../google/errors.js';
import { permissionsCheckedOn, type CheckedOn, type PermissionOptions } from '../google/permissions.js';
import type { HierarchyNode, Scope } from '../model/inventory.js';
import { shellQuote } from '../rules/shell.js';
import { grantCommands, MEMBER_PLACEHOLDER, placeholderNote } from './advice.js';
import { checkOptions } from './plan.js';

/** One project, folder or organisation the scan reads, and what the scanner lacks there. */
export interface NodeCheck {
  resource: HierarchyNode;
  needed: string[];
  missing: string[];
  /** Why the check itself failed (then `missing` is empty and the node counts as not ready). */
  error?: string;
  /** Commands that grant what is missing. */
  fix: string[];
}

export interface ApiCheck {
  api: string;
  /** The project the check ran in; undefined for the caller's own project (IAM). */
  project?: string;
  state: 'enabled' | 'disabled' | 'unknown';
  message?: string;
  fix?: string;
}

export interface DoctorResult {
  scope: Scope;
  /** Who the fix commands grant to; MEMBER_PLACEHOLDER when it was not known. */
  member: string;
  /** The commands hold MEMBER_PLACEHOLDER, which the user must replace (or rerun with --member). */
  memberPlaceholder: boolean;
  nodes: NodeCheck[];
  apis: ApiCheck[];
  /** Problems finding what is in scope (e.g. projects under a folder could not be listed). */
  notes: string[];
  ok: boolean;
}

export interface DoctorOptions extends GoogleOptions, PermissionOptions {
  scope: Scope;
  /** The scanner's identity, to fill into the grant commands (`--member`). */
  member?: string;
}

const KIND: Record<string, CheckedOn> = { projects: 'project', folders: 'folder', organizations: 'organization' };

/** Who the printed commands grant to: --member, else the impersonated account, else a placeholder to replace. */
function memberFor(opts: DoctorOptions): { member: string; placeholder: boolean } {
  if (opts.member !== undefined) return { member: opts.member, placeholder: false };
  if (opts.impersonateServiceAccount !== undefined) return { member: `serviceAccount:${opts.impersonateServiceAccount}`, placeholder: false };
  return { member: MEMBER_PLACEHOLDER, placeholder: true };
}

/**
 * Asks Google, with testIamPermissions, which of the permissions the scan needs the caller holds on every project,
 * folder and organisation in scope, and makes one cheap call per API to see that it is enabled. Reads nothing else.
 */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorResult> {
  checkOptions(opts);
  const api = await GoogleApi.connect(opts);
  try {
    return await doctor(api, opts);
  } finally {
    await api.close();
  }
}

async function doctor(api: GoogleApi, opts: DoctorOptions): Promise<DoctorResult> {
  const scope = opts.scope;
  const { member, placeholder } = memberFor(opts);
  const notes: string[] = [];
  const nodes = new Set<HierarchyNode>();
  let projects: string[] = [];

  if (scope.kind === 'projects') {
    projects = [...scope.ids];
  } else {
    const root: HierarchyNode = `${scope.kind === 'folder' ? 'folders' : 'organizations'}/${scope.ids[0] ?? ''}`;
    nodes.add(root);
    try {
      const resolved = await resolveScope(api, scope);
      projects = resolved.projects.map((p) => p.projectId);
      for (const f of resolved.folders.keys()) nodes.add(f as HierarchyNode);
      for (const e of resolved.errors) notes.push(`listing ${root}: ${e.message}`);
    } catch (e) {
      if (!(e instanceof UserError) && !isGoogleCallError(e)) throw e;
      notes.push(`could not list the projects in ${root}: ${e.message}`);
    }
  }
  for (const p of projects) nodes.add(`projects/${p}`);
  const ancestries = await Promise.all(projects.map((p) => api.getAncestry(p).catch((e: unknown) => (isGoogleCallError(e) ? [] : Promise.reject(e)))));
  for (const chain of ancestries) for (const a of chain) nodes.add(a as HierarchyNode);

  const permOpts: PermissionOptions = { ...opts, discovery: scope.kind !== 'projects' };
  const order = (n: string): number => (n.startsWith('organizations/') ? 0 : n.startsWith('folders/') ? 1 : 2);
  const sorted = [...nodes].sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  const checks = await Promise.all(
    sorted.map(async (resource): Promise<NodeCheck> => {
      const kind = KIND[resource.slice(0, resource.indexOf('/'))] ?? 'project';
      const needed = permissionsCheckedOn(kind, permOpts);
      try {
        const held = new Set(needed.length > 0 ? await api.testIamPermissions(resource, needed) : []);
        const missing = needed.filter((p) => !held.has(p));
        return { resource, needed, missing, fix: grantCommands(resource, missing, member) };
      } catch (e) {
        if (!isGoogleCallError(e)) throw e;
        return { resource, needed, missing: [], error: e.message, fix: [] };
      }
    }),
  );

  const apis: ApiCheck[] = [];
  await Promise.all(
    projects.map(async (project) => {
      try {
        await api.listRegions(project);
        apis.push({ api: 'run.googleapis.com', project, state: 'enabled' });
      } catch (e) {
        if (!isGoogleCallError(e)) throw e;
        const disabled = e.failure.reason === 'SERVICE_DISABLED';
        apis.push({
          api: 'run.googleapis.com',
          project,
          state: disabled ? 'disabled' : 'unknown',
          message: e.message,
          ...(disabled ? { fix: `gcloud services enable run.googleapis.com --project=${shellQuote(project)}` } : {}),
        });
      }
    }),
  );
  // IAM answers for the caller's own (quota) project; reading a predefined role needs no permission, so only a
  // disabled API or a broken connection can make this fail.
  try {
    await api.getRole('roles/browser');
    apis.push({ api: 'iam.googleapis.com', state: 'enabled' });
  } catch (e) {
    if (!isGoogleCallError(e)) throw e;
    apis.push({ api: 'iam.googleapis.com', state: e.failure.reason === 'SERVICE_DISABLED' ? 'disabled' : 'unknown', message: e.message });
  }
  apis.sort((a, b) => (a.api + (a.project ?? '') < b.api + (b.project ?? '') ? -1 : 1));

  const ok = notes.length === 0 && checks.every((c) => c.error === undefined && c.missing.length === 0) && apis.every((a) => a.state === 'enabled');
  return { scope, member, memberPlaceholder: placeholder, nodes: checks, apis, notes, ok };
}

export function renderDoctorText(r: DoctorResult): string {
  const lines: string[] = [];
  for (const n of r.nodes) {
    if (n.error !== undefined) lines.push(`FAILED   ${n.resource}: ${n.error}`);
    else if (n.missing.length === 0) lines.push(`ok       ${n.resource}: all ${n.needed.length} permissions held`);
    else {
      lines.push(`MISSING  ${n.resource}: ${n.missing.join(', ')}`);
      for (const f of n.fix) lines.push(`         ${f}`);
    }
  }
  for (const a of r.apis) {
    const where = a.project !== undefined ? ` in project ${a.project}` : ' (caller project)';
    if (a.state === 'enabled') lines.push(`ok       ${a.api}${where}: enabled`);
    else lines.push(`${a.state === 'disabled' ? 'DISABLED' : 'UNKNOWN '} ${a.api}${where}: ${a.message ?? ''}${a.fix !== undefined ? `\n         ${a.fix}` : ''}`);
  }
  for (const n of r.notes) lines.push(`NOTE     ${n}`);
  if (r.memberPlaceholder && r.nodes.some((n) => n.fix.some((f) => f.includes(MEMBER_PLACEHOLDER)))) {
    lines.push(`NOTE     ${placeholderNote('above')}`);
  }
  const missing = r.nodes.filter((n) => n.missing.length > 0 || n.error !== undefined).length;
  const disabled = r.apis.filter((a) => a.state !== 'enabled').length;
  lines.push(
    r.ok
      ? `ready: the scanner holds every permission the scan needs on ${r.nodes.length} resources, and the APIs are enabled`
      : `not ready: ${missing} of ${r.nodes.length} resources lack permissions, ${disabled} API checks failed${r.notes.length > 0 ? `, ${r.notes.length} notes` : ''}`,
  );
  return lines.join('\n') + '\n';
}
