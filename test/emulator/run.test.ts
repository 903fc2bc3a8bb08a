import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_RUN_REGION_IDS } from '../../src/emulator/regions.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { caught, demoScenario, realClients, type RealClients } from './clients.js';

const REAL = JSON.parse(readFileSync('/work/shared/realdata/v2-service-default-sa.firebase-tools.json', 'utf8')) as Record<string, unknown>;

/** One service built to carry every field the real firebase-tools service has that applies to a scenario. */
const SHAPE_SCENARIO: Scenario = {
  organization: { id: '123456789012', displayName: 'example.com' },
  projects: [
    {
      projectId: 'inlined-junkdrawer',
      number: '92611791981',
      parent: 'organizations/123456789012',
      services: [
        {
          name: 'ejectrequest',
          region: 'us-central1',
          labels: { 'goog-managed-by': '' },
          annotations: { 'cloudfunctions.googleapis.com/function-id': 'ejectRequest' },
          revisions: [
            { id: 'ejectrequest-00001-abc' },
            { id: 'ejectrequest-00002-ruh', labels: { 'firebase-functions-codebase': 'js' }, annotations: { 'cloudfunctions.googleapis.com/trigger-type': 'HTTP_TRIGGER' } },
          ],
          env: [{ name: 'GCLOUD_PROJECT', value: 'inlined-junkdrawer' }],
        },
      ],
    },
  ],
};

/** Fields of the real service that only exist for Cloud Functions or base-image updates. */
const NOT_APPLICABLE = new Set(['buildConfig', 'customAudiences', 'template.containers[].baseImageUri']);

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Every path of `real` (arrays by their first element) with its JSON type. */
function shape(v: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(v)) {
    if (v.length > 0) shape(v[0], `${prefix}[]`, out);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.set(p, jsonType(x));
      // Maps keyed by user data (labels, annotations, limits) are compared as maps, not key by key.
      if (!/(^|\.)(labels|annotations|environmentVariables|limits)$/.test(p)) shape(x, p, out);
    }
  }
  return out;
}

