import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';

/** Predefined roles the scanner's identity can be given, with the permissions that matter to it (scanner-roles.json). */
export interface ScannerRole {
  name: string;
  title: string;
  /** Where the definition was copied from. */
  source: string;
  includedPermissions: string[];
}

let cached: ScannerRole[] | undefined;

export function scannerRoles(): ScannerRole[] {
  cached ??= (JSON.parse(readFileSync(packagePath('src', 'permissions', 'scanner-roles.json'), 'utf8')) as { roles: ScannerRole[] }).roles;
  return cached;
}

export interface RoleCover {
  /** The chosen roles, by name, sorted. */
  roles: string[];
  /** Permissions no candidate role holds (then a custom role is the only way). */
  uncovered: string[];
}

/**
 * The smallest set of predefined roles holding every permission in `needed`. Ties go to the set granting the fewest
 * permissions beyond those needed (counted over the services in scanner-roles.json), then to the set whose roles
 * belong to the services of the permissions they cover (roles/run.viewer rather than roles/iam.securityReviewer
 * for run.*), then to names in order, so the answer is stable. The candidates are few, so every combination of a
 * given size is tried, smallest first: greedy cover can pick one role too many.
 */
export function smallestRoleCover(needed: readonly string[], candidates: readonly ScannerRole[] = scannerRoles()): RoleCover {
  const want = [...new Set(needed)];
  const useful = candidates.filter((r) => want.some((p) => r.includedPermissions.includes(p)));
  const coverable = want.filter((p) => useful.some((r) => r.includedPermissions.includes(p)));
  const uncovered = want.filter((p) => !coverable.includes(p)).sort();
  if (coverable.length === 0) return { roles: [], uncovered };
  for (let size = 1; size <= useful.length; size++) {
    let best: { roles: ScannerRole[]; extra: number; own: number; key: string } | undefined;
    for (const combo of combinations(useful, size)) {
      const held = new Set(combo.flatMap((r) => r.includedPermissions));
      if (!coverable.every((p) => held.has(p))) continue;
      const extra = [...held].filter((p) => !want.includes(p)).length;
      const own = coverable.filter((p) => combo.some((r) => r.includedPermissions.includes(p) && ownService(r.name, p))).length;
      const key = combo.map((r) => r.name).sort().join(',');
      const better =
        !best || extra < best.extra || (extra === best.extra && (own > best.own || (own === best.own && key < best.key)));
      if (better) best = { roles: combo, extra, own, key };
    }
    if (best) return { roles: best.roles.map((r) => r.name).sort(), uncovered };
  }
  return { roles: [], uncovered: want.sort() };
}

/** Whether a role is the permission's own service's (roles/run.viewer for run.services.list). */
function ownService(role: string, permission: string): boolean {
  return role.startsWith(`roles/${permission.slice(0, permission.indexOf('.'))}.`);
}

function* combinations<T>(items: readonly T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= items.length - size; i++) {
    const head = items[i] as T;
    for (const rest of combinations(items, size - 1, i + 1)) yield [head, ...rest];
  }
}

/** Which of `permissions` a role holds. */
export function heldBy(role: string, permissions: readonly string[]): string[] {
  const r = scannerRoles().find((x) => x.name === role);
  return r ? permissions.filter((p) => r.includedPermissions.includes(p)) : [];
}
