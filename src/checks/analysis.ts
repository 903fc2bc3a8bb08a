/** Facts about a runtime identity that several rules share. */
import { defaultIdentityKind, looksLikeDefaultIdentity, projectOfServiceAccountEmail } from '../model/inventory.js';
import type { Severity } from '../model/finding.js';
import { SEVERITIES } from '../model/finding.js';
import type { Grant, InventoryIndex, RoleStatus } from '../rules/inventory-index.js';
import { describePlace } from '../rules/describe.js';
import { removeBindingCommand } from '../rules/remediation.js';
import type { Workload } from '../rules/workloads.js';
import type { CheckContext } from './types.js';

export const PRIMITIVE_ROLES = ['roles/owner', 'roles/editor'] as const;

/** Permissions that let a principal act as a service account or mint its credentials (CIS GCP 1.6). */
export const IMPERSONATION_PERMISSIONS = [
  'iam.serviceAccounts.actAs',
  'iam.serviceAccounts.getAccessToken',
  'iam.serviceAccounts.getOpenIdToken',
  'iam.serviceAccounts.implicitDelegation',
  'iam.serviceAccounts.signBlob',
  'iam.serviceAccounts.signJwt',
] as const;

/** Predefined roles known to carry impersonation permissions, used when their definition is not in the inventory. */
export const IMPERSONATION_ROLES = ['roles/iam.serviceAccountTokenCreator', 'roles/iam.serviceAccountUser'] as const;

/** `sev` lowered by `steps`, never below info. */
export function lower(sev: Severity, steps: number): Severity {
  const i = Math.min(SEVERITIES.indexOf(sev) + steps, SEVERITIES.length - 1);
  return SEVERITIES[i] ?? 'info';
}

export interface DefaultIdentity {
  kind: 'compute' | 'appengine';
  /** Project the default identity belongs to, when known. */
  ofProject?: string;
  /** Number in a compute default's email. */
  projectNumber?: string;
}

/** Whether the workload runs as a default identity: of its own project (by number and id), or of another. */
export function defaultIdentity(w: Workload, index: InventoryIndex): DefaultIdentity | null {
  const own = defaultIdentityKind(w.identity, w.project);
  if (own) return { kind: own, ofProject: w.project.projectId, ...(own === 'compute' ? { projectNumber: w.project.projectNumber } : {}) };
  if (!looksLikeDefaultIdentity(w.identity)) return null;
  const m = /^(\d+)-compute@developer\.gserviceaccount\.com$/i.exec(w.identity);
  if (m?.[1]) {
    const p = index.projectByNumber(m[1]);
    return { kind: 'compute', projectNumber: m[1], ...(p ? { ofProject: p.projectId } : {}) };
  }
  const home = projectOfServiceAccountEmail(w.identity);
  return { kind: 'appengine', ...(home ? { ofProject: home } : {}) };
}

/** " (disabled)" / " (deleted)" / "" for messages, plus the state for evidence. */
export function identityState(w: Workload, index: InventoryIndex): { note: string; state: string } {
  const sa = index.account(w.identity);
  const state = sa?.state ?? 'unknown';
  const note = state === 'deleted' ? ' (deleted)' : state === 'disabled' ? ' (disabled)' : '';
  return { note, state };
}

/** Grants of roles/owner or roles/editor to the identity on the project or anything above it. */
export function primitiveGrants(w: Workload, index: InventoryIndex): Grant[] {
  const covering = new Set(index.coveringNodes(w.project.projectId));
  return index
    .grantsOfAccount(w.identity)
    .filter((g) => covering.has(g.place.node) && (PRIMITIVE_ROLES as readonly string[]).includes(g.role));
}

export interface PermissionHit {
  permission: string;
  grant: Grant;
}

export interface PermissionScan {
  hits: PermissionHit[];
  /** Granted roles whose definition is not in the inventory: what they allow is not known. */
  unknownRoles: Grant[];
  /** Granted custom roles that are deleted or disabled and so grant nothing. */
  inactiveRoles: { grant: Grant; status: RoleStatus }[];
}

