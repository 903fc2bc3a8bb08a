import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { permissionsFor } from '../../src/google/permissions.js';
import { runCli } from '../e2e/cli.js';

const ORG = '482915736104';
const PLACEHOLDER_NOTE =
  "REPLACE_WITH_MEMBER in the commands above stands for the scanner's identity: replace it (user:…, serviceAccount:…, group:…), or rerun with --member, e.g. --member user:ana@example.com";
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH) });
});
afterAll(async () => {
  await emu.close();
});

describe('doctor', () => {
  test('the demo organisation: every node tested, the project denying run.* and the disabled API named with their fixes, exit 3', async () => {
    const before = emu.requests.length;
    const res = await runCli(['doctor', '--organization', ORG, '--endpoint', emu.url]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(
      [
        `ok       organizations/${ORG}: all 5 permissions held`,
        'ok       folders/284619375502: all 4 permissions held',
        'ok       folders/619283740015: all 4 permissions held',
        'ok       folders/731045829163: all 4 permissions held',
        'ok       projects/acme-data-prod: all 12 permissions held',
        'MISSING  projects/acme-legacy-billing: run.jobs.list, run.locations.list, run.revisions.list, run.services.getIamPolicy, run.services.list',
        '         gcloud projects add-iam-policy-binding acme-legacy-billing --member=REPLACE_WITH_MEMBER --role=roles/run.viewer',
        'ok       projects/acme-payments-prod: all 12 permissions held',
        'ok       projects/acme-shared-svcs: all 12 permissions held',
        'ok       projects/acme-web-prod: all 12 permissions held',
        'ok       projects/acme-web-staging: all 12 permissions held',
        'ok       iam.googleapis.com (caller project): enabled',
        'ok       run.googleapis.com in project acme-data-prod: enabled',
        'UNKNOWN  run.googleapis.com in project acme-legacy-billing: permission run.locations.list denied on project acme-legacy-billing: grant the scanner roles/run.viewer on it',
        'ok       run.googleapis.com in project acme-payments-prod: enabled',
        'DISABLED run.googleapis.com in project acme-shared-svcs: run.googleapis.com is disabled in project acme-shared-svcs: enable it with "gcloud services enable run.googleapis.com --project=acme-shared-svcs"',
        '         gcloud services enable run.googleapis.com --project=acme-shared-svcs',
        'ok       run.googleapis.com in project acme-web-prod: enabled',
        'ok       run.googleapis.com in project acme-web-staging: enabled',
        `NOTE     ${PLACEHOLDER_NOTE}`,
        'not ready: 1 of 10 resources lack permissions, 2 API checks failed',
        '',
      ].join('\n'),
    );
    expect(res.code).toBe(3);
    // One testIamPermissions per node; the permissions asked for on the organisation are exactly those checked there.
    const tests = emu.requests.slice(before).filter((r) => r.path.endsWith(':testIamPermissions'));
    expect(tests.length).toBe(10);
  });

  test('a --project scope checks the project and what is above it, without the folder-walking permissions; exit 0 when all is in place', async () => {
    const res = await runCli(['doctor', '--project', 'acme-web-prod', '--endpoint', emu.url, '--format', 'json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { ok: boolean; nodes: { resource: string; needed: string[]; missing: string[] }[] };
    expect(out.ok).toBe(true);
    expect(out.nodes.map((n) => [n.resource, n.needed])).toEqual([
      [`organizations/${ORG}`, ['iam.roles.get', 'resourcemanager.organizations.get', 'resourcemanager.organizations.getIamPolicy']],
      ['folders/731045829163', ['resourcemanager.folders.get', 'resourcemanager.folders.getIamPolicy']],
      ['projects/acme-web-prod', permissionsFor({}).filter((p) => !/(folders|organizations)\.|projects\.list$/.test(p))],
    ]);
  });

  test('an identity lacking two permissions is told which, where, and the predefined role that grants them', async () => {
    const allowed = new Set(permissionsFor({}).filter((p) => p !== 'resourcemanager.folders.getIamPolicy' && p !== 'iam.serviceAccountKeys.list'));
    const narrow = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), allowedPermissions: allowed });
    try {
      const res = await runCli(['doctor', '--project', 'acme-web-prod', '--endpoint', narrow.url]);
      expect(res.stdout.split('\n').filter((l) => !l.startsWith('ok'))).toEqual([
        'MISSING  folders/731045829163: resourcemanager.folders.getIamPolicy',
        '         gcloud resource-manager folders add-iam-policy-binding 731045829163 --member=REPLACE_WITH_MEMBER --role=roles/iam.securityReviewer',
        'MISSING  projects/acme-web-prod: iam.serviceAccountKeys.list',
        '         gcloud projects add-iam-policy-binding acme-web-prod --member=REPLACE_WITH_MEMBER --role=roles/iam.securityReviewer',
        `NOTE     ${PLACEHOLDER_NOTE}`,
        'not ready: 2 of 3 resources lack permissions, 0 API checks failed',
        '',
      ]);
      expect(res.code).toBe(3);
    } finally {
      await narrow.close();
    }
  });

  test('permissions --usage-insights adds the two Recommender permissions, which roles/iam.securityReviewer already holds', async () => {
    const res = await runCli(['permissions', '--usage-insights', '--format', 'json']);
    expect(res.code).toBe(0);
    const plan = JSON.parse(res.stdout) as { permissions: { permission: string }[]; predefinedRoles: string[] };
    const perms = plan.permissions.map((p) => p.permission);
    expect(perms.filter((p) => !permissionsFor({}).includes(p))).toEqual(['recommender.iamPolicyInsights.list', 'recommender.iamPolicyRecommendations.list', 'recommender.runServiceIdentityRecommendations.list']);
    expect(plan.predefinedRoles).toEqual(['roles/browser', 'roles/iam.securityReviewer']);
  });
});
