import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';
import { param, type RequestContext } from './context.js';
import { invalidArgument, notFound, permissionDenied } from './google-errors.js';
import { authorize, ensureEnabled, flag, projectFor } from './guards.js';
import { accountJson, customRoleJson, keyJson, roleView, uniqueIdOf, type PredefinedRole } from './iam-shapes.js';
import { listBody } from './paging.js';
import { renderPolicy, requestedVersion } from './policy.js';
import type { ScenarioCustomRole } from './scenario.js';
import { accountEmail, type AccountRef } from './world.js';

/** IAM v1 handlers: service accounts, their keys and policies, predefined and custom roles. */

type Json = Record<string, unknown>;

let predefined: Map<string, PredefinedRole> | undefined;

/** Predefined roles as IAM serves them (real data, see the file's `_source`). */
export function predefinedRoles(): Map<string, PredefinedRole> {
  if (!predefined) {
    const file = JSON.parse(readFileSync(packagePath('src', 'emulator', 'data', 'predefined-roles.json'), 'utf8')) as { roles: PredefinedRole[] };
    predefined = new Map(file.roles.map((r) => [r.name, r]));
  }
  return predefined;
}

function account(ctx: RequestContext): AccountRef {
  const p = param(ctx, 'project');
  const id = param(ctx, 'account');
  const resource = `projects/${p}/serviceAccounts/${id}`;
  const ref = ctx.world.account(id, uniqueIdOf);
  if (!ref || ref.account.deleted) {
    // With a named project, the permission is checked there first; then the account is simply unknown.
    if (p !== '-') projectFor(ctx, p, resource);
    throw notFound(`Unknown service account`);
  }
  ensureEnabled(ctx, ref.project);
  authorize(ctx, resource, ref.project);
  return ref;
}

export function listAccounts(ctx: RequestContext): Json {
  const p = param(ctx, 'project');
  const project = projectFor(ctx, p, `projects/${p}`);
  const items = (project.serviceAccounts ?? [])
    .filter((a) => !a.deleted)
    .map((a) => accountJson({ account: a, project, email: accountEmail(a, project) }));
  return listBody('accounts', items, ctx, { defaultSize: 20, maxSize: 100 });
}

export function getAccount(ctx: RequestContext): Json {
  return accountJson(account(ctx));
}

export function getAccountIamPolicy(ctx: RequestContext): Json {
  const ref = account(ctx);
  return { ...renderPolicy(ref.account.iamPolicy, requestedVersion(ctx), `projects/${ref.project.projectId}/serviceAccounts/${ref.email}`) };
}

const KEY_TYPES = new Set(['USER_MANAGED', 'SYSTEM_MANAGED', 'KEY_TYPE_UNSPECIFIED']);

export function listKeys(ctx: RequestContext): Json {
  const ref = account(ctx);
  const types = ctx.query.getAll('keyTypes');
  for (const t of types) if (!KEY_TYPES.has(t)) throw invalidArgument(`Invalid value at 'key_types' (type.googleapis.com/google.iam.admin.v1.ListServiceAccountKeysRequest.KeyType), "${t}"`, 'key_types');
  const wanted = types.filter((t) => t !== 'KEY_TYPE_UNSPECIFIED');
  // Keys are never paged.
  const keys = (ref.account.keys ?? []).filter((k) => wanted.length === 0 || wanted.includes(k.keyType)).map((k) => keyJson(ref, k));
  return keys.length > 0 ? { keys } : {};
}

function view(ctx: RequestContext): boolean {
  const v = ctx.query.get('view');
  if (v === null || v === '' || v === 'BASIC') return false;
  if (v === 'FULL') return true;
  throw invalidArgument(`Invalid value at 'view' (type.googleapis.com/google.iam.admin.v1.RoleView), "${v}"`, 'view');
}

const ROLE_PAGE = { defaultSize: 300, maxSize: 1000 };

export function getPredefinedRole(ctx: RequestContext): Json {
  const name = `roles/${param(ctx, 'role')}`;
  const role = predefinedRoles().get(name);
  if (!role) throw notFound(`The role named ${name} was not found.`);
  return roleView(role, true);
}

export function listRoles(ctx: RequestContext): Json {
  const parent = ctx.query.get('parent');
  if (parent) {
    const m = /^(projects|organizations)\/([^/]+)$/.exec(parent);
    if (!m) throw invalidArgument('Request contains an invalid argument.', 'parent', `invalid parent "${parent}"`);
    return customRoleList(ctx, m[1] === 'projects' ? 'project' : 'organization', m[2] ?? '', 'iam.roles.list');
  }
  const full = view(ctx);
  const items = [...predefinedRoles().values()].map((r) => roleView(r, full));
  return listBody('roles', items, ctx, ROLE_PAGE);
}

function customRoles(ctx: RequestContext, kind: 'project' | 'organization', id: string, permission: string): { roles: ScenarioCustomRole[]; prefix: string } {
  if (kind === 'project') {
    const resource = `projects/${id}`;
    const project = projectFor(ctx, id, resource);
    authorize(ctx, resource, project, permission);
    return { roles: project.customRoles ?? [], prefix: `projects/${project.projectId}/roles/` };
  }
  const resource = `organizations/${id}`;
  if (!ctx.world.isOrganization(id)) throw permissionDenied(permission, resource, ctx.api);
  authorize(ctx, resource, undefined, permission);
  return { roles: ctx.world.scenario.organization.customRoles ?? [], prefix: `organizations/${id}/roles/` };
}

function customRoleList(ctx: RequestContext, kind: 'project' | 'organization', id: string, permission: string): Json {
  const full = view(ctx);
  const showDeleted = flag(ctx, 'showDeleted');
  const { roles } = customRoles(ctx, kind, id, permission);
  const items = roles.filter((r) => showDeleted || !r.deleted).map((r) => customRoleJson(r, full));
  return listBody('roles', items, ctx, ROLE_PAGE);
}

function customRoleGet(ctx: RequestContext, kind: 'project' | 'organization', id: string): Json {
  const { roles, prefix } = customRoles(ctx, kind, id, ctx.permission ?? 'iam.roles.get');
  const name = prefix + param(ctx, 'role');
  const role = roles.find((r) => r.roleId === name);
  if (!role) throw notFound(`The role named ${name} was not found.`);
  return customRoleJson(role, true);
}

export function getProjectRole(ctx: RequestContext): Json {
  return customRoleGet(ctx, 'project', param(ctx, 'project'));
}

export function listProjectRoles(ctx: RequestContext): Json {
  return customRoleList(ctx, 'project', param(ctx, 'project'), ctx.permission ?? 'iam.roles.list');
}

export function getOrganizationRole(ctx: RequestContext): Json {
  return customRoleGet(ctx, 'organization', param(ctx, 'organization'));
}

export function listOrganizationRoles(ctx: RequestContext): Json {
  return customRoleList(ctx, 'organization', param(ctx, 'organization'), ctx.permission ?? 'iam.roles.list');
}
