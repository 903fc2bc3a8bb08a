import { cloudasset_v1 } from 'googleapis/build/src/apis/cloudasset/index.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';

/** The emulator's Cloud Asset Inventory searches, called through Google's own client as a user of the API would. */

const ORG = 'organizations/482915736104';
let emu: RunningEmulator;
let cai: cloudasset_v1.Cloudasset;

beforeAll(async () => {
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH) });
  cai = new cloudasset_v1.Cloudasset({ rootUrl: emu.url, retry: false });
});
afterAll(async () => {
  await emu?.close();
});

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    return (e as { status?: number }).status ?? -1;
  }
}

describe('searchAllResources', () => {
  test('a Run service: full name by project ID, project by number, the v1 Knative resource in versionedResources', async () => {
    const res = await cai.v1.searchAllResources({ scope: ORG, assetTypes: ['run.googleapis.com/Service'], query: 'name:storefront', readMask: '*' });
    const [r] = res.data.results ?? [];
    expect(res.data.results).toHaveLength(1);
    expect(r?.name).toBe('//run.googleapis.com/projects/acme-web-prod/locations/us-central1/services/storefront');
    expect([r?.project, r?.folders, r?.organization, r?.location]).toEqual(['projects/415104041262', ['folders/731045829163'], ORG, 'us-central1']);
    const v = r?.versionedResources?.[0];
    expect(v?.version).toBe('v1');
    const k = v?.resource as { apiVersion: string; kind: string; metadata: { namespace: string }; spec: { template: { spec: { serviceAccountName: string } }; traffic: unknown[] }; status: { traffic: unknown[] } };
    expect([k.apiVersion, k.kind, k.metadata.namespace]).toEqual(['serving.knative.dev/v1', 'Service', '415104041262']);
    expect(k.spec.template.spec.serviceAccountName).toBe('415104041262-compute@developer.gserviceaccount.com');
    expect(k.status.traffic).toEqual([{ revisionName: expect.stringMatching(/^storefront-00001-[a-z]{3}$/), percent: 100, latestRevision: true }]);
  });

  test('versionedResources only when the readMask names it; an unknown field is INVALID_ARGUMENT', async () => {
    const plain = await cai.v1.searchAllResources({ scope: ORG, assetTypes: ['run.googleapis.com/Job'] });
    expect(plain.data.results?.every((r) => r.versionedResources === undefined && r.name !== undefined)).toBe(true);
    const masked = await cai.v1.searchAllResources({ scope: ORG, assetTypes: ['run.googleapis.com/Job'], readMask: 'name,versionedResources' });
    expect(masked.data.results?.map((r) => Object.keys(r).sort().join(','))).toEqual(['name,versionedResources', 'name,versionedResources', 'name,versionedResources']);
    expect(await status(cai.v1.searchAllResources({ scope: ORG, readMask: 'name,nope' }))).toBe(400);
  });

  test('assetTypes accept a whole-type regular expression; one matching no supported type is refused', async () => {
    const res = await cai.v1.searchAllResources({ scope: ORG, assetTypes: ['run.googleapis.com.*'], pageSize: 500 });
    expect(res.data.results).toHaveLength(10 + 11 + 3);
    expect(await status(cai.v1.searchAllResources({ scope: ORG, assetTypes: ['compute.googleapis.com/Nothing'] }))).toBe(400);
  });

  test('pages: pageSize above 500 is capped at 500, a token continues the same search, a foreign token is refused', async () => {
    const first = await cai.v1.searchAllResources({ scope: ORG, assetTypes: ['run.googleapis.com/Revision'], pageSize: 4 });
    expect(first.data.results).toHaveLength(4);
    const token = first.data.nextPageToken ?? '';
    const rest = await cai.v1.searchAllResources({ scope: ORG, assetTypes: ['run.googleapis.com/Revision'], pageSize: 100, pageToken: token });
    expect(rest.data.results).toHaveLength(7);
    expect(rest.data.nextPageToken).toBeUndefined();
    expect(await status(cai.v1.searchAllResources({ scope: ORG, assetTypes: ['run.googleapis.com/Job'], pageToken: token }))).toBe(400);
    const capped = await cai.v1.searchAllResources({ scope: ORG, pageSize: 100_000 });
    expect(capped.data.results?.length).toBe(10 + 11 + 3 + 14 + 2);
  });

  test('a folder scope holds only what is beneath it; orderBy sorts', async () => {
    const res = await cai.v1.searchAllResources({ scope: 'folders/619283740015', assetTypes: ['run.googleapis.com/(Service|Job)'], orderBy: 'name DESC' });
    expect(res.data.results?.map((r) => r.name)).toEqual([
      '//run.googleapis.com/projects/acme-web-staging/locations/us-central1/services/status-page',
      '//run.googleapis.com/projects/acme-web-staging/locations/us-central1/services/notifier',
      '//run.googleapis.com/projects/acme-web-staging/locations/europe-west1/jobs/db-migrate',
    ]);
    expect(await status(cai.v1.searchAllResources({ scope: ORG, orderBy: 'colour' }))).toBe(400);
  });

  test('an unknown scope and a missing permission are both 403 PERMISSION_DENIED', async () => {
    expect(await status(cai.v1.searchAllResources({ scope: 'organizations/1' }))).toBe(403);
    expect(await status(cai.v1.searchAllResources({ scope: 'folders/1' }))).toBe(403);
    const narrow = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), allowedPermissions: new Set(['cloudasset.assets.searchAllIamPolicies']) });
    try {
      const c = new cloudasset_v1.Cloudasset({ rootUrl: narrow.url, retry: false });
      expect(await status(c.v1.searchAllResources({ scope: ORG }))).toBe(403);
      expect(await status(c.v1.searchAllIamPolicies({ scope: ORG }))).toBe(200);
    } finally {
      await narrow.close();
    }
  });
});

describe('searchAllIamPolicies', () => {
  test('only non-empty policies, named by full resource name, with conditions kept', async () => {
    const res = await cai.v1.searchAllIamPolicies({ scope: ORG, assetTypes: ['cloudresourcemanager.googleapis.com/Project'], query: 'policy:roles/owner' });
    expect(res.data.results).toEqual([
      {
        resource: '//cloudresourcemanager.googleapis.com/projects/207384615950',
        assetType: 'cloudresourcemanager.googleapis.com/Project',
        project: 'projects/207384615950',
        folders: ['folders/731045829163'],
        organization: ORG,
        policy: expect.objectContaining({ bindings: expect.arrayContaining([expect.objectContaining({ role: 'roles/owner', condition: expect.objectContaining({ title: 'Quarter-end reporting window' }) })]) }),
      },
    ]);
    const services = await cai.v1.searchAllIamPolicies({ scope: ORG, assetTypes: ['run.googleapis.com/Service'] });
    expect(services.data.results?.map((r) => r.resource).sort()).toEqual([
      '//run.googleapis.com/projects/acme-payments-prod/locations/us-central1/services/ledger',
      '//run.googleapis.com/projects/acme-payments-prod/locations/us-central1/services/payments-api',
      '//run.googleapis.com/projects/acme-web-prod/locations/europe-west1/services/checkout',
      '//run.googleapis.com/projects/acme-web-prod/locations/us-central1/services/storefront',
      '//run.googleapis.com/projects/acme-web-staging/locations/us-central1/services/status-page',
    ]);
  });
});
