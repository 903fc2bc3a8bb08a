import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileSafelySync } from '../files/safe-write.js';
import { ensureDirectory } from '../files/targets.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RoleDefinition } from '../model/inventory.js';
import { packagePath } from '../paths.js';

/** Past this age an audit refreshes the cache before using it: predefined roles change every week or so. */
export const CACHE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

const GOOGLE = 'https://iam.googleapis.com';

export interface RoleCacheFile {
  version: 1;
  /** The origin the roles came from: a cache filled from an emulator is never used for a real scan. */
  endpoint: string;
  fetchedAt: string;
  roles: RoleDefinition[];
}

/** CLOUDRUN_AUDITOR_CACHE_DIR, else $XDG_CACHE_HOME/cloudrun-auditor, else ~/.cache/cloudrun-auditor. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['CLOUDRUN_AUDITOR_CACHE_DIR'];
  if (explicit) return explicit;
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg && xdg !== '' ? xdg : join(homedir(), '.cache'), 'cloudrun-auditor');
}

export function cacheKey(endpoint: string | undefined): string {
  return endpoint ?? GOOGLE;
}

/** One file per endpoint: `predefined-roles-<hash of the origin>.json`. */
export function cachePath(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const h = createHash('sha256').update(cacheKey(endpoint)).digest('hex').slice(0, 16);
  return join(cacheDir(env), `predefined-roles-${h}.json`);
}

export function readRoleCache(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): RoleCacheFile | undefined {
  let text: string;
  try {
    text = readFileSync(cachePath(endpoint, env), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const file = JSON.parse(text) as RoleCacheFile;
    // A damaged or foreign file is as good as none: it is refetched, never trusted.
    if (file.version !== 1 || file.endpoint !== cacheKey(endpoint) || !Array.isArray(file.roles) || Number.isNaN(Date.parse(file.fetchedAt))) return undefined;
    return file;
  } catch {
    return undefined;
  }
}

export function writeRoleCache(endpoint: string | undefined, roles: RoleDefinition[], now: Date, env: NodeJS.ProcessEnv = process.env): string {
  const path = cachePath(endpoint, env);
  ensureDirectory(cacheDir(env));
  const file: RoleCacheFile = { version: 1, endpoint: cacheKey(endpoint), fetchedAt: now.toISOString(), roles };
  writeFileSafelySync(path, JSON.stringify(file));
  return path;
}

export function cacheAgeMs(file: RoleCacheFile, now: Date): number {
  return now.getTime() - Date.parse(file.fetchedAt);
}

export function describeAge(ms: number): string {
  const h = Math.floor(ms / 3600_000);
  if (h < 1) return `${Math.max(0, Math.floor(ms / 60_000))} minutes`;
  if (h < 48) return `${h} hours`;
  return `${Math.floor(h / 24)} days`;
}

/** The predefined roles bundled with the emulator (a real dataset, trimmed; see its _source). */
export function bundledPredefinedRoles(): RoleDefinition[] {
  const file = JSON.parse(readFileSync(packagePath('src', 'emulator', 'data', 'predefined-roles.json'), 'utf8')) as {
    roles: { name: string; title?: string; stage?: string; includedPermissions?: string[] }[];
  };
  return file.roles.map((r) => ({
    name: r.name,
    ...(r.title !== undefined ? { title: r.title } : {}),
    ...(r.stage !== undefined ? { stage: r.stage } : {}),
    deleted: false,
    includedPermissions: [...(r.includedPermissions ?? [])].sort(),
    source: 'predefined' as const,
  }));
}

/** Bundled roles cut to fewer permissions than Google's (Owner, Editor, Viewer): kept and real counts, from its _source. */
export function bundledTrimmedRoles(): Record<string, { keptCount: number; realCount: number }> {
  const file = JSON.parse(readFileSync(packagePath('src', 'emulator', 'data', 'predefined-roles.json'), 'utf8')) as {
    _source?: { truncated?: Record<string, { keptCount: number; realCount: number }> };
  };
  return { ...(file._source?.truncated ?? {}) };
}

/**
 * The predefined roles to choose replacements from: the synced cache for the endpoint when there is one, else
 * the bundled set; roles the inventory carries are added (they are what the scan saw).
 */
export function roleCatalog(inventoryRoles: readonly RoleDefinition[], endpoint: string | undefined): { roles: RoleDefinition[]; source: string } {
  const cached = readRoleCache(endpoint);
  const base = cached ? cached.roles : bundledPredefinedRoles();
  const byName = new Map(base.map((r) => [r.name, r]));
  for (const r of inventoryRoles) if (r.source === 'predefined' && !byName.has(r.name)) byName.set(r.name, r);
  const source = cached ? `the role cache synced ${cached.fetchedAt}` : `the ${base.length} predefined roles bundled with cloudrun-auditor (run \`roles sync\` for all of them)`;
  return { roles: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), source };
}
