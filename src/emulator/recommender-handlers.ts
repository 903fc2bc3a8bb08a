import { param, type RequestContext } from './context.js';
import { invalidArgument, permissionDenied } from './google-errors.js';
import { authorize, projectFor } from './guards.js';
import { predefinedRoles } from './iam-handlers.js';
import { listBody } from './paging.js';
import {
  IAM_INSIGHT_TYPE,
  IAM_RECOMMENDER,
  RUN_IDENTITY_RECOMMENDER,
  fullResourceName,
  hasRecommendation,
  insightJson,
  recommendationJson,
  runRecommendationJson,
  type UsageContext,
} from './recommender-shapes.js';
import type { ScenarioBinding, ScenarioPolicy, ScenarioProject } from './scenario.js';

/** Recommender v1: IAM policy insights and recommendations at project, folder and organisation level, and Cloud Run's regional identity recommender. */

type Json = Record<string, unknown>;

const PAGE = { defaultSize: 100, maxSize: 1000 };

interface Parent {
  /** As the request named it: `projects/acme-web-prod`, `folders/1`. */
  requested: string;
  /** As usage entries name it: `projects/{projectId}`, `folders/{n}`, `organizations/{n}`. */
  resource: string;
  /** As Google names results: projects by number. */
  canonical: string;
  project?: ScenarioProject;
  policy: ScenarioPolicy | undefined;
}

function parentOf(ctx: RequestContext, kind: 'projects' | 'folders' | 'organizations'): Parent {
  const id = param(ctx, kind === 'projects' ? 'project' : kind === 'folders' ? 'folder' : 'organization');
  const requested = `${kind}/${id}`;
  if (kind === 'projects') {
    const project = projectFor(ctx, id, requested);
    return { requested, resource: `projects/${project.projectId}`, canonical: `projects/${project.number}`, project, policy: project.iamPolicy };
  }
  if (kind === 'folders') {
    const folder = ctx.world.folder(id);
    if (!folder) throw permissionDenied(ctx.permission ?? '', requested, ctx.api);
    authorize(ctx, requested);
    return { requested, resource: requested, canonical: requested, policy: folder.iamPolicy };
  }
  if (!ctx.world.isOrganization(id)) throw permissionDenied(ctx.permission ?? '', requested, ctx.api);
  authorize(ctx, requested);
  return { requested, resource: requested, canonical: requested, policy: ctx.world.scenario.organization.iamPolicy };
}

/** Only `stateInfo.state = X` is understood; the Recommender rejects what it cannot parse, and so do we. */
function stateFilter(ctx: RequestContext): string | undefined {
  const f = ctx.query.get('filter');
  if (f === null || f.trim() === '') return undefined;
  const m = /^\s*stateInfo\.state\s*=\s*"?([A-Z_]+)"?\s*$/.exec(f);
  if (!m) throw invalidArgument(`Invalid filter: ${f}`, 'filter');
  return m[1];
}

function usageHere(ctx: RequestContext, parent: Parent): UsageContext[] {
  const projectNumber = (id: string): string | undefined => ctx.world.project(id)?.number;
  const target = fullResourceName(parent.resource, projectNumber);
  return (ctx.world.scenario.recommender?.usage ?? [])
    .filter((u) => u.resource === parent.resource)
    .map((usage) => {
      const binding: ScenarioBinding | undefined = parent.policy?.bindings.find((b) => b.role === usage.role && b.members.includes(usage.member));
      const included = predefinedRoles().get(usage.role)?.includedPermissions.length ?? customRoleSize(ctx, usage.role);
      const replacement = new Set((usage.replacementRoles ?? []).flatMap((r) => predefinedRoles().get(r)?.includedPermissions ?? []));
      return {
        usage,
        parent: parent.canonical,
        target,
        binding,
        // The size of the role this emulator serves through roles.get, so that the Recommender and every role
        // expansion in the scanner agree on one number (the bundled owner/editor/viewer are trimmed copies).
        totalPermissions: included,
        replacementPermissions: replacement.size,
      };
    })
    // Google only reports on bindings that exist: once a binding is removed, its insight goes with it.
    .filter((c) => c.binding !== undefined);
}

function customRoleSize(ctx: RequestContext, role: string): number {
  const all = [...ctx.world.customRoles('organization'), ...ctx.world.projects.flatMap((p) => ctx.world.customRoles(p))];
  return all.find((r) => r.roleId === role)?.includedPermissions.length ?? 0;
}

function listInsights(ctx: RequestContext, kind: 'projects' | 'folders' | 'organizations'): Json {
  const parent = parentOf(ctx, kind);
  const type = param(ctx, 'type');
  if (type !== IAM_INSIGHT_TYPE) throw invalidArgument(`Insight type ${type} is not supported in this location.`, 'parent');
  const state = stateFilter(ctx);
  const location = param(ctx, 'location');
  const items = location !== 'global' || (state !== undefined && state !== 'ACTIVE') ? [] : usageHere(ctx, parent).map(insightJson);
  return listBody('insights', items, ctx, PAGE);
}

function listRecommendations(ctx: RequestContext, kind: 'projects' | 'folders' | 'organizations'): Json {
  const recommender = param(ctx, 'recommender');
  const location = param(ctx, 'location');
  if (recommender === RUN_IDENTITY_RECOMMENDER && kind === 'projects') {
    const parent = parentOf(ctx, kind);
    authorize(ctx, parent.requested, parent.project, 'recommender.runServiceIdentityRecommendations.list');
    const state = stateFilter(ctx);
    const project = parent.project;
    const items =
      !project || (state !== undefined && state !== 'ACTIVE')
        ? []
        : (ctx.world.scenario.recommender?.runIdentity ?? [])
            .filter((r) => r.service.startsWith(`projects/${project.projectId}/locations/${location}/services/`))
            .map((r) => runRecommendationJson(r, project.number));
    return listBody('recommendations', items, ctx, PAGE);
  }
  if (recommender !== IAM_RECOMMENDER) throw invalidArgument(`Recommender ${recommender} is not supported in this location.`, 'parent');
  const parent = parentOf(ctx, kind);
  const state = stateFilter(ctx);
  const items =
    location !== 'global' || (state !== undefined && state !== 'ACTIVE')
      ? []
      : usageHere(ctx, parent).filter((c) => hasRecommendation(c.usage)).map(recommendationJson);
  return listBody('recommendations', items, ctx, PAGE);
}

export const listProjectInsights = (ctx: RequestContext): Json => listInsights(ctx, 'projects');
export const listFolderInsights = (ctx: RequestContext): Json => listInsights(ctx, 'folders');
export const listOrganizationInsights = (ctx: RequestContext): Json => listInsights(ctx, 'organizations');
export const listProjectRecommendations = (ctx: RequestContext): Json => listRecommendations(ctx, 'projects');
export const listFolderRecommendations = (ctx: RequestContext): Json => listRecommendations(ctx, 'folders');
export const listOrganizationRecommendations = (ctx: RequestContext): Json => listRecommendations(ctx, 'organizations');
