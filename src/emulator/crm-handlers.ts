import { param, type RequestContext } from './context.js';
import { folderV3, organizationV3, projectV1, projectV3 } from './crm-shapes.js';
import { invalidArgument, permissionDenied } from './google-errors.js';
import { authorize, ensureEnabled, flag } from './guards.js';
import { listBody } from './paging.js';
import { renderPolicy, requestedVersion } from './policy.js';
import type { ScenarioFolder, ScenarioPolicy, ScenarioProject } from './scenario.js';

/** Cloud Resource Manager handlers: v3 projects, folders and organisations, and v1 ancestry. */

type Json = Record<string, unknown>;

const CRM_PAGE = { defaultSize: 100, maxSize: 1000 };
const FULL = '//cloudresourcemanager.googleapis.com/';

/** A project by ID or number that the caller may get; anything else is the same 403. */
function visibleProject(ctx: RequestContext, idOrNumber: string, permission = ctx.permission): ScenarioProject {
  const project = ctx.world.project(idOrNumber);
  const resource = `${FULL}projects/${idOrNumber}`;
  const perm = permission ?? 'resourcemanager.projects.get';
  if (!project || !ctx.world.visible(project)) throw permissionDenied(perm, resource, ctx.api);
  ensureEnabled(ctx, project);
  authorize(ctx, resource, project, permission);
  return project;
}

function knownFolder(ctx: RequestContext, id: string): ScenarioFolder {
  const f = ctx.world.folder(id);
  const resource = `${FULL}folders/${id}`;
  if (!f || !ctx.world.granted('resourcemanager.folders.get')) throw permissionDenied(ctx.permission ?? 'resourcemanager.folders.get', resource, ctx.api);
  authorize(ctx, resource);
  return f;
}

function knownOrganization(ctx: RequestContext, id: string): void {
  const resource = `${FULL}organizations/${id}`;
  if (!ctx.world.isOrganization(id) || !ctx.world.granted('resourcemanager.organizations.get')) {
    throw permissionDenied(ctx.permission ?? 'resourcemanager.organizations.get', resource, ctx.api);
  }
  authorize(ctx, resource);
}

/** Resolves `folders/N` or `organizations/N` for a list call; unknown parents are forbidden, not missing. */
function knownParent(ctx: RequestContext, parent: string | null): string {
  if (!parent) throw invalidArgument("Request contains an invalid argument.", 'parent', 'parent is required');
  const m = /^(folders|organizations)\/(\d+)$/.exec(parent);
  if (!m) throw invalidArgument('Request contains an invalid argument.', 'parent', `invalid parent "${parent}"`);
  const exists = m[1] === 'folders' ? ctx.world.folder(m[2] ?? '') !== undefined : ctx.world.isOrganization(m[2] ?? '');
  if (!exists) throw permissionDenied(ctx.permission ?? 'resourcemanager.projects.list', `${FULL}${parent}`, ctx.api);
  authorize(ctx, `${FULL}${parent}`);
  return parent;
}

interface Term {
  field: string;
  value: string;
}

/** The Resource Manager search language: `field:value` terms joined by spaces or AND. */
function parseQuery(query: string | null, fields: readonly string[]): Term[] {
  if (!query || !query.trim()) return [];
  const tokens = query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  const terms: Term[] = [];
  for (const t of tokens) {
    if (t.toUpperCase() === 'AND') continue;
    const m = /^([A-Za-z][A-Za-z0-9_.-]*)\s*[:=]\s*(.+)$/.exec(t);
    if (!m) throw invalidArgument(`Invalid query: ${query}`, 'query', `cannot parse "${t}"`);
    const field = m[1] ?? '';
    const value = (m[2] ?? '').replace(/^"(.*)"$/, '$1');
    if (!fields.includes(field) && !field.startsWith('labels.')) throw invalidArgument(`Invalid query: ${query}`, 'query', `unknown field "${field}"`);
    terms.push({ field, value });
  }
  return terms;
}

