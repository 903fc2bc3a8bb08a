import type { Condition, RoleDefinition } from '../model/inventory.js';
import { usedPermissions, type PermissionUsage } from '../model/usage.js';
import type { Grant, InventoryIndex } from '../rules/inventory-index.js';
import { removeBindingCommand } from '../rules/remediation.js';
import { flag, shellQuote } from '../rules/shell.js';
import type { Workload } from '../rules/workloads.js';
import { coverPermissions, isClose, type Cover } from './cover.js';
import { hierarchyGrants } from './effective.js';

const PRIMITIVE = new Set(['roles/owner', 'roles/editor']);

export interface BindingRef {
  /** `projects/p`, `folders/n`, `organizations/n` */
  place: string;
  role: string;
  member: string;
  condition?: Condition;
}

export interface CustomRoleProposal {
  project: string;
  roleId: string;
  /** `projects/{project}/roles/{roleId}` */
  name: string;
  title: string;
  permissions: string[];
}

export interface LeastPrivilegePlan {
  resource: string;
  identity: string;
  /** The insights the plan rests on. */
  evidence: PermissionUsage[];
  /** Grants the plan would change but cannot, for want of usage evidence. */
  withoutEvidence: BindingRef[];
  /** Permissions used under the grants being replaced. */
  used: string[];
  /** Of those, permissions the identity's other roles already grant. */
  alreadyGranted: string[];
  /** What new roles must grant. */
  needed: string[];
  cover: Cover;
  /** Whether the predefined cover is close enough (see cover.ts); otherwise a custom role is proposed. */
  close: boolean;
  remove: BindingRef[];
  add: BindingRef[];
  customRole?: CustomRoleProposal;
  /** Permissions the removed roles grant that the new set does not (from the role definitions at hand). */
  removedPermissions: string[];
  /** Permissions that stay: the used ones. */
  keptPermissions: string[];
  commands: string[];
  terraform: string;
}

function sameMember(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function insightFor(g: Grant, usage: readonly PermissionUsage[]): PermissionUsage | undefined {
  return usage.find(
    (u) => u.place === g.place.node && u.role === g.role && sameMember(u.member, g.member) && (u.condition?.expression ?? '') === (g.condition?.expression ?? ''),
  );
}

function refOf(g: Grant): BindingRef {
  return { place: g.place.node, role: g.role, member: g.member, ...(g.condition ? { condition: g.condition } : {}) };
}

function customRoleId(identity: string): string {
  const account = identity.split('@')[0] ?? identity;
  const camel = account.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return `leastPrivilege_${camel}`.slice(0, 64);
}

function tfName(s: string): string {
  return s.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^([^a-zA-Z_])/, '_$1');
}

/**
 * The smallest change that leaves the workload's identity with what it used: every hierarchy grant with usage
 * evidence showing unused permissions (and every Owner/Editor grant) is replaced by a greedy cover of the used
 * permissions not already granted by its other roles, on the workload's project.
 */
export function planLeastPrivilege(w: Workload, index: InventoryIndex, catalog: readonly RoleDefinition[]): LeastPrivilegePlan {
  const usage = (index.inventory.usage?.insights ?? []).filter((u) => sameMember(u.member, `serviceAccount:${w.identity}`));
  const grants = hierarchyGrants(w, index);
  const replaced: Grant[] = [];
  const evidence: PermissionUsage[] = [];
  const withoutEvidence: BindingRef[] = [];
  for (const g of grants) {
    const u = insightFor(g, usage);
    if (u && usedPermissions(u).length < u.totalPermissions) {
      replaced.push(g);
      evidence.push(u);
    } else if (!u && PRIMITIVE.has(g.role)) withoutEvidence.push(refOf(g));
  }
  const used = [...new Set(evidence.flatMap(usedPermissions))].sort();
  const staying = grants.filter((g) => !replaced.includes(g) && !g.condition);
  const otherPerms = new Set(staying.flatMap((g) => [...index.permissionsOf(g.role).permissions]));
  const alreadyGranted = used.filter((p) => otherPerms.has(p));
  const needed = used.filter((p) => !otherPerms.has(p));
  const cover = coverPermissions(needed, catalog);
  const close = isClose(cover, needed.length);
  const project = w.project.projectId;
  const member = `serviceAccount:${w.identity}`;

  let customRole: CustomRoleProposal | undefined;
  let newRoles: string[] = [];
  if (needed.length > 0) {
    if (close) newRoles = cover.roles;
    else {
      const roleId = customRoleId(w.identity);
      customRole = { project, roleId, name: `projects/${project}/roles/${roleId}`, title: `Least privilege for ${w.identity.split('@')[0] ?? w.identity}`, permissions: needed };
      newRoles = [customRole.name];
    }
  }
  const add: BindingRef[] = newRoles.map((role) => ({ place: `projects/${project}`, role, member }));
  const remove = replaced.map(refOf);

  const newPerms = new Set([...(customRole?.permissions ?? []), ...newRoles.flatMap((r) => [...index.permissionsOf(r).permissions, ...(catalog.find((c) => c.name === r)?.includedPermissions ?? [])])]);
  const removedPermissions = [...new Set(replaced.flatMap((g) => [...index.permissionsOf(g.role).permissions]))]
    .filter((p) => !newPerms.has(p) && !otherPerms.has(p))
    .sort();

  const commands: string[] = [];
  if (customRole) {
    commands.push(
      [
        'gcloud iam roles create',
        shellQuote(customRole.roleId),
        flag('project', project),
        flag('title', customRole.title),
        flag('permissions', customRole.permissions.join(',')),
        '--stage=GA',
      ].join(' '),
    );
  }
  // New roles first, so the workload never runs without what it uses.
  for (const a of add) {
    commands.push(['gcloud projects add-iam-policy-binding', shellQuote(project), flag('member', member), flag('role', a.role), '--condition=None'].join(' '));
  }
  for (const g of replaced) {
    commands.push(removeBindingCommand(g, { needsExplicitCondition: !g.condition && index.roleHasConditionalBinding(g) }));
  }

  const tf: string[] = [];
  if (customRole) {
    tf.push(
      `resource "google_project_iam_custom_role" "${tfName(customRole.roleId)}" {`,
      `  project     = "${project}"`,
      `  role_id     = "${customRole.roleId}"`,
      `  title       = "${customRole.title}"`,
      `  permissions = [${customRole.permissions.map((p) => `"${p}"`).join(', ')}]`,
      `}`,
      '',
    );
  }
  for (const a of add) {
    const roleRef = customRole && a.role === customRole.name ? `google_project_iam_custom_role.${tfName(customRole.roleId)}.name` : `"${a.role}"`;
    tf.push(
      `resource "google_project_iam_member" "${tfName(`${w.identity.split('@')[0] ?? ''}_${a.role.split('/').pop() ?? a.role}`)}" {`,
      `  project = "${project}"`,
      `  role    = ${roleRef}`,
      `  member  = "${member}"`,
      `}`,
      '',
    );
  }
  for (const r of remove) tf.push(`# and remove ${r.role} from ${member} on ${r.place}${r.condition ? ` (condition "${r.condition.title}")` : ''}`);

  return {
    resource: w.resource,
    identity: w.identity,
    evidence,
    withoutEvidence,
    used,
    alreadyGranted,
    needed,
    cover,
    close,
    remove,
    add,
    ...(customRole ? { customRole } : {}),
    removedPermissions,
    keptPermissions: used,
    commands,
    terraform: tf.join('\n').trimEnd() + (tf.length > 0 ? '\n' : ''),
  };
}
