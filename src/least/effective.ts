import type { Condition } from '../model/inventory.js';
import type { Grant, InventoryIndex, RoleStatus } from '../rules/inventory-index.js';
import type { Workload } from '../rules/workloads.js';

/** One role held by an identity at one hierarchy place, expanded. */
export interface RoleGrantExpansion {
  role: string;
  /** `projects/p`, `folders/n`, `organizations/n` */
  place: string;
  placeKind: 'project' | 'folder' | 'organization';
  placeDisplayName?: string;
  condition?: Condition;
  /** ok, or why the role grants nothing known (unknown definition, deleted or disabled custom role). */
  status: RoleStatus;
  permissions: string[];
}

export interface EffectivePermissions {
  identity: string;
  grants: RoleGrantExpansion[];
  /** Every permission held without a condition. */
  unconditional: string[];
  /** Permissions held only under a condition. */
  conditionalOnly: string[];
}

/** Grants of the identity on the workload's project and every folder and organisation above it. */
export function hierarchyGrants(w: Workload, index: InventoryIndex): Grant[] {
  const covering = new Set(index.coveringNodes(w.project.projectId));
  return index
    .grantsOfAccount(w.identity)
    .filter((g) => covering.has(g.place.node) && (g.place.kind === 'project' || g.place.kind === 'folder' || g.place.kind === 'organization'));
}

export function effectivePermissions(w: Workload, index: InventoryIndex): EffectivePermissions {
  const grants: RoleGrantExpansion[] = hierarchyGrants(w, index).map((g) => {
    const rp = index.permissionsOf(g.role);
    const e: RoleGrantExpansion = {
      role: g.role,
      place: g.place.node,
      placeKind: g.place.kind as RoleGrantExpansion['placeKind'],
      status: rp.status,
      permissions: [...rp.permissions].sort(),
    };
    if (g.place.displayName !== undefined) e.placeDisplayName = g.place.displayName;
    if (g.condition) e.condition = g.condition;
    return e;
  });
  const unconditional = new Set(grants.filter((g) => !g.condition).flatMap((g) => g.permissions));
  const conditional = new Set(grants.filter((g) => g.condition).flatMap((g) => g.permissions));
  return {
    identity: w.identity,
    grants,
    unconditional: [...unconditional].sort(),
    conditionalOnly: [...conditional].filter((p) => !unconditional.has(p)).sort(),
  };
}
