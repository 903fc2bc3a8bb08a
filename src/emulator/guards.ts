import type { RequestContext } from './context.js';
import { permissionDenied, serviceDisabled } from './google-errors.js';
import type { ScenarioProject } from './scenario.js';

/**
 * The checks Google makes before answering, in Google's order: the project must exist (an unknown project
 * is indistinguishable from a forbidden one), the API must be enabled there, the caller must hold the permission.
 */

/** The route's permission, checked on `project` (or globally when none); 403 when missing. */
export function authorize(ctx: RequestContext, resource: string, project?: ScenarioProject, permission = ctx.permission): void {
  if (permission === undefined) return;
  if (!ctx.world.granted(permission, project)) throw permissionDenied(permission, resource, ctx.api);
}

export function ensureEnabled(ctx: RequestContext, project: ScenarioProject): void {
  if (ctx.world.apiDisabled(project, ctx.api)) throw serviceDisabled(ctx.api, project.number);
}

/** Resolves a project named by ID or number and runs the enablement and permission checks on it. */
export function projectFor(ctx: RequestContext, idOrNumber: string, resource: string): ScenarioProject {
  const project = ctx.world.project(idOrNumber);
  if (!project) throw permissionDenied(ctx.permission ?? 'resourcemanager.projects.get', resource, ctx.api);
  ensureEnabled(ctx, project);
  authorize(ctx, resource, project);
  return project;
}

export function flag(ctx: RequestContext, name: string): boolean {
  return ctx.query.get(name) === 'true';
}
