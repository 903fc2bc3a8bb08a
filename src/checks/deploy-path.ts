import { projectOfServiceAccountEmail } from '../model/inventory.js';
import type { Grant, InventoryIndex } from '../rules/inventory-index.js';
import { sameEmail, type Workload } from '../rules/workloads.js';

/** Deploying a service needs one of these on the project; with actAs on an identity, the new code runs as it. */
export const DEPLOY_PERMISSIONS = ['run.services.create', 'run.services.update'] as const;
const ACT_AS = 'iam.serviceAccounts.actAs';

export interface DeployPath {
  member: string;
  /** Groups are not expanded: anyone in the group has the path. */
  group: boolean;
  /** The grant that allows deploying, and the permission it carries. */
  deploy: { role: string; place: string; permission: string; condition?: string };
  /** The grant that allows acting as the identity. */
  actAs: { role: string; place: string; condition?: string };
  /** The actAs grant itself, for the removal command (not evidence). */
  actAsGrant: Grant;
}

function holds(role: string, permission: string, index: InventoryIndex): boolean {
  if (permission === ACT_AS && role === 'roles/iam.serviceAccountUser') return true;
  return index.permissionsOf(role).permissions.has(permission);
}

function homeOf(w: Workload, index: InventoryIndex): string | undefined {
  const sa = index.account(w.identity);
  const home = sa?.projectId ?? projectOfServiceAccountEmail(w.identity);
  if (home) return home;
  const m = /^(\d+)-compute@developer\.gserviceaccount\.com$/i.exec(w.identity);
  return m?.[1] ? index.projectByNumber(m[1])?.projectId : undefined;
}

/**
 * Principals who can deploy code that runs as the workload's identity (Cloud Run's documented deploy path):
 * run.services.create or update on the workload's project or above, plus actAs on the identity (its own policy,
 * or its home project, folder or organisation). Each principal once, with the first path found in sorted order.
 */
export function deployPaths(w: Workload, index: InventoryIndex): DeployPath[] {
  const actAsPlaces = [...index.grantsOnAccount(w.identity)];
  const home = homeOf(w, index);
  if (home) for (const node of index.coveringNodes(home)) actAsPlaces.push(...index.grantsAt(node));
  const actAs = new Map<string, Grant>();
  for (const g of actAsPlaces) {
    const key = g.member.toLowerCase();
    if (!actAs.has(key) && holds(g.role, ACT_AS, index)) actAs.set(key, g);
  }
  const out: DeployPath[] = [];
  const seen = new Set<string>();
  for (const node of index.coveringNodes(w.project.projectId)) {
    for (const g of index.grantsAt(node)) {
      const key = g.member.toLowerCase();
      if (seen.has(key) || sameEmail(g.member, `serviceAccount:${w.identity}`)) continue;
      const a = actAs.get(key);
      const permission = DEPLOY_PERMISSIONS.find((p) => holds(g.role, p, index));
      if (!a || !permission) continue;
      seen.add(key);
      out.push({
        member: g.member,
        group: g.member.startsWith('group:'),
        deploy: { role: g.role, place: g.place.node, permission, ...(g.condition ? { condition: g.condition.title } : {}) },
        actAs: { role: a.role, place: a.place.node, ...(a.condition ? { condition: a.condition.title } : {}) },
        actAsGrant: a,
      });
    }
  }
  return out.sort((x, y) => (x.member < y.member ? -1 : x.member > y.member ? 1 : 0));
}

export function deployPathText(p: DeployPath): string {
  const same = p.deploy.role === p.actAs.role && p.deploy.place === p.actAs.place;
  const cond = (c: string | undefined): string => (c !== undefined ? ` (conditional: ${c})` : '');
  const how = same
    ? `${p.deploy.role} on ${p.deploy.place}${cond(p.deploy.condition)}`
    : `${p.deploy.role} on ${p.deploy.place}${cond(p.deploy.condition)} + ${p.actAs.role} on ${p.actAs.place}${cond(p.actAs.condition)}`;
  return `${p.member} (${p.group ? 'a group, not expanded; ' : ''}${how})`;
}
