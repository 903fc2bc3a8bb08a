import { param, type RequestContext } from './context.js';
import { runNotFound } from './google-errors.js';
import { projectFor } from './guards.js';
import { labelSelector } from './label-selector.js';
import { pageOf } from './paging.js';
import { reachable, regionGuard } from './run-handlers.js';
import { jobJson, revisionJson, revisionsOf, serviceJson, type Json } from './run-shapes.js';
import { jobV1, revisionV1, serviceV1 } from './run-v1-shapes.js';
import type { ScenarioProject } from './scenario.js';

/**
 * Cloud Run Admin API v1 (Knative-style) reads, the ones the gcloud CLI makes:
 *
 * - on the global endpoint, cross-region lists: `GET /v1/projects/{p}/locations/-/services`, and
 *   `GET /apis/{group}/v1/namespaces/{p}/services|revisions|jobs`; they leave out unreachable regions and name
 *   them in `unreachable`;
 * - on a regional endpoint (`{region}-run.googleapis.com`; here a Host of `{region}-127.0.0.1`, see host.ts), the
 *   same namespace paths list or read that region only, as `gcloud run ... --region R` does.
 *
 * A get on the global endpoint (which at Google "supports list methods only") is answered from whichever region
 * holds the name, so that a client with a single root URL can still read one object.
 *
 * `{p}` (or the namespace) may be a project ID or number; objects name their namespace by number.
 */

const V1_PAGE = { defaultSize: 10_000, maxSize: 10_000, sizeParam: 'limit', tokenParam: 'continue' };

interface Located {
  region: string;
  name: string;
  json: Json;
}

function newestFirst(a: Located, b: Located): number {
  // "Results are sorted by creation time, descending"; ties by region and name, so paging is stable.
  const ta = String((a.json['metadata'] as Json | undefined)?.['creationTimestamp'] ?? '');
  const tb = String((b.json['metadata'] as Json | undefined)?.['creationTimestamp'] ?? '');
  if (ta !== tb) return ta < tb ? 1 : -1;
  const ka = `${a.region}/${a.name}`;
  const kb = `${b.region}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The region a request is about: the path's `{location}`, else the regional endpoint's, else every region (`-`). */
function locationOf(ctx: RequestContext): string {
  return ctx.params['location'] ?? ctx.endpointRegion ?? '-';
}

function namespaceOf(ctx: RequestContext): string {
  return ctx.params['namespace'] ?? ctx.params['project'] ?? '';
}

/** Resolves the namespace (project ID or number), with the enablement and permission checks and the region fault. */
function scope(ctx: RequestContext, plural: string): { project: ScenarioProject; location: string } {
  const ns = namespaceOf(ctx);
  const location = locationOf(ctx);
  const resource = ctx.params['namespace'] !== undefined ? `namespaces/${ns}/${plural}` : `projects/${ns}/locations/${location}`;
  const project = projectFor(ctx, ns, resource);
  regionGuard(ctx, project, location, resource);
  return { project, location };
}

/** A v1 list: Kubernetes' list envelope, paged with `limit` and `continue`. */
function listV1(ctx: RequestContext, apiVersion: string, kind: string, project: ScenarioProject, location: string, all: Located[]): Json {
  let items = all;
  let unreachable: string[] = [];
  if (location === '-') ({ items, unreachable } = reachable(ctx, project, all));
  else items = all.filter((x) => x.region === location);
  const select = labelSelector(ctx.query.get('labelSelector'));
  const selected = items
    .filter((x) => select(((x.json['metadata'] as Json | undefined)?.['labels'] ?? {}) as Record<string, string>))
    .sort(newestFirst)
    .map((x) => x.json);
  const { page, nextPageToken } = pageOf(selected, ctx, V1_PAGE);
  const out: Json = { apiVersion, kind, metadata: nextPageToken ? { continue: nextPageToken } : {} };
  if (page.length > 0) out['items'] = page;
  if (unreachable.length > 0) out['unreachable'] = unreachable;
  return out;
}

function servicesOf(ctx: RequestContext, project: ScenarioProject): Located[] {
  return (project.services ?? []).map((s) => ({ region: s.region, name: s.name, json: serviceV1(project, serviceJson(ctx.world.scenario, project, s)) }));
}

function revisionsOfProject(project: ScenarioProject): Located[] {
  return (project.services ?? []).flatMap((s) =>
    revisionsOf(s).flatMap((r) => {
      const v2 = revisionJson(project, s, r.id);
      return v2 ? [{ region: s.region, name: r.id, json: revisionV1(project, v2) }] : [];
    }),
  );
}

function jobsOf(ctx: RequestContext, project: ScenarioProject): Located[] {
  return (project.jobs ?? []).map((j) => ({ region: j.region, name: j.name, json: jobV1(project, jobJson(ctx.world.scenario, project, j)) }));
}

/** One object by name: in the request's region, or (global endpoint) the first region holding it. */
function one(found: Located[], id: string, kind: 'SERVICE' | 'REVISION' | 'JOB', location: string, ns: string): Json {
  const hit = found.filter((x) => x.name === id && (location === '-' || x.region === location)).sort((a, b) => (a.region < b.region ? -1 : 1))[0];
  if (!hit) throw runNotFound(id, kind, location === '-' ? 'global' : location, ns);
  return hit.json;
}

export function listServicesV1(ctx: RequestContext): Json {
  const { project, location } = scope(ctx, 'services');
  return listV1(ctx, 'serving.knative.dev/v1', 'ServiceList', project, location, servicesOf(ctx, project));
}

export function getServiceV1(ctx: RequestContext): Json {
  const { project, location } = scope(ctx, 'services');
  return one(servicesOf(ctx, project), param(ctx, 'service'), 'SERVICE', location, namespaceOf(ctx));
}

export function listRevisionsV1(ctx: RequestContext): Json {
  const { project, location } = scope(ctx, 'revisions');
  return listV1(ctx, 'serving.knative.dev/v1', 'RevisionList', project, location, revisionsOfProject(project));
}

export function getRevisionV1(ctx: RequestContext): Json {
  const { project, location } = scope(ctx, 'revisions');
  return one(revisionsOfProject(project), param(ctx, 'revision'), 'REVISION', location, namespaceOf(ctx));
}

export function listJobsV1(ctx: RequestContext): Json {
  const { project, location } = scope(ctx, 'jobs');
  // The discovery document calls this list kind "JobsList" (run v1 ListJobsResponse.kind).
  return listV1(ctx, 'run.googleapis.com/v1', 'JobsList', project, location, jobsOf(ctx, project));
}

export function getJobV1(ctx: RequestContext): Json {
  const { project, location } = scope(ctx, 'jobs');
  return one(jobsOf(ctx, project), param(ctx, 'job'), 'JOB', location, namespaceOf(ctx));
}
