import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { permissionsFor } from '../../src/google/permissions.js';
import { roleFor } from '../../src/permissions/advice.js';
import { runCli } from '../e2e/cli.js';

const ORG = '482915736104';

/** The role `audit` tells the user to grant for a denied permission, from the report's errors. */
async function auditAdvice(args: string[]): Promise<Map<string, string>> {
  const res = await runCli(['audit', ...args, '--format', 'json', '--quiet', '--fail-on', 'none']);
  expect(res.code).toBe(3);
  const report = JSON.parse(res.stdout) as { errors: { message: string }[] };
  const out = new Map<string, string>();
  for (const e of report.errors) {
    const m = /^permission (\S+) denied on .*: grant the scanner (roles\/\S+) on it$/.exec(e.message);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** The roles `doctor` grants on one resource, from its JSON. */
async function doctorRoles(args: string[], resource: string): Promise<{ missing: string[]; fix: string[] }> {
  const res = await runCli(['doctor', ...args, '--format', 'json']);
  expect(res.code).toBe(3);
  const out = JSON.parse(res.stdout) as { nodes: { resource: string; missing: string[]; fix: string[] }[] };
  return out.nodes.find((n) => n.resource === resource)!;
}

describe('one source of advice for a missing permission', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH) });
  });
  afterAll(async () => {
    await emu.close();
  });

  test('the demo project that denies run.*: audit and doctor name the same role, roles/run.viewer', async () => {
    const audit = await auditAdvice(['--organization', ORG, '--endpoint', emu.url]);
    expect(audit.get('run.services.list')).toBe('roles/run.viewer');
    expect(audit.get('run.jobs.list')).toBe('roles/run.viewer');
    const doctor = await doctorRoles(['--organization', ORG, '--endpoint', emu.url], 'projects/acme-legacy-billing');
    expect(doctor.fix).toEqual(['gcloud projects add-iam-policy-binding acme-legacy-billing --member=REPLACE_WITH_MEMBER --role=roles/run.viewer']);
  }, 60_000);

  test.each(['resourcemanager.projects.getIamPolicy', 'iam.serviceAccountKeys.list', 'run.services.getIamPolicy'])(
    'an identity lacking only %s: doctor grants the very role audit names',
    async (permission) => {
      const narrow = await startEmulator({
        scenario: loadScenario(DEMO_SCENARIO_PATH),
        allowedPermissions: new Set(permissionsFor({}).filter((p) => p !== permission)),
      });
      try {
        const args = ['--project', 'acme-web-prod', '--endpoint', narrow.url];
        const audit = await auditAdvice(args);
        const doctor = await doctorRoles(args, 'projects/acme-web-prod');
        expect(doctor.missing).toEqual([permission]);
        expect(audit.get(permission)).toBe(roleFor(permission));
        expect(doctor.fix).toEqual([`gcloud projects add-iam-policy-binding acme-web-prod --member=REPLACE_WITH_MEMBER --role=${roleFor(permission)}`]);
      } finally {
        await narrow.close();
      }
    },
    60_000,
  );

  test('the narrowest role that holds the permission', () => {
    expect(roleFor('run.services.list')).toBe('roles/run.viewer');
    expect(roleFor('resourcemanager.projects.getIamPolicy')).toBe('roles/browser');
    expect(roleFor('iam.roles.get')).toBe('roles/iam.roleViewer');
    expect(roleFor('resourcemanager.organizations.get')).toBe('roles/resourcemanager.organizationViewer');
    expect(roleFor('cloudasset.assets.searchAllIamPolicies')).toBe('roles/cloudasset.viewer');
    expect(roleFor('storage.objects.create')).toBeUndefined();
  });
});

describe('doctor --member', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH) });
  });
  afterAll(async () => {
    await emu.close();
  });

  test('fills the member into every grant command, and then says nothing of a placeholder', async () => {
    const res = await runCli(['doctor', '--organization', ORG, '--endpoint', emu.url, '--member', 'user:x@y.example']);
    expect(res.code).toBe(3);
    expect(res.stdout).toContain("         gcloud projects add-iam-policy-binding acme-legacy-billing --member=user:x@y.example --role=roles/run.viewer\n");
    expect(res.stdout).not.toContain('REPLACE_WITH_MEMBER');
  }, 60_000);

  test('a --member without its type is refused, exit 2, before any request', async () => {
    const before = emu.requests.length;
    const res = await runCli(['doctor', '--organization', ORG, '--endpoint', emu.url, '--member', 'x@y.example']);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toBe(
      'cloudrun-auditor: --member must be an IAM member such as user:ana@example.com or serviceAccount:auditor@sec-tools.iam.gserviceaccount.com, got "x@y.example"',
    );
    expect(emu.requests.length).toBe(before);
  });
});
