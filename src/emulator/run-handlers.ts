import { param, type RequestContext } from './context.js';
import { errorForStatus, runNotFound } from './google-errors.js';
import { flag, projectFor } from './guards.js';
import { listBody } from './paging.js';
import { renderPolicy, requestedVersion } from './policy.js';
import { CLOUD_RUN_REGION_IDS, regionDisplayName } from './regions.js';
import { jobJson, jobName, revisionJson, revisionsOf, serviceJson, serviceName, type Json } from './run-shapes.js';
import type { ScenarioJob, ScenarioProject, ScenarioService } from './scenario.js';

/** Cloud Run Admin API handlers: v2 services, revisions and jobs, and the v1 locations list. */

const RUN_PAGE = { defaultSize: 100, maxSize: 1000 };

function byName<T extends { name: string; region: string }>(a: T, b: T): number {
  const ka = `${a.region}/${a.name}`;
  const kb = `${b.region}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function inRegion<T extends { region: string }>(items: readonly T[] | undefined, location: string): T[] {
  return (items ?? []).filter((x) => location === '-' || x.region === location);
}

/**
 * The unreachable-region fault: a request naming one of the scenario's unreachable regions fails with the
 * status the scenario gives (none: it answers normally). Cross-region requests (`-`) never fail this way.
 */
export function regionGuard(ctx: RequestContext, project: ScenarioProject, location: string, resource: string): void {
  if (location === '-') return;
  const status = ctx.world.regionalFailure(project, location);
  if (status === undefined) return;
  throw errorForStatus(status, { api: ctx.api, resource, consumerNumber: project.number, quotaLocation: location, ...(ctx.permission ? { permission: ctx.permission } : {}) });
}

/** Items of a cross-region list without the unreachable regions, and those regions (sorted), for `unreachable`. */
export function reachable<T extends { region: string }>(ctx: RequestContext, project: ScenarioProject, items: readonly T[] | undefined): { items: T[]; unreachable: string[] } {
  const down = [...(ctx.world.unreachable(project)?.regions ?? [])].sort();
  return { items: (items ?? []).filter((x) => !down.includes(x.region)), unreachable: down };
}

function parentOf(ctx: RequestContext): { project: ScenarioProject; location: string; parent: string } {
  const p = param(ctx, 'project');
  const location = param(ctx, 'location');
  const parent = `projects/${p}/locations/${location}`;
  const project = projectFor(ctx, p, parent);
  regionGuard(ctx, project, location, parent);
  return { project, location, parent };
}

function findService(ctx: RequestContext): { project: ScenarioProject; svc: ScenarioService } {
  const p = param(ctx, 'project');
  const location = param(ctx, 'location');
  const id = param(ctx, 'service');
  const resource = `projects/${p}/locations/${location}/services/${id}`;
  const project = projectFor(ctx, p, resource);
  regionGuard(ctx, project, location, resource);
  const svc = (project.services ?? []).find((s) => s.name === id && s.region === location);
  if (!svc) throw runNotFound(id, 'SERVICE', location, p);
  return { project, svc };
}

function findJob(ctx: RequestContext): { project: ScenarioProject; job: ScenarioJob } {
  const p = param(ctx, 'project');
  const location = param(ctx, 'location');
  const id = param(ctx, 'job');
  const resource = `projects/${p}/locations/${location}/jobs/${id}`;
  const project = projectFor(ctx, p, resource);
  regionGuard(ctx, project, location, resource);
  const job = (project.jobs ?? []).find((j) => j.name === id && j.region === location);
  if (!job) throw runNotFound(id, 'JOB', location, p);
  return { project, job };
}

export function listServices(ctx: RequestContext): Json {
  const { project, location } = parentOf(ctx);
  flag(ctx, 'showDeleted'); // the scenario holds no deleted services, so the flag changes nothing
  if (location !== '-') {
    const items = inRegion(project.services, location).sort(byName).map((s) => serviceJson(ctx.world.scenario, project, s));
    return listBody('services', items, ctx, RUN_PAGE);
  }
  // A cross-region request leaves out the regions it could not reach and names them (an empty list is omitted, as in proto3 JSON).
  const { items, unreachable } = reachable(ctx, project, project.services);
  const page = listBody('services', items.sort(byName).map((s) => serviceJson(ctx.world.scenario, project, s)), ctx, RUN_PAGE);
  return unreachable.length > 0 ? { ...page, unreachable } : page;
}

export function getService(ctx: RequestContext): Json {
  const { project, svc } = findService(ctx);
  return serviceJson(ctx.world.scenario, project, svc);
}

export function listRevisions(ctx: RequestContext): Json {
  const p = param(ctx, 'project');
  const location = param(ctx, 'location');
  const id = param(ctx, 'service');
  const resource = `projects/${p}/locations/${location}/services/${id}`;
  const project = projectFor(ctx, p, resource);
  regionGuard(ctx, project, location, resource);
  let services: ScenarioService[];
  if (id === '-') services = inRegion(project.services, location).sort(byName);
  else {
    const svc = (project.services ?? []).find((s) => s.name === id && s.region === location);
    if (!svc) throw runNotFound(id, 'SERVICE', location, p);
    services = [svc];
  }
  // Newest revision first within each service, as Cloud Run lists them.
  const items = services.flatMap((s) =>
    revisionsOf(s)
      .map((r) => revisionJson(project, s, r.id))
      .filter((r): r is Json => r !== undefined)
      .reverse(),
  );
  return listBody('revisions', items, ctx, RUN_PAGE);
}

export function getRevision(ctx: RequestContext): Json {
  const { project, svc } = findService(ctx);
  const rid = param(ctx, 'revision');
  const rev = revisionJson(project, svc, rid);
  if (!rev) throw runNotFound(rid, 'REVISION', param(ctx, 'location'), param(ctx, 'project'));
  return rev;
}

export function listJobs(ctx: RequestContext): Json {
  const { project, location } = parentOf(ctx);
  const items = inRegion(project.jobs, location).sort(byName).map((j) => jobJson(ctx.world.scenario, project, j));
  // v2 ListJobsResponse has no `unreachable` field.
  return listBody('jobs', items, ctx, RUN_PAGE);
}

export function getJob(ctx: RequestContext): Json {
  const { project, job } = findJob(ctx);
  return jobJson(ctx.world.scenario, project, job);
}

export function getServiceIamPolicy(ctx: RequestContext): Json {
  const { project, svc } = findService(ctx);
  return { ...renderPolicy(svc.iamPolicy, requestedVersion(ctx), serviceName(project, svc)) };
}

export function getJobIamPolicy(ctx: RequestContext): Json {
  const { project, job } = findJob(ctx);
  return { ...renderPolicy(job.iamPolicy, requestedVersion(ctx), jobName(project, job)) };
}

/**
 * The regions a project's Run v1 locations list shows: the scenario's, else every region Cloud Run serves
 * (plus any region the project's services or jobs name that the list does not hold).
 */
export function regionsOf(project: ScenarioProject): string[] {
  if (project.locations) return [...project.locations];
  const set = new Set<string>(CLOUD_RUN_REGION_IDS);
  for (const s of project.services ?? []) set.add(s.region);
  for (const j of project.jobs ?? []) set.add(j.region);
  return [...set];
}

export function listLocations(ctx: RequestContext): Json {
  const p = param(ctx, 'project');
  const project = projectFor(ctx, p, `projects/${p}`);
  const items = regionsOf(project).map((r) => ({
    name: `projects/${project.projectId}/locations/${r}`,
    locationId: r,
    displayName: regionDisplayName(r),
    labels: { 'cloud.googleapis.com/region': r },
  }));
  return listBody('locations', items, ctx, { defaultSize: 100, maxSize: 1000 });
}
