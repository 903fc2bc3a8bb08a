import { bundledPredefinedRoles, bundledTrimmedRoles, readRoleCache } from '../least/role-cache.js';
import type { RoleDefinition } from '../model/inventory.js';

/** Role definitions to use where the inputs hold none: the synced role cache, else those bundled with the tool. */
export interface RoleCatalog {
  roles: readonly RoleDefinition[];
  /** Where they came from, in words: "the role cache synced …" or "the predefined roles bundled with …". */
  source: string;
  /** Bundled roles cut to fewer permissions than Google's: how many each keeps of how many. */
  trimmed?: Record<string, { keptCount: number; realCount: number }>;
}

/** The synced role cache for Google when there is one (a real cache, whatever its age), else the bundled roles. */
export function offlineRoleCatalog(env: NodeJS.ProcessEnv): RoleCatalog {
  const cached = readRoleCache(undefined, env);
  if (cached) return { roles: cached.roles.filter((r) => r.name.startsWith('roles/')), source: `the role cache synced ${cached.fetchedAt}` };
  return { roles: bundledPredefinedRoles(), source: 'the predefined roles bundled with cloudrun-auditor', trimmed: bundledTrimmedRoles() };
}

/** One note naming the roles defined from the catalog, and what a trimmed bundled role leaves out. */
export function catalogNote(catalog: RoleCatalog, names: readonly string[]): string {
  const trimmed = names.filter((n) => catalog.trimmed?.[n] !== undefined);
  const count = (n: number | undefined): string => (n ?? 0).toLocaleString('en-US');
  return (
    `${names.length === 1 ? 'The definition of' : 'The definitions of'} ${names.join(', ')} came from ${catalog.source}, not from the inputs.` +
    (trimmed.length > 0
      ? ` The bundled ${trimmed.map((n) => `${n} keeps ${count(catalog.trimmed?.[n]?.keptCount)} of its ${count(catalog.trimmed?.[n]?.realCount)}`).join(', ')} permissions (those of Cloud Run and its neighbours): run \`cloudrun-auditor roles sync\` once, on a machine with network, for the whole of ${trimmed.length === 1 ? 'it' : 'them'}.`
      : '')
  );
}