function glob(pattern: string, value: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
  return re.test(value);
}

function projectMatches(p: ScenarioProject, terms: Term[]): boolean {
  return terms.every(({ field, value }) => {
    switch (field) {
      case 'parent':
        return p.parent === value;
      case 'parent.type':
        return p.parent.startsWith(value === 'folder' ? 'folders/' : 'organizations/');
      case 'parent.id':
        return p.parent.endsWith(`/${value}`);
      case 'id':
      case 'projectId':
        return glob(value, p.projectId);
      case 'name':
      case 'displayName':
        return glob(value, p.displayName ?? p.projectId);
      case 'state':
      case 'lifecycleState':
        return (p.state ?? 'ACTIVE') === value.toUpperCase();
      case 'projectNumber':
      case 'number':
        return p.number === value;
      default: {
        const key = field.slice('labels.'.length);
        const v = p.labels !== undefined && Object.hasOwn(p.labels, key) ? p.labels[key] : undefined;
        return v !== undefined && (value === '*' || glob(value, v));
      }
    }
  });
}

const PROJECT_FIELDS = ['parent', 'parent.type', 'parent.id', 'id', 'projectId', 'name', 'displayName', 'state', 'lifecycleState', 'projectNumber', 'number'];

export function getProject(ctx: RequestContext): Json {
  return projectV3(visibleProject(ctx, param(ctx, 'project')));
}

export function searchProjects(ctx: RequestContext): Json {
  const terms = parseQuery(ctx.query.get('query'), PROJECT_FIELDS);
  // Search never fails for lack of access: it only returns the projects the caller may get.
  const items = ctx.world.projects.filter((p) => ctx.world.visible(p) && projectMatches(p, terms)).map(projectV3);
  return listBody('projects', items, ctx, CRM_PAGE);
}

export function listProjects(ctx: RequestContext): Json {
  const parent = knownParent(ctx, ctx.query.get('parent'));
  const showDeleted = flag(ctx, 'showDeleted');
  const items = ctx.world.projects
    .filter((p) => p.parent === parent && ctx.world.visible(p) && (showDeleted || (p.state ?? 'ACTIVE') === 'ACTIVE'))
    .map(projectV3);
  return listBody('projects', items, ctx, CRM_PAGE);
}

export function getFolder(ctx: RequestContext): Json {
  return folderV3(knownFolder(ctx, param(ctx, 'folder')));
}

export function listFolders(ctx: RequestContext): Json {
  const parent = knownParent(ctx, ctx.query.get('parent'));
  const items = ctx.world.folderList.filter((f) => f.parent === parent && ctx.world.granted('resourcemanager.folders.get')).map(folderV3);
  return listBody('folders', items, ctx, CRM_PAGE);
}

export function searchFolders(ctx: RequestContext): Json {
  const terms = parseQuery(ctx.query.get('query'), ['displayName', 'parent', 'state', 'lifecycleState']);
  const items = ctx.world.folderList
    .filter((f) => ctx.world.granted('resourcemanager.folders.get'))
    .filter((f) =>
      terms.every(({ field, value }) =>
        field === 'displayName' ? glob(value, f.displayName) : field === 'parent' ? f.parent === value : field === 'state' || field === 'lifecycleState' ? value.toUpperCase() === 'ACTIVE' : false,
      ),
    )
    .map(folderV3);
  return listBody('folders', items, ctx, CRM_PAGE);
}

export function getOrganization(ctx: RequestContext): Json {
  const id = param(ctx, 'organization');
  knownOrganization(ctx, id);
  return organizationV3(ctx.world.scenario);
}

export function searchOrganizations(ctx: RequestContext): Json {
  const terms = parseQuery(ctx.query.get('query'), ['domain', 'directoryCustomerId']);
  const o = ctx.world.scenario.organization;
  const ok =
    ctx.world.granted('resourcemanager.organizations.get') &&
    terms.every(({ field, value }) => (field === 'domain' ? o.displayName === value : o.directoryCustomerId === value));
  return listBody('organizations', ok ? [organizationV3(ctx.world.scenario)] : [], ctx, CRM_PAGE);
}

