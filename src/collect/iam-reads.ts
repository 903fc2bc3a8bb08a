/**
 * Reads both sources (the API source and the Cloud Asset Inventory source) make the same way: what IAM says of a
 * runtime identity, and the definition of every granted role.
 */
import type { GoogleApi } from '../google/api.js';
import { isGoogleCallError, type GoogleCallError } from '../google/errors.js';
import type { ApiServiceAccount } from '../google/types.js';
import { projectOfServiceAccountEmail, type Policy, type RoleDefinition, type ServiceAccount } from '../model/inventory.js';
import { mapKey, mapPolicy, mapRole, mapServiceAccount, roleSource, rolesIn } from './map-iam.js';
import { compareText } from './sort.js';

/** Awaits a read; a Google failure is recorded and replaced by `fallback`. */
export type Guard = <T, F>(p: Promise<T>, fallback: F) => Promise<T | F>;

/** Home project of an account: from its email, or for a default compute identity, the scanned project with that number. */
export function homeOfAccount(email: string, projectIdByNumber: ReadonlyMap<string, string>): string | undefined {
  const fromEmail = projectOfServiceAccountEmail(email);
  if (fromEmail !== undefined) return fromEmail;
  const n = /^(\d+)-compute@developer\.gserviceaccount\.com$/i.exec(email)?.[1];
  return n !== undefined ? projectIdByNumber.get(n) : undefined;
}

/**
 * An identity as IAM describes it: the account (404 means deleted; any other failure is recorded and leaves it
 * unknown), then, unless deleted, its own policy and its keys.
 *
 * @param listed what its home project's `serviceAccounts.list` said: the account, or null when the list (which
 *   holds every account of the project that is not deleted) did not hold it. Undefined: not listed, so it is read
 *   with `serviceAccounts.get`.
 */
export async function readAccountFromIam(
  api: GoogleApi,
  email: string,
  homeFallback: string | undefined,
  guard: Guard,
  record: (e: GoogleCallError) => void,
  listed?: ApiServiceAccount | null,
): Promise<ServiceAccount> {
  const base = { email, ...(homeFallback !== undefined ? { homeFallback } : {}) };
  let found: ApiServiceAccount | undefined;
  let missing: 'deleted' | 'unknown' | undefined;
  if (listed === null) missing = 'deleted';
  else if (listed !== undefined) found = listed;
  else {
    try {
      found = await api.getServiceAccount(email);
    } catch (e) {
      if (!isGoogleCallError(e)) throw e;
      if (e.status === 404) missing = 'deleted';
      else {
        record(e);
        missing = 'unknown';
      }
    }
  }
  if (missing === 'deleted') return mapServiceAccount({ ...base, missing, policy: null, keys: null });
  const home = (typeof found?.projectId === 'string' && found.projectId !== '' ? found.projectId : undefined) ?? homeFallback;
  const [policy, keys] = await Promise.all([
    guard(api.getServiceAccountIamPolicy(email, home).then(mapPolicy), null),
    guard(api.listServiceAccountKeys(email, home).then((ks) => ks.map(mapKey)), null),
  ]);
  return mapServiceAccount({ ...base, ...(found ? { api: found } : { missing: missing ?? 'unknown' }), policy, keys });
}

/**
 * The definition of every role granted in `policies`, each read once; predefined roles come from the synced role
 * cache when one is given.
 */
export async function readRoles(
  api: GoogleApi,
  policies: readonly (Policy | null)[],
  guard: Guard,
  predefined?: ReadonlyMap<string, RoleDefinition>,
): Promise<RoleDefinition[]> {
  const names = [...new Set(policies.flatMap(rolesIn))].sort(compareText);
  const roles = await Promise.all(
    names.map((name) => {
      const cached = name.startsWith('roles/') ? predefined?.get(name) : undefined;
      if (cached) return Promise.resolve(cached);
      const project = roleSource(name) === 'project' ? name.split('/')[1] : undefined;
      return guard(api.getRole(name, project).then((r) => mapRole(r, name)), null);
    }),
  );
  return roles.filter((r): r is RoleDefinition => r !== null);
}