describe('Run v2 service shape against the real firebase-tools service', () => {
  let emu: RunningEmulator;
  let c: RealClients;
  beforeAll(async () => {
    emu = await startEmulator({ scenario: SHAPE_SCENARIO });
    c = realClients(emu);
  });
  afterAll(() => emu.close());

  it('has every applicable real field with the same JSON type, and the client returns the wire JSON untouched', async () => {
    const name = 'projects/inlined-junkdrawer/locations/us-central1/services/ejectrequest';
    const res = await c.runV2.projects.locations.services.get({ name });
    const raw = (await (await fetch(`${emu.url}/v2/${name}`)).json()) as Record<string, unknown>;
    expect(res.data).toEqual(raw);
    const ours = shape(raw);
    const missing: string[] = [];
    const wrongType: string[] = [];
    for (const [path, type] of shape(REAL)) {
      if ([...NOT_APPLICABLE].some((n) => path === n || path.startsWith(`${n}.`))) continue;
      const t = ours.get(path);
      if (t === undefined) missing.push(path);
      else if (t !== type) wrongType.push(`${path}: ${t} instead of ${type}`);
    }
    expect(missing).toEqual([]);
    expect(wrongType).toEqual([]);
  });

  it('fills in the default identity, writes int64 as strings and reports a LATEST allocation without a revision', async () => {
    const { data } = await c.runV2.projects.locations.services.get({ name: 'projects/92611791981/locations/us-central1/services/ejectrequest' });
    expect(data.name).toBe('projects/inlined-junkdrawer/locations/us-central1/services/ejectrequest');
    expect(data.template?.serviceAccount).toBe('92611791981-compute@developer.gserviceaccount.com');
    expect(data.generation).toBe('2');
    expect(data.observedGeneration).toBe('2');
    expect(data.trafficStatuses).toEqual([{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }]);
    expect(data.traffic).toEqual([{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }]);
    expect(data.template?.revision).toBe('ejectrequest-00002-ruh');
    expect(data.latestReadyRevision).toBe('projects/inlined-junkdrawer/locations/us-central1/services/ejectrequest/revisions/ejectrequest-00002-ruh');
    expect(data.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(data.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(data.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect('reconciling' in data).toBe(false);
  });
});

describe('Run v2 against the demo organisation', () => {
  let emu: RunningEmulator;
  let paged: RunningEmulator;
  let c: RealClients;
  let cp: RealClients;
  beforeAll(async () => {
    emu = await startEmulator({ scenario: demoScenario() });
    paged = await startEmulator({ scenario: demoScenario(), maxPageSize: 1 });
    c = realClients(emu);
    cp = realClients(paged);
  });
  afterAll(async () => {
    await emu.close();
    await paged.close();
  });

  async function allServiceNames(cl: RealClients, parent: string): Promise<{ names: string[]; pages: number }> {
    const names: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await cl.runV2.projects.locations.services.list({ parent, pageSize: 50, ...(pageToken ? { pageToken } : {}) });
      pages++;
      names.push(...(data.services ?? []).map((s) => s.name ?? ''));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    return { names, pages };
  }

  it('lists services per region and across regions, page by page, with the same union as unpaged', async () => {
    const unpaged = await allServiceNames(c, 'projects/acme-payments-prod/locations/-');
    expect(unpaged).toEqual({
      pages: 1,
      names: [
        'projects/acme-payments-prod/locations/europe-west1/services/fraud-scorer',
        'projects/acme-payments-prod/locations/europe-west1/services/ledger-worker',
        'projects/acme-payments-prod/locations/us-central1/services/ledger',
        'projects/acme-payments-prod/locations/us-central1/services/payments-api',
      ],
    });
    expect(await allServiceNames(cp, 'projects/acme-payments-prod/locations/-')).toEqual({ pages: 4, names: unpaged.names });
    const usc = await allServiceNames(cp, 'projects/862210473391/locations/us-central1');
    expect(usc).toEqual({ pages: 2, names: unpaged.names.filter((n) => n.includes('/us-central1/')) });
    const { data } = await c.runV2.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/-' });
    expect(data.unreachable).toBeUndefined();
    const empty = await c.runV2.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/asia-northeast1' });
    expect(empty.data).toEqual({});
  });

  it('serves traffic split across a dedicated and a default-identity revision', async () => {
    const { data: svc } = await c.runV2.projects.locations.services.get({ name: 'projects/acme-web-prod/locations/europe-west1/services/checkout' });
    expect(svc.template?.serviceAccount).toBe('checkout-sa@acme-web-prod.iam.gserviceaccount.com');
    expect(svc.trafficStatuses).toEqual([
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 90 },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'checkout-00011-kel', percent: 10 },
    ]);
    expect(svc.template?.containers?.[0]?.env).toEqual([
      { name: 'DB_HOST', value: '10.20.0.5' },
      { name: 'STRIPE_PUBLISHABLE_KEY', value: 'pk_live_51HxAcmeDemoValue' },
      { name: 'STRIPE_SECRET_KEY', valueSource: { secretKeyRef: { secret: 'stripe-secret-key', version: 'latest' } } },
    ]);
    const { data } = await c.runV2.projects.locations.services.revisions.list({ parent: svc.name ?? '' });
    expect((data.revisions ?? []).map((r) => [r.name, r.serviceAccount, r.service])).toEqual([
      ['projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00012-zuv', 'checkout-sa@acme-web-prod.iam.gserviceaccount.com', svc.name],
      ['projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel', '415104041262-compute@developer.gserviceaccount.com', svc.name],
    ]);
    const one = await c.runV2.projects.locations.services.revisions.get({ name: `${svc.name}/revisions/checkout-00011-kel` });
    expect(one.data.serviceAccount).toBe('415104041262-compute@developer.gserviceaccount.com');
  });

  it('marks revisions that serve no traffic RETIRED', async () => {
    const s: Scenario = {
      organization: { id: '111111111111', displayName: 'x.example' },
      projects: [
        {
          projectId: 'retired-demo',
          number: '222222222222',
          parent: 'organizations/111111111111',
          services: [{ name: 'api', region: 'us-central1', revisions: [{ id: 'api-00001-aaa' }, { id: 'api-00002-bbb' }, { id: 'api-00003-ccc' }], traffic: [{ latest: true, percent: 100 }, { revision: 'api-00002-bbb', percent: 0, tag: 'canary' }] }],
        },
      ],
    };
    const e = await startEmulator({ scenario: s });
    try {
      const { data } = await realClients(e).runV2.projects.locations.services.revisions.list({ parent: 'projects/retired-demo/locations/us-central1/services/api' });
      const active = (data.revisions ?? []).map((r) => [r.name?.split('/').pop(), r.conditions?.find((x) => x.type === 'Active')?.revisionReason ?? null]);
      expect(active).toEqual([
        ['api-00003-ccc', null],
        ['api-00002-bbb', null],
        ['api-00001-aaa', 'RETIRED'],
      ]);
      const svc = await realClients(e).runV2.projects.locations.services.get({ name: 'projects/retired-demo/locations/us-central1/services/api' });
      expect(svc.data.trafficStatuses?.[1]).toEqual({
        type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
        revision: 'api-00002-bbb',
        tag: 'canary',
        uri: expect.stringMatching(/^https:\/\/canary---api-[a-z]{10}-uc\.a\.run\.app$/) as unknown as string,
      });
    } finally {
      await e.close();
    }
  });

  it("lists every service's revisions with '-' across pages", async () => {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await cp.runV2.projects.locations.services.revisions.list({ parent: 'projects/acme-web-prod/locations/-/services/-', ...(pageToken ? { pageToken } : {}) });
      names.push(...(data.revisions ?? []).map((r) => r.name?.split('/').pop() ?? ''));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(names).toEqual(['checkout-00012-zuv', 'checkout-00011-kel', expect.stringMatching(/^storefront-00001-[a-z]{3}$/) as unknown as string]);
  });

  it('serves jobs with the task identity left out when none was set', async () => {
    const { data } = await c.runV2.projects.locations.jobs.list({ parent: 'projects/acme-data-prod/locations/us-central1' });
    expect((data.jobs ?? []).map((j) => j.name)).toEqual(['projects/acme-data-prod/locations/us-central1/jobs/cleanup']);
    const cleanup = data.jobs?.[0];
    expect(cleanup?.template?.template && 'serviceAccount' in cleanup.template.template).toBe(false);
    const { data: exp } = await c.runV2.projects.locations.jobs.get({ name: 'projects/acme-data-prod/locations/europe-west1/jobs/nightly-export' });
    expect(exp.template?.template?.serviceAccount).toBe('exporter-sa@acme-data-prod.iam.gserviceaccount.com');
    expect(exp.labels).toEqual({ schedule: 'nightly' });
    expect(exp.generation).toBe('1');
  });

  it('answers service and job IAM policies by GET, an empty one as exactly {"etag":"ACAB"}', async () => {
    const pub = await c.runV2.projects.locations.services.getIamPolicy({ resource: 'projects/acme-web-prod/locations/us-central1/services/storefront', 'options.requestedPolicyVersion': 3 });
    expect(pub.data).toEqual({ version: 1, etag: expect.stringMatching(/^Bw[A-Za-z0-9+/]{9}=$/) as unknown as string, bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] });
    const raw = await fetch(`${emu.url}/v2/projects/acme-payments-prod/locations/europe-west1/services/ledger-worker:getIamPolicy`);
    expect(await raw.text()).toBe('{\n  "etag": "ACAB"\n}\n');
    const job = await c.runV2.projects.locations.jobs.getIamPolicy({ resource: 'projects/acme-data-prod/locations/us-central1/jobs/cleanup' });
    expect(job.data).toEqual({ etag: 'ACAB' });
    expect(emu.requests.filter((r) => r.path.endsWith(':getIamPolicy')).map((r) => [r.method, r.permission])).toEqual([
      ['GET', 'run.services.getIamPolicy'],
      ['GET', 'run.services.getIamPolicy'],
      ['GET', 'run.jobs.getIamPolicy'],
    ]);
  });

  it('answers 404 in Cloud Run wording for unknown services, revisions and jobs', async () => {
    const e1 = await caught(c.runV2.projects.locations.services.get({ name: 'projects/acme-web-prod/locations/us-central1/services/nope' }));
    expect([e1.status, e1.message]).toEqual([404, "Resource 'nope' of kind 'SERVICE' in region 'us-central1' in project 'acme-web-prod' does not exist."]);
    const e2 = await caught(c.runV2.projects.locations.services.revisions.get({ name: 'projects/acme-web-prod/locations/us-central1/services/storefront/revisions/storefront-09999-zzz' }));
    expect(e2.message).toBe("Resource 'storefront-09999-zzz' of kind 'REVISION' in region 'us-central1' in project 'acme-web-prod' does not exist.");
    const e3 = await caught(c.runV2.projects.locations.jobs.get({ name: 'projects/acme-data-prod/locations/europe-west1/jobs/cleanup' }));
    expect(e3.message).toBe("Resource 'cleanup' of kind 'JOB' in region 'europe-west1' in project 'acme-data-prod' does not exist.");
    expect(typeof e3.data === 'object' ? e3.data.error?.status : undefined).toBe('NOT_FOUND');
  });

  it('lists every Cloud Run region with Run v1 locations, paged, with display names', async () => {
    const { data } = await c.runV1.projects.locations.list({ name: 'projects/acme-web-prod' });
    const ids = (data.locations ?? []).map((l) => l.locationId);
    expect(ids).toEqual([...CLOUD_RUN_REGION_IDS]);
    expect(ids).toHaveLength(42);
    expect(data.locations?.find((l) => l.locationId === 'us-central1')).toEqual({
      name: 'projects/acme-web-prod/locations/us-central1',
      locationId: 'us-central1',
      displayName: 'Iowa',
      labels: { 'cloud.googleapis.com/region': 'us-central1' },
    });
    expect(data.locations?.find((l) => l.locationId === 'europe-west1')?.displayName).toBe('Belgium');
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data: page } = await cp.runV1.projects.locations.list({ name: 'projects/415104041262', ...(pageToken ? { pageToken } : {}) });
      pages++;
      seen.push(...(page.locations ?? []).map((l) => l.locationId ?? ''));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    expect([pages, seen]).toEqual([42, ids]);
  });

  it('lists only the scenario locations where a project names them', async () => {
    const s = demoScenario();
    s.projects[0]!.locations = ['us-east4', 'europe-west1'];
    const one = await startEmulator({ scenario: s });
    try {
      const { data } = await realClients(one).runV1.projects.locations.list({ name: `projects/${s.projects[0]!.projectId}` });
      expect(data.locations?.map((l) => [l.locationId, l.displayName])).toEqual([
        ['us-east4', 'Northern Virginia'],
        ['europe-west1', 'Belgium'],
      ]);
    } finally {
      await one.close();
    }
  });
});
