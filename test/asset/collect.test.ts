import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { Inventory, Scope } from '../../src/model/inventory.js';
import { ORG_SCOPE, collect, normalised } from '../collect/helpers.js';
import { callsByApi } from './helpers.js';

/**
 * The asset-inventory source against the API source, on the demo organisation served by one emulator.
 * The two differ only where CAI sees what the project's own APIs refuse: see the README ("Cloud Asset Inventory").
 */

const LEGACY = 'acme-legacy-billing';
const SHARED = 'acme-shared-svcs';
const STAGING_FOLDER: Scope = { kind: 'folder', ids: ['619283740015'], regions: [] };

let emu: RunningEmulator;
let viaApi: Inventory;
let viaCai: Inventory;
let caiRequests: RunningEmulator['requests'];

beforeAll(async () => {
  // One result per page: every CAI listing with more than one result is read over several pages.
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), maxPageSize: 1 });
  viaApi = await collect(emu.url, ORG_SCOPE);
  const before = emu.requests.length;
  viaCai = await collect(emu.url, ORG_SCOPE, { source: 'asset-inventory' });
  caiRequests = emu.requests.slice(before);
}, 120_000);

afterAll(async () => {
  await emu?.close();
});

/** The inventory with the two projects the sources see differently taken out, and errors about them dropped. */
function withoutDifferences(inv: Inventory): Inventory {
  const n = normalised(inv);
  return {
    ...n,
    projects: n.projects.map((p) => {
      if (p.projectId !== LEGACY && p.projectId !== SHARED) return p;
      // CAI cannot tell that the Run API is disabled: it simply holds no Run resource there.
      const { runApiDisabled: _, ...rest } = p;
      return { ...rest, regions: [], services: [], jobs: [], complete: true };
    }),
    serviceAccounts: n.serviceAccounts.filter((a) => a.projectId !== LEGACY),
    errors: n.errors.filter((e) => e.project !== LEGACY && e.project !== SHARED),
  };
}

