import { mapRole } from '../collect/map-iam.js';
import { GoogleApi, type GoogleOptions } from '../google/api.js';
import { isGoogleCallError } from '../google/errors.js';
import type { RoleDefinition } from '../model/inventory.js';
import { CACHE_MAX_AGE_MS, cacheAgeMs, cachePath, describeAge, readRoleCache, writeRoleCache } from './role-cache.js';

/** Fetches every predefined role (roles.list view=FULL, paged) and writes the cache for the endpoint. */
export async function syncRoleCache(opts: GoogleOptions, now: Date): Promise<{ path: string; roles: RoleDefinition[] }> {
  const api = await GoogleApi.connect(opts);
  try {
    const roles = (await api.listPredefinedRoles())
      .filter((r) => typeof r.name === 'string' && r.name.startsWith('roles/'))
      .map((r) => mapRole(r, r.name as string))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { path: writeRoleCache(opts.endpoint, roles, now), roles };
  } finally {
    await api.close();
  }
}

/**
 * The cached predefined roles an audit may use instead of roles.get, refreshed first when older than a week.
 * No cache: none (the audit reads each role it meets, as without one). A failed refresh: the stale copy is not
 * used, so the audit reads roles itself; `warn` says why.
 */
export async function predefinedRolesForAudit(opts: GoogleOptions, now: Date, warn: (line: string) => void): Promise<Map<string, RoleDefinition> | undefined> {
  const cached = readRoleCache(opts.endpoint);
  if (!cached) return undefined;
  let roles = cached.roles;
  if (cacheAgeMs(cached, now) > CACHE_MAX_AGE_MS) {
    try {
      roles = (await syncRoleCache(opts, now)).roles;
    } catch (e) {
      if (!isGoogleCallError(e)) throw e;
      warn(`the role cache ${cachePath(opts.endpoint)} is ${describeAge(cacheAgeMs(cached, now))} old and could not be refreshed (${e.message}); reading roles one by one instead`);
      return undefined;
    }
  }
  return new Map(roles.map((r) => [r.name, r]));
}