/** Every permission of every role the identity holds anywhere in the inventory that `wanted` accepts. */
export function scanPermissions(
  identity: string,
  index: InventoryIndex,
  wanted: (permission: string) => boolean,
): PermissionScan {
  const hits: PermissionHit[] = [];
  const unknownRoles: Grant[] = [];
  const inactiveRoles: { grant: Grant; status: RoleStatus }[] = [];
  for (const g of index.grantsOfAccount(identity)) {
    const rp = index.permissionsOf(g.role);
    if (rp.status === 'unknown') unknownRoles.push(g);
    else if (rp.status !== 'ok') inactiveRoles.push({ grant: g, status: rp.status });
    for (const p of [...rp.permissions].sort()) if (wanted(p)) hits.push({ permission: p, grant: g });
  }
  return { hits, unknownRoles, inactiveRoles };
}

export function escalationScan(w: Workload, ctx: Pick<CheckContext, 'index' | 'escalationPermissions'>): PermissionScan {
  const set = new Set(ctx.escalationPermissions);
  return scanPermissions(w.identity, ctx.index, (p) => set.has(p));
}

/** Default identity, a primitive role above the project, or an escalation permission. */
export function privilegeReasons(w: Workload, ctx: Pick<CheckContext, 'index' | 'escalationPermissions'>): string[] {
  const out: string[] = [];
  const d = defaultIdentity(w, ctx.index);
  if (d) out.push(d.kind === 'compute' ? 'default compute identity' : 'App Engine default identity');
  for (const role of new Set(primitiveGrants(w, ctx.index).map((g) => g.role))) out.push(`holds ${role}`);
  const esc = [...new Set(escalationScan(w, ctx).hits.map((h) => h.permission))];
  if (esc.length > 0) out.push(`can escalate (${esc.join(', ')})`);
  return out;
}

export function unknownRolesEvidence(unknown: readonly Grant[]): { role: string; place: string }[] {
  return unknown.map((g) => ({ role: g.role, place: g.place.node }));
}

/** Sentence fragment for messages when some roles could not be expanded. */
export function incompletenessNote(unknown: readonly Grant[]): string {
  const roles = [...new Set(unknown.map((g) => g.role))];
  if (roles.length === 0) return '';
  return `; ${roles.length} granted role${roles.length === 1 ? '' : 's'} (${roles.join(', ')}) could not be expanded, so there may be more`;
}

export function placeText(g: Grant): string {
  return describePlace(g.place) + (g.condition ? ` (conditional: ${g.condition.title})` : '');
}

/** The identity as messages name it: its email, marked when deleted or disabled. */
export function identityText(w: Workload, index: InventoryIndex): string {
  return w.identity + identityState(w, index).note;
}

/** Organisation number above the workload's project, when known. */
export function organizationOf(w: Workload, index: InventoryIndex): string | undefined {
  const org = index.coveringNodes(w.project.projectId).find((n) => n.startsWith('organizations/'));
  return org?.slice('organizations/'.length);
}

/** ", a revision serving 10% of traffic" style note for revisions. */
export function revisionNote(w: Workload): string {
  if (w.kind !== 'revision' || !w.revision || !w.service) return '';
  const parts: string[] = [];
  if (w.revision.trafficPercent > 0) parts.push(`serves ${w.revision.trafficPercent}% of traffic`);
  const tags = [...w.revision.tags].sort();
  if (tags.length > 0) parts.push(`is reachable through tag${tags.length === 1 ? '' : 's'} ${tags.join(', ')}`);
  if (parts.length === 0) parts.push('serves no traffic');
  return ` (the service itself now runs as ${w.service.serviceAccount}; this revision ${parts.join(' and ')})`;
}

/** One removal command per distinct grant, in order. */
export function removalCommands(grants: readonly Grant[], index: InventoryIndex): string[] {
  const out: string[] = [];
  for (const g of grants) {
    const c = removeBindingCommand(g, { needsExplicitCondition: !g.condition && index.roleHasConditionalBinding(g) });
    if (!out.includes(c)) out.push(c);
  }
  return out;
}
