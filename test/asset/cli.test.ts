import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { Report } from '../../src/model/finding.js';
import { runCli } from '../e2e/cli.js';

const ORG = '482915736104';
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), maxPageSize: 3 });
});
afterAll(async () => {
  await emu?.close();
});

function summarise(r: Report): string[] {
  return r.findings.map((f) => `${f.severity} ${f.ruleId} ${f.resource}`);
}

/** What CAI adds: invoice-legacy, in the project where the scanner may not use the Run API, runs as its default identity (an Editor). */
const ONLY_VIA_CAI = [
  'high default-identity projects/acme-legacy-billing/locations/us-central1/services/invoice-legacy',
  'high primitive-role projects/acme-legacy-billing/locations/us-central1/services/invoice-legacy',
  'high privilege-escalation projects/acme-legacy-billing/locations/us-central1/services/invoice-legacy',
];

describe('audit --source asset-inventory through the CLI', () => {
  test('finds what the API source finds on the demo organisation, plus the workload the Run API hid, and nothing is unreadable', async () => {
    const api = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--format', 'json']);
    const cai = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--format', 'json', '--source', 'asset-inventory']);
    expect([api.code, cai.code]).toEqual([1, 1]);
    const a = JSON.parse(api.stdout) as Report;
    const c = JSON.parse(cai.stdout) as Report;
    expect([...summarise(c)].sort()).toEqual([...summarise(a), ...ONLY_VIA_CAI].sort());
    // The project without run.* permissions is unreadable (both its lists); the one with the Run API off is not an error.
    expect(a.errors.map((e) => e.project)).toEqual(['acme-legacy-billing', 'acme-legacy-billing']);
    expect(c.errors).toEqual([]);
  }, 120_000);

  test('collect --source asset-inventory writes a complete snapshot (exit 0)', async () => {
    const out = `${process.env['TMPDIR'] ?? '/tmp'}/cra-cai-${process.pid}.json`;
    const res = await runCli(['collect', '--organization', ORG, '--endpoint', emu.url, '--source', 'asset-inventory', '--output', out]);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe(`wrote ${out}: 6 projects, 10 services, 3 jobs\n`);
  }, 60_000);

  test('with --project: exit 2 and one line saying why, before any request', async () => {
    const before = emu.requests.length;
    const res = await runCli(['audit', '--project', 'acme-web-prod', '--endpoint', emu.url, '--source', 'asset-inventory']);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toBe(
      'cloudrun-auditor: --source asset-inventory searches a whole folder or organisation: use it with --folder or --organization (use the default --source api for --project)',
    );
    expect(emu.requests.length).toBe(before);
  });

  test('an unknown --source is a usage error', async () => {
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--source', 'cai']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Invalid values');
  });

  test('without roles/cloudasset.viewer: exit 3, the report lists both searches with the fix', async () => {
    const allowed = new Set(['resourcemanager.projects.get', 'resourcemanager.projects.list', 'resourcemanager.folders.get', 'resourcemanager.folders.list', 'resourcemanager.organizations.get']);
    const narrow = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), allowedPermissions: allowed });
    try {
      const res = await runCli(['audit', '--organization', ORG, '--endpoint', narrow.url, '--format', 'json', '--source', 'asset-inventory']);
      expect(res.code).toBe(3);
      const r = JSON.parse(res.stdout) as Report;
      expect(r.findings).toEqual([]);
      expect([...new Set(r.errors.map((e) => e.message))].sort()).toEqual([
        `permission cloudasset.assets.searchAllIamPolicies denied on organizations/${ORG}: grant the scanner roles/cloudasset.viewer on it`,
        `permission cloudasset.assets.searchAllResources denied on organizations/${ORG}: grant the scanner roles/cloudasset.viewer on it`,
      ]);
    } finally {
      await narrow.close();
    }
  }, 60_000);
});
