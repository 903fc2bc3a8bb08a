import type { RoleDefinition } from '../model/inventory.js';

/** Roles never proposed: the primitive roles are what is being replaced. */
const NEVER = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);

export interface Cover {
  roles: string[];
  /** Needed permissions no candidate role holds. */
  uncovered: string[];
  /** Permissions the chosen roles grant beyond what is needed. */
  excess: string[];
}

/**
 * Greedy set cover: repeatedly take the role holding the most still-needed permissions, ties broken by fewer
 * permissions beyond the need, then by name; then drop any role the others make redundant. Greedy is within a
 * logarithmic factor of the smallest cover, and role catalogues are far too large for an exact search.
 */
export function coverPermissions(needed: readonly string[], catalog: readonly RoleDefinition[]): Cover {
  const need = new Set(needed);
  const candidates = catalog
    .filter((r) => r.source === 'predefined' && !r.deleted && r.stage !== 'DEPRECATED' && r.stage !== 'DISABLED' && !NEVER.has(r.name))
    .map((r) => ({ name: r.name, perms: new Set(r.includedPermissions) }))
    .filter((r) => [...r.perms].some((p) => need.has(p)));
  const uncovered = new Set(need);
  const chosen: { name: string; perms: Set<string> }[] = [];
  while (uncovered.size > 0) {
    let best: { name: string; perms: Set<string> } | undefined;
    let bestGain = 0;
    let bestExcess = Infinity;
    for (const c of candidates) {
      let gain = 0;
      for (const p of c.perms) if (uncovered.has(p)) gain++;
      if (gain === 0) continue;
      let excess = 0;
      for (const p of c.perms) if (!need.has(p)) excess++;
      if (gain > bestGain || (gain === bestGain && (excess < bestExcess || (excess === bestExcess && best !== undefined && c.name < best.name)))) {
        best = c;
        bestGain = gain;
        bestExcess = excess;
      }
    }
    if (!best) break;
    chosen.push(best);
    for (const p of best.perms) uncovered.delete(p);
  }
  // A role chosen early may be wholly covered by later ones.
  for (let i = chosen.length - 1; i >= 0; i--) {
    const others = chosen.filter((_, j) => j !== i);
    const mine = [...(chosen[i]?.perms ?? [])].filter((p) => need.has(p));
    if (mine.every((p) => others.some((o) => o.perms.has(p)))) chosen.splice(i, 1);
  }
  const granted = new Set(chosen.flatMap((c) => [...c.perms]));
  return {
    roles: chosen.map((c) => c.name).sort(),
    uncovered: [...uncovered].sort(),
    excess: [...granted].filter((p) => !need.has(p)).sort(),
  };
}

/**
 * "Close": every needed permission is covered and the roles grant at most max(10, 2 × needed) permissions beyond
 * the need. Past that, a custom role holding exactly the needed permissions is proposed instead.
 */
export function isClose(cover: Cover, neededCount: number): boolean {
  return cover.uncovered.length === 0 && cover.excess.length <= Math.max(10, 2 * neededCount);
}