function policyAnswer(ctx: RequestContext, policy: ScenarioPolicy | undefined, resource: string): Json {
  return { ...renderPolicy(policy, requestedVersion(ctx), resource) };
}

export function getProjectIamPolicy(ctx: RequestContext): Json {
  const p = visibleProject(ctx, param(ctx, 'project'));
  return policyAnswer(ctx, p.iamPolicy, `projects/${p.number}`);
}

export function getFolderIamPolicy(ctx: RequestContext): Json {
  const f = knownFolder(ctx, param(ctx, 'folder'));
  return policyAnswer(ctx, f.iamPolicy, `folders/${f.id}`);
}

export function getOrganizationIamPolicy(ctx: RequestContext): Json {
  const id = param(ctx, 'organization');
  knownOrganization(ctx, id);
  return policyAnswer(ctx, ctx.world.scenario.organization.iamPolicy, `organizations/${id}`);
}

function requestedPermissions(ctx: RequestContext): string[] {
  const b = ctx.body;
  const perms = b && typeof b === 'object' && 'permissions' in b ? (b as { permissions?: unknown }).permissions : undefined;
  if (perms === undefined) return [];
  if (!Array.isArray(perms) || perms.some((x) => typeof x !== 'string')) {
    throw invalidArgument('Invalid JSON payload received. Invalid value at \'permissions\'.', 'permissions', 'must be a list of strings');
  }
  return [...new Set(perms as string[])];
}

function testAnswer(granted: string[]): Json {
  return granted.length > 0 ? { permissions: granted } : {};
}

/** testIamPermissions needs no permission: it only requires that the resource exists. */
function existing(ctx: RequestContext, kind: 'projects' | 'folders' | 'organizations', id: string): ScenarioProject | undefined {
  const resource = `${FULL}${kind}/${id}`;
  if (kind === 'projects') {
    const p = ctx.world.project(id);
    if (!p) throw permissionDenied('resourcemanager.projects.get', resource, ctx.api);
    ensureEnabled(ctx, p);
    return p;
  }
  const known = kind === 'folders' ? ctx.world.folder(id) !== undefined : ctx.world.isOrganization(id);
  if (!known) throw permissionDenied(`resourcemanager.${kind}.get`, resource, ctx.api);
  return undefined;
}

export function testProjectPermissions(ctx: RequestContext): Json {
  const p = existing(ctx, 'projects', param(ctx, 'project'));
  return testAnswer(requestedPermissions(ctx).filter((perm) => ctx.world.granted(perm, p)));
}

export function testFolderPermissions(ctx: RequestContext): Json {
  existing(ctx, 'folders', param(ctx, 'folder'));
  return testAnswer(requestedPermissions(ctx).filter((perm) => ctx.world.granted(perm)));
}

export function testOrganizationPermissions(ctx: RequestContext): Json {
  existing(ctx, 'organizations', param(ctx, 'organization'));
  return testAnswer(requestedPermissions(ctx).filter((perm) => ctx.world.granted(perm)));
}

export function getProjectV1(ctx: RequestContext): Json {
  return projectV1(visibleProject(ctx, param(ctx, 'project')));
}

export function getAncestry(ctx: RequestContext): Json {
  const p = visibleProject(ctx, param(ctx, 'project'));
  const ancestor = [{ resourceId: { type: 'project', id: p.projectId } }];
  for (const a of ctx.world.ancestry(p.parent)) {
    const [kind, id] = a.split('/');
    ancestor.push({ resourceId: { type: kind === 'folders' ? 'folder' : 'organization', id: id ?? '' } });
  }
  return { ancestor };
}

export function getProjectIamPolicyV1(ctx: RequestContext): Json {
  const p = visibleProject(ctx, param(ctx, 'project'));
  return policyAnswer(ctx, p.iamPolicy, `projects/${p.number}`);
}
