import { UserError } from '../errors.js';
import type { GoogleApi } from '../google/api.js';
import { isGoogleCallError, type GoogleCallError } from '../google/errors.js';
import type { ApiFolder, ApiOrganization, ApiProject } from '../google/types.js';
import type { Scope } from '../model/inventory.js';

/** What a scope resolves to: the projects to scan, plus whatever hierarchy metadata listing it revealed. */
export interface ResolvedScope {
  projects: ApiProject[];
  /** Explicitly named projects that could not be read (scanned no further; an error says why). */
  unreadable: { projectId: string; error: GoogleCallError }[];
  folders: Map<string, ApiFolder>;
  organizations: Map<string, ApiOrganization>;
  /** Failures while walking a folder/organisation tree (some projects may be missing). */
  errors: GoogleCallError[];
}

/** Project IDs, including legacy domain-scoped ones (`example.com:my-project`). */
const ID = /^(?:[a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const NUMBER = /^\d+$/;

export function validateScope(scope: Scope): void {
  if (scope.ids.length === 0) throw new UserError('USAGE', `no ${scope.kind === 'projects' ? 'project' : scope.kind} given to scan`);
  if (scope.kind === 'projects') {
    const bad = scope.ids.filter((id) => !ID.test(id));
    if (bad.length > 0) throw new UserError('USAGE', `not a project ID: ${bad.map((b) => `"${b}"`).join(', ')} (6–30 lowercase letters, digits or hyphens)`);
  } else {
    if (scope.ids.length !== 1) throw new UserError('USAGE', `exactly one ${scope.kind} can be scanned at a time, got ${scope.ids.length}`);
    const bad = scope.ids.filter((id) => !NUMBER.test(id));
    if (bad.length > 0) throw new UserError('USAGE', `${scope.kind} must be given by number, got "${bad.join('", "')}"`);
  }
  for (const r of scope.regions) {
    if (!/^[a-z]+-[a-z]+\d+$/.test(r)) throw new UserError('USAGE', `not a Cloud Run region: "${r}" (e.g. us-central1)`);
  }
}

function notThere(e: unknown): e is GoogleCallError {
  return isGoogleCallError(e) && (e.status === 403 || e.status === 404);
}

export async function resolveScope(api: GoogleApi, scope: Scope): Promise<ResolvedScope> {
  validateScope(scope);
  const out: ResolvedScope = { projects: [], unreadable: [], folders: new Map(), organizations: new Map(), errors: [] };

  if (scope.kind === 'projects') {
    const ids = [...new Set(scope.ids)];
    const results = await Promise.allSettled(ids.map((id) => api.getProject(id)));
    results.forEach((r, i) => {
      const id = ids[i] ?? '';
      if (r.status === 'fulfilled') out.projects.push(r.value);
      else if (isGoogleCallError(r.reason)) out.unreadable.push({ projectId: id, error: r.reason });
      else throw r.reason;
    });
    if (out.projects.length === 0 && out.unreadable.every((u) => notThere(u.error))) {
      const first = out.unreadable[0];
      const lines = out.unreadable.map((u) => `project ${u.projectId}: ${u.error.message}`);
      const head =
        out.unreadable.length === 1 && first
          ? `project "${first.projectId}" does not exist or the scanner may not read it: ${first.error.message}`
          : `none of the projects exist or may be read by the scanner`;
      throw new UserError('INPUT', head, out.unreadable.length === 1 ? [] : lines);
    }
    return out;
  }

  const root = `${scope.kind === 'folder' ? 'folders' : 'organizations'}/${scope.ids[0] ?? ''}`;
  try {
    if (scope.kind === 'folder') out.folders.set(root, await api.getFolder(root));
    else out.organizations.set(root, await api.getOrganization(root));
  } catch (e) {
    if (notThere(e)) {
      throw new UserError('INPUT', `${scope.kind} ${scope.ids[0] ?? ''} does not exist or the scanner may not read it: ${e.message}`);
    }
    if (isGoogleCallError(e)) {
      out.errors.push(e);
      return out;
    }
    throw e;
  }

  // Breadth-first over the tree; each level's folders are listed in parallel.
  let level = [root];
  const seen = new Set(level);
  while (level.length > 0) {
    const next: string[] = [];
    await Promise.all(
      level.map(async (parent) => {
        const [projects, folders] = await Promise.allSettled([api.listProjects(parent), api.listFolders(parent)]);
        for (const r of [projects, folders]) {
          if (r.status === 'rejected') {
            if (isGoogleCallError(r.reason)) out.errors.push(r.reason);
            else throw r.reason;
          }
        }
        if (projects.status === 'fulfilled') {
          out.projects.push(...projects.value.filter((p) => p.state === 'ACTIVE'));
        }
        if (folders.status === 'fulfilled') {
          for (const f of folders.value) {
            if (f.state !== 'ACTIVE' || seen.has(f.name)) continue;
            seen.add(f.name);
            out.folders.set(f.name, f);
            next.push(f.name);
          }
        }
      }),
    );
    level = next;
  }
  const unique = new Map(out.projects.map((p) => [p.projectId, p]));
  out.projects = [...unique.values()];
  return out;
}