describe('the demo organisation through Cloud Asset Inventory', () => {
  test('is the same inventory as the API source, except the two projects whose Run API refuses the scanner', () => {
    expect(withoutDifferences(viaCai)).toEqual(withoutDifferences(viaApi));
  });

  test('sees the workloads of the project where run.* is denied, and reports nothing unreadable', () => {
    expect(viaApi.errors.map((e) => `${e.project} ${e.method} ${e.reason}`)).toEqual([
      `${LEGACY} namespaces.jobs.list IAM_PERMISSION_DENIED`,
      `${LEGACY} services.list IAM_PERMISSION_DENIED`,
    ]);
    expect(viaApi.projects.find((p) => p.projectId === SHARED)?.runApiDisabled).toBe(true);
    expect(viaCai.errors).toEqual([]);
    const legacy = viaCai.projects.find((p) => p.projectId === LEGACY);
    expect(legacy?.complete).toBe(true);
    expect(legacy?.services.map((s) => `${s.name} ${s.serviceAccount} ${s.revisions.map((r) => r.revisionId).join(',')}`)).toEqual([
      'projects/acme-legacy-billing/locations/us-central1/services/invoice-legacy 954120387746-compute@developer.gserviceaccount.com invoice-legacy-00001-dzo',
    ]);
    // The Run API was never enabled in acme-shared-svcs: CAI holds no Run resource there, and that is complete.
    const shared = viaCai.projects.find((p) => p.projectId === SHARED);
    expect([shared?.services.length, shared?.jobs.length, shared?.complete]).toEqual([0, 0, true]);
  });

  test('makes no Run request and no per-project Resource Manager or IAM read: CAI pages, the tree walk, and role definitions', () => {
    const byApi = callsByApi(caiRequests);
    expect(byApi['run.googleapis.com'] ?? 0).toBe(0);
    // One result per page: 10 services, 11 revisions, 3 jobs, 14 accounts, 2 keys; policies on the organisation,
    // 1 folder, 6 projects, 5 services (and one empty page for service accounts, which hold none).
    expect(byApi['cloudasset.googleapis.com']).toBe(10 + 11 + 3 + 14 + 2 + (1 + 1 + 6 + 5 + 1));
    const crm = caiRequests.filter((r) => r.api === 'cloudresourcemanager.googleapis.com').map((r) => `${r.method} ${r.path}`);
    expect(crm.filter((l) => /getIamPolicy|getAncestry/.test(l))).toEqual([]);
    const iam = caiRequests.filter((r) => r.api === 'iam.googleapis.com').map((r) => r.path);
    expect(iam.every((p) => /\/roles\//.test(p))).toBe(true);
    expect(iam.length).toBe(viaCai.roles.length);
    expect(caiRequests.every((r) => r.status === 200)).toBe(true);
  });

  test('asks for 500 results a page, the Run and IAM asset types, and versionedResources', () => {
    const searches = caiRequests.filter((r) => r.path.endsWith(':searchAllResources'));
    const types = [...new Set(searches.map((r) => new URLSearchParams(r.query).getAll('assetTypes').join('|')))].sort();
    expect(types).toEqual([
      'iam.googleapis.com/ServiceAccount',
      'iam.googleapis.com/ServiceAccountKey',
      'run.googleapis.com/Job',
      'run.googleapis.com/Revision',
      'run.googleapis.com/Service',
    ]);
    for (const r of searches) {
      const q = new URLSearchParams(r.query);
      expect(r.path).toBe('/v1/organizations/482915736104:searchAllResources');
      expect(q.get('pageSize')).toBe('500');
      expect(q.get('readMask')?.split(',')).toContain('versionedResources');
    }
    const policyTypes = caiRequests.filter((r) => r.path.endsWith(':searchAllIamPolicies')).map((r) => new URLSearchParams(r.query).getAll('assetTypes').join('|'));
    expect([...new Set(policyTypes)].sort()).toEqual([
      'cloudresourcemanager.googleapis.com/Folder',
      'cloudresourcemanager.googleapis.com/Organization',
      'cloudresourcemanager.googleapis.com/Project',
      'iam.googleapis.com/ServiceAccount',
      'run.googleapis.com/Service',
    ]);
  });
});

describe('a folder scope', () => {
  test('is identical to the API source, with the folders and organisation above it read from Resource Manager', async () => {
    const api = await collect(emu.url, STAGING_FOLDER);
    const before = emu.requests.length;
    const cai = await collect(emu.url, STAGING_FOLDER, { source: 'asset-inventory' });
    const requests = emu.requests.slice(before);
    expect(normalised(cai)).toEqual(normalised(api));
    expect(cai.folders.map((f) => f.name)).toEqual(['folders/284619375502', 'folders/619283740015']);
    expect(cai.organizations.map((o) => o.name)).toEqual(['organizations/482915736104']);
    const policyReads = requests.filter((r) => r.path.endsWith(':getIamPolicy')).map((r) => r.path).sort();
    // notifier's identity lives in acme-shared-svcs, outside the folder: CAI does not hold it, so IAM is asked.
    expect(policyReads).toEqual([
      '/v1/projects/acme-shared-svcs/serviceAccounts/notifier@acme-shared-svcs.iam.gserviceaccount.com:getIamPolicy',
      '/v3/folders/284619375502:getIamPolicy',
      '/v3/organizations/482915736104:getIamPolicy',
    ]);
    expect(requests.filter((r) => r.path.includes('/serviceAccounts/')).map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /v1/projects/-/serviceAccounts/notifier@acme-shared-svcs.iam.gserviceaccount.com',
      'GET /v1/projects/acme-shared-svcs/serviceAccounts/notifier@acme-shared-svcs.iam.gserviceaccount.com/keys',
      'POST /v1/projects/acme-shared-svcs/serviceAccounts/notifier@acme-shared-svcs.iam.gserviceaccount.com:getIamPolicy',
    ]);
    expect(requests.filter((r) => r.api === 'cloudasset.googleapis.com').every((r) => r.path.startsWith('/v1/folders/619283740015:'))).toBe(true);
  });
});

describe('when Cloud Asset Inventory refuses', () => {
  test('without cloudasset permissions: every search is an error naming roles/cloudasset.viewer, and every project is incomplete', async () => {
    const scenario = loadScenario(DEMO_SCENARIO_PATH);
    const all = new Set<string>(['resourcemanager.projects.get', 'resourcemanager.projects.list', 'resourcemanager.folders.get', 'resourcemanager.folders.list', 'resourcemanager.organizations.get']);
    const denied = await startEmulator({ scenario, allowedPermissions: all });
    try {
      const inv = await collect(denied.url, ORG_SCOPE, { source: 'asset-inventory' });
      const messages = [...new Set(inv.errors.filter((e) => e.api === 'cloudasset.googleapis.com').map((e) => e.message))].sort();
      expect(messages).toEqual([
        'permission cloudasset.assets.searchAllIamPolicies denied on organizations/482915736104: grant the scanner roles/cloudasset.viewer on it',
        'permission cloudasset.assets.searchAllResources denied on organizations/482915736104: grant the scanner roles/cloudasset.viewer on it',
      ]);
      expect(inv.errors.filter((e) => e.api === 'cloudasset.googleapis.com')).toHaveLength(10);
      expect(inv.projects.map((p) => p.complete)).toEqual(inv.projects.map(() => false));
      expect(inv.projects.flatMap((p) => p.services)).toEqual([]);
    } finally {
      await denied.close();
    }
  });

  test('with the Cloud Asset API disabled in the calling project: the fix enables it there', async () => {
    const scenario = loadScenario(DEMO_SCENARIO_PATH);
    const caller = scenario.projects[0]!;
    caller.disabledApis = [...(caller.disabledApis ?? []), 'cloudasset.googleapis.com'];
    const off = await startEmulator({ scenario });
    try {
      const inv = await collect(off.url, ORG_SCOPE, { source: 'asset-inventory' });
      const messages = [...new Set(inv.errors.map((e) => e.message))];
      expect(messages).toEqual([
        `cloudasset.googleapis.com is disabled in project ${caller.number}: enable it with "gcloud services enable cloudasset.googleapis.com --project=${caller.number}"`,
      ]);
      expect(inv.projects.every((p) => !p.complete)).toBe(true);
    } finally {
      await off.close();
    }
  });

  test('a --project scope is refused before any request', async () => {
    const before = emu.requests.length;
    await expect(collect(emu.url, { kind: 'projects', ids: ['acme-web-prod'], regions: [] }, { source: 'asset-inventory' })).rejects.toThrow(
      '--source asset-inventory searches a whole folder or organisation: use it with --folder or --organization (use the default --source api for --project)',
    );
    expect(emu.requests.length).toBe(before);
  });
});
