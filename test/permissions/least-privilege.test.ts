import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectInventory } from '../../src/collect/collect.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import type { Report } from '../../src/model/finding.js';
import type { Inventory } from '../../src/model/inventory.js';
import { UserError } from '../../src/errors.js';
import { demoScenario } from '../emulator/clients.js';
import { runCli } from '../e2e/cli.js';

const ORG = '482915736104';

/** The demo organisation with its deliberate gaps (a disabled API, a project denying run.*) taken out. */
function wholeDemo(): Scenario {
  const s = demoScenario();
  for (const p of s.projects) {
    delete p.disabledApis;
    delete p.deniedPermissions;
  }
  return s;
}

let listed: string[];

beforeAll(async () => {
  const res = await runCli(['permissions', '--format', 'json']);
  expect(res.code).toBe(0);
  listed = (JSON.parse(res.stdout) as { permissions: { permission: string }[] }).permissions.map((p) => p.permission);
});

async function collectWith(allowed: string[], scope: Inventory['scope']): Promise<Inventory> {
  const emu = await startEmulator({ scenario: wholeDemo(), allowedPermissions: new Set(allowed) });
  try {
    return await collectInventory({ scope, endpoint: emu.url, concurrency: 8 });
  } finally {
    await emu.close();
  }
}

function size(inv: Inventory): string {
  const services = inv.projects.reduce((n, p) => n + p.services.length, 0);
  return `${inv.projects.length} projects, ${inv.folders.length} folders, ${services} services, ${inv.roles.length} roles`;
}

describe('`permissions` lists every permission the audit uses, and nothing more', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ scenario: wholeDemo(), allowedPermissions: new Set(listed) });
  });
  afterAll(async () => {
    await emu.close();
  });

  test('an audit of the whole organisation by an identity holding exactly the listed permissions is complete', async () => {
    const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--format', 'json', '--quiet', '--fail-on', 'none']);
    expect(res.stderr).toBe('');
    const report = JSON.parse(res.stdout) as Report;
    expect(report.errors).toEqual([]);
    expect(report.summary.projects).toBe(6);
    expect(res.code).toBe(0);
    // Every request the audit made needed a listed permission, or none.
    const used = new Set(emu.requests.flatMap((r) => (r.permission !== undefined ? [r.permission] : [])));
    expect([...used].filter((p) => !listed.includes(p))).toEqual([]);
    expect(emu.requests.filter((r) => r.status === 403)).toEqual([]);
  });

  test('removing any one listed permission leaves the audit incomplete or smaller', async () => {
    const scope = { kind: 'organization' as const, ids: [ORG], regions: [] };
    const full = await collectWith(listed, scope);
    expect(full.errors).toEqual([]);
    const outcomes: Record<string, string> = {};
    for (const p of listed) {
      try {
        const inv = await collectWith(
          listed.filter((x) => x !== p),
          scope,
        );
        outcomes[p] = inv.errors.length > 0 ? 'incomplete' : size(inv) !== size(full) ? 'smaller' : 'SAME';
      } catch (e) {
        // Without it the scope itself cannot be read: the audit stops with exit 2 and says so.
        outcomes[p] = e instanceof UserError ? 'refused' : String(e);
      }
    }
    // Folder and project listings only return what the caller may get (as at Google), so without those two the
    // scan silently shrinks (which is what `doctor` is for); every other permission is refused loudly.
    const expected: Record<string, string> = {
      'resourcemanager.folders.get': 'smaller',
      'resourcemanager.projects.get': 'smaller',
      'resourcemanager.organizations.get': 'refused',
      // Used only with --region (which regions each project offers): an unfiltered scan lists across regions.
      'run.locations.list': 'SAME',
      // Identities come from one account list per project; each is read with get instead when the list is
      // refused, and get alone serves identities from outside the scope (the demo has none): either one suffices here.
      'iam.serviceAccounts.list': 'SAME',
      'iam.serviceAccounts.get': 'SAME',
    };
    expect(outcomes).toEqual(Object.fromEntries(listed.map((p) => [p, expected[p] ?? 'incomplete'])));
  });
});
