import { describe, expect, test } from 'vitest';
import { API_HOST } from '../../src/google/apis.js';
import { GOOGLE_CALLS, METHOD_CALLS, permissionsFor, type CallId, type CallSpec } from '../../src/google/permissions.js';
import { ROUTE_PERMISSIONS } from '../../src/emulator/routes.js';
import { permissionPlan } from '../../src/permissions/plan.js';
import { scannerRoles, smallestRoleCover } from '../../src/permissions/roles.js';

/** `{anything}` → `{}`, and a `{scope}` standing for projects/folders/organisations expanded to those three. */
function shapes(path: string): string[] {
  const norm = (p: string) => p.replace(/\{[A-Za-z]+\}/g, '{}');
  if (!path.includes('{scope}')) return [norm(path)];
  return ['projects/{project}', 'folders/{folder}', 'organizations/{organization}'].map((s) => norm(path.replace('{scope}', s)));
}

const rows = Object.entries(GOOGLE_CALLS) as [CallId, CallSpec][];

describe("the scanner's table of API calls", () => {
  test.each(rows.map(([id, spec]) => [id, spec] as const))('%s is served by the emulator with the same permission', (_id, spec) => {
    for (const shape of shapes(spec.path)) {
      const route = ROUTE_PERMISSIONS.find((r) => r.method === spec.http && r.path.replace(/\{[A-Za-z]+\}/g, '{}') === shape);
      expect(route, `${spec.http} ${shape}`).toBeDefined();
      expect(route?.api).toBe(API_HOST[spec.api]);
      expect([route?.permission ?? null, ...(route?.variantPermissions ?? [])]).toContain(spec.permission);
    }
  });

  test('every row is reachable from a GoogleApi method, and every method names rows that exist', () => {
    const named = new Set(Object.values(METHOD_CALLS).flat());
    expect(rows.map(([id]) => id).filter((id) => !named.has(id))).toEqual([]);
    for (const ids of Object.values(METHOD_CALLS)) for (const id of ids) expect(GOOGLE_CALLS).toHaveProperty([id]);
  });

  test('a permission is tested where it is granted: rows with a permission say where, rows without say nowhere', () => {
    for (const [id, spec] of rows) expect([id, spec.permission === null]).toEqual([id, spec.checkedOn.length === 0]);
  });

  test('the core audit needs exactly these 18 read permissions', () => {
    expect(permissionsFor({})).toEqual([
      'iam.roles.get',
      'iam.serviceAccountKeys.list',
      'iam.serviceAccounts.get',
      'iam.serviceAccounts.getIamPolicy',
      'iam.serviceAccounts.list',
      'resourcemanager.folders.get',
      'resourcemanager.folders.getIamPolicy',
      'resourcemanager.folders.list',
      'resourcemanager.organizations.get',
      'resourcemanager.organizations.getIamPolicy',
      'resourcemanager.projects.get',
      'resourcemanager.projects.getIamPolicy',
      'resourcemanager.projects.list',
      'run.jobs.list',
      'run.locations.list',
      'run.revisions.list',
      'run.services.getIamPolicy',
      'run.services.list',
    ]);
    expect(permissionsFor({ discovery: false })).not.toContain('resourcemanager.projects.list');
    expect(permissionsFor({}).every((p) => /\.(get|list|getIamPolicy)$/.test(p))).toBe(true);
  });
});

describe('predefined roles', () => {
  test('the core audit is covered by roles/browser and roles/iam.securityReviewer', () => {
    const plan = permissionPlan({});
    expect(plan.predefinedRoles).toEqual(['roles/browser', 'roles/iam.securityReviewer']);
    expect(plan.uncovered).toEqual([]);
  });

  test('the cover is the smallest: no single role holds everything, and the pair holds every permission', () => {
    const needed = permissionsFor({});
    for (const r of scannerRoles()) expect(needed.every((p) => r.includedPermissions.includes(p))).toBe(false);
    const held = new Set(scannerRoles().filter((r) => ['roles/browser', 'roles/iam.securityReviewer'].includes(r.name)).flatMap((r) => r.includedPermissions));
    expect(needed.filter((p) => !held.has(p))).toEqual([]);
  });

  test('smallest cover prefers fewer roles over a greedy pick, and names what no role holds', () => {
    const roles = [
      { name: 'roles/a', title: 'A', source: 't', includedPermissions: ['p1', 'p2', 'p3', 'p4'] },
      { name: 'roles/b', title: 'B', source: 't', includedPermissions: ['p1', 'p2', 'p5'] },
      { name: 'roles/c', title: 'C', source: 't', includedPermissions: ['p3', 'p4', 'p6'] },
    ];
    // Greedy takes roles/a first and then needs both b and c; two roles are enough.
    expect(smallestRoleCover(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'], roles)).toEqual({ roles: ['roles/b', 'roles/c'], uncovered: [] });
    // Among single roles holding p1, roles/b grants the fewest permissions beyond those asked for.
    expect(smallestRoleCover(['p1', 'zz'], roles)).toEqual({ roles: ['roles/b'], uncovered: ['zz'] });
  });

  test('every role definition names where it was copied from', () => {
    for (const r of scannerRoles()) expect(r.source).toMatch(/^iann0036\/iam-dataset@[0-9a-f]{40}:gcp\/roles\/.+\.json$/);
  });
});
