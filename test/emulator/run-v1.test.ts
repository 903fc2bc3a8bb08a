import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/emulator/scenario.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { caught, demoScenario, realClients, type RealClients } from './clients.js';
import { raw } from './raw.js';

/** A real `gcloud run services describe --format=json` (v1 Knative Service). */
const REAL_V1 = JSON.parse(readFileSync('/work/shared/realdata/v1-service-describe-custom-sa.greenprotocol.json', 'utf8')) as Record<string, unknown>;

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Every path with its JSON type; maps keyed by user data (labels, annotations, limits) count as one value. */
function shape(v: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(v)) {
    for (const x of v) shape(x, `${prefix}[]`, out);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.set(p, jsonType(x));
      if (!/(^|\.)(labels|annotations|limits)$/.test(p)) shape(x, p, out);
    }
  }
  return out;
}

/** The greenprotocol service, as far as a scenario can say it. */
const SHAPE: Scenario = {
  organization: { id: '123456789012', displayName: 'example.com' },
  projects: [
    {
      projectId: 'greenchemistry-ai',
      number: '450503644772',
      parent: 'organizations/123456789012',
      services: [
        {
          name: 'greenchemistry-chemistry',
          region: 'us-central1',
          serviceAccount: 'greenchemistry-chemservice@greenchemistry-ai.iam.gserviceaccount.com',
          revisions: [{ id: 'greenchemistry-chemistry-00009-9ld', labels: { 'client.knative.dev/nonce': 'ckzmqxrafu' } }],
          env: [
            { name: 'CHEMISTRY_SERVICE_TOKEN', secret: 'chemistry-service-token' },
            { name: 'OPENROUTER_MODEL', value: 'anthropic/claude-sonnet-4.5' },
          ],
        },
      ],
    },
  ],
};

describe('Run v1 service shape against a real gcloud describe', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ scenario: SHAPE });
  });
  afterAll(() => emu.close());

  it('has every field of the real object, with the same JSON types, on the regional endpoint gcloud uses', async () => {
    const a = await raw(emu, { path: '/apis/serving.knative.dev/v1/namespaces/greenchemistry-ai/services/greenchemistry-chemistry?alt=json', headers: { host: `us-central1-127.0.0.1:${emu.port}` } });
    expect(a.status).toBe(200);
    const ours = shape(a.json);
    const missing: string[] = [];
    const wrong: string[] = [];
    for (const [path, type] of shape(REAL_V1)) {
      const t = ours.get(path);
      if (t === undefined) missing.push(path);
      else if (t !== type) wrong.push(`${path}: ${t} instead of ${type}`);
    }
    expect(missing).toEqual([]);
    expect(wrong).toEqual([]);
    const svc = a.json as { metadata: Record<string, unknown>; spec: { template: { spec: { serviceAccountName: string } } } };
    expect(svc.metadata).toMatchObject({
      name: 'greenchemistry-chemistry',
      namespace: '450503644772',
      selfLink: '/apis/serving.knative.dev/v1/namespaces/450503644772/services/greenchemistry-chemistry',
      labels: { 'cloud.googleapis.com/location': 'us-central1' },
    });
    expect(svc.spec.template.spec.serviceAccountName).toBe('greenchemistry-chemservice@greenchemistry-ai.iam.gserviceaccount.com');
  });
});

describe('Run v1 reads against the demo organisation', () => {
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

  const PAYMENTS = ['fraud-scorer', 'ledger', 'ledger-worker', 'payments-api'];
  const names = (items: { metadata?: { name?: string | null } }[] | undefined): string[] => (items ?? []).map((i) => i.metadata?.name ?? '').sort();

  it('lists services across regions in one call, by project ID or number, on both v1 paths', async () => {
    const byLocation = await c.runV1.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/-' });
    expect(byLocation.data).toMatchObject({ apiVersion: 'serving.knative.dev/v1', kind: 'ServiceList', metadata: {} });
    expect(names(byLocation.data.items)).toEqual(PAYMENTS);
    expect('unreachable' in byLocation.data).toBe(false);
    const byNamespace = await c.runV1.namespaces.services.list({ parent: 'namespaces/862210473391' });
    expect(byNamespace.data.items).toEqual(byLocation.data.items);
    const oneRegion = await c.runV1.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/europe-west1' });
    expect(names(oneRegion.data.items)).toEqual(['fraud-scorer', 'ledger-worker']);
  });

  it('sorts newest first and pages with limit and metadata.continue', async () => {
    const all = await c.runV1.namespaces.services.list({ parent: 'namespaces/acme-payments-prod' });
    const created = (all.data.items ?? []).map((i) => i.metadata?.creationTimestamp ?? '');
    expect(created).toEqual([...created].sort().reverse());
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { data } = await cp.runV1.namespaces.services.list({ parent: 'namespaces/acme-payments-prod', limit: 3, ...(token ? { continue: token } : {}) });
      pages++;
      seen.push(...(data.items ?? []).map((i) => i.metadata?.name ?? ''));
      token = data.metadata?.continue ?? undefined;
    } while (token);
    expect([pages, seen]).toEqual([4, (all.data.items ?? []).map((i) => i.metadata?.name)]);
    const bad = await caught(c.runV1.namespaces.services.list({ parent: 'namespaces/acme-payments-prod', continue: 'bm90LWEtdG9rZW4' }));
    expect([bad.status, bad.message]).toEqual([400, 'The provided page token is invalid.']);
  });

  it('lists revisions of one service with the label selector gcloud sends, and refuses a malformed one', async () => {
    const { data } = await c.runV1.namespaces.revisions.list({ parent: 'namespaces/acme-payments-prod', labelSelector: 'serving.knative.dev/service = ledger' });
    expect(data.kind).toBe('RevisionList');
    expect((data.items ?? []).every((r) => r.metadata?.labels?.['serving.knative.dev/service'] === 'ledger')).toBe(true);
    expect((data.items ?? []).length).toBeGreaterThan(0);
    const all = await c.runV1.namespaces.revisions.list({ parent: 'namespaces/acme-payments-prod' });
    const others = await c.runV1.namespaces.revisions.list({ parent: 'namespaces/acme-payments-prod', labelSelector: 'serving.knative.dev/service notin (ledger)' });
    expect((data.items ?? []).length + (others.data.items ?? []).length).toBe((all.data.items ?? []).length);
    const set = await c.runV1.namespaces.revisions.list({ parent: 'namespaces/acme-payments-prod', labelSelector: 'serving.knative.dev/service in (ledger, payments-api),cloud.googleapis.com/location=us-central1' });
    expect(new Set((set.data.items ?? []).map((r) => r.metadata?.labels?.['serving.knative.dev/service']))).toEqual(new Set(['ledger', 'payments-api']));
    const bad = await caught(c.runV1.namespaces.revisions.list({ parent: 'namespaces/acme-payments-prod', labelSelector: 'a in b' }));
    expect(bad.status).toBe(400);
  });

  it('lists jobs across regions with the JobsList envelope and reads one job and one service', async () => {
    const { data } = await c.runV1.namespaces.jobs.list({ parent: 'namespaces/acme-data-prod' });
    expect(data).toMatchObject({ apiVersion: 'run.googleapis.com/v1', kind: 'JobsList' });
    const jobs = data.items ?? [];
    expect(jobs.length).toBeGreaterThan(0);
    const first = jobs[0]!;
    const job = await c.runV1.namespaces.jobs.get({ name: `namespaces/acme-data-prod/jobs/${first.metadata?.name}` });
    expect(job.data).toEqual(first);
    const svc = await c.runV1.namespaces.services.get({ name: 'namespaces/acme-payments-prod/services/ledger' });
    expect(svc.data.metadata?.labels?.['cloud.googleapis.com/location']).toBe('us-central1');
    const missing = await caught(c.runV1.namespaces.services.get({ name: 'namespaces/acme-payments-prod/services/nope' }));
    expect([missing.status, missing.message]).toEqual([404, "Resource 'nope' of kind 'SERVICE' in region 'global' in project 'acme-payments-prod' does not exist."]);
  });

  it('answers v1 getIamPolicy exactly as v2 does, for services and jobs', async () => {
    const v1 = await c.runV1.projects.locations.services.getIamPolicy({ resource: 'projects/acme-web-prod/locations/us-central1/services/storefront', 'options.requestedPolicyVersion': 3 });
    const v2 = await c.runV2.projects.locations.services.getIamPolicy({ resource: 'projects/acme-web-prod/locations/us-central1/services/storefront', 'options.requestedPolicyVersion': 3 });
    expect(v1.data).toEqual(v2.data);
    expect(v1.data.bindings?.[0]?.members).toContain('allUsers');
    const job = (await c.runV1.namespaces.jobs.list({ parent: 'namespaces/acme-data-prod' })).data.items?.[0];
    const region = job?.metadata?.labels?.['cloud.googleapis.com/location'];
    const j1 = await c.runV1.projects.locations.jobs.getIamPolicy({ resource: `projects/acme-data-prod/locations/${region}/jobs/${job?.metadata?.name}` });
    const j2 = await c.runV2.projects.locations.jobs.getIamPolicy({ resource: `projects/acme-data-prod/locations/${region}/jobs/${job?.metadata?.name}` });
    expect(j1.data).toEqual(j2.data);
  });

  it('on a regional endpoint lists and reads only that region', async () => {
    const list = await raw(emu, { path: '/apis/serving.knative.dev/v1/namespaces/acme-payments-prod/services', headers: { host: `europe-west1-127.0.0.1:${emu.port}` } });
    expect(names((list.json as { items: { metadata: { name: string } }[] }).items)).toEqual(['fraud-scorer', 'ledger-worker']);
    const elsewhere = await raw(emu, { path: '/apis/serving.knative.dev/v1/namespaces/acme-payments-prod/services/ledger', headers: { host: `europe-west1-localhost:${emu.port}` } });
    expect([elsewhere.status, (elsewhere.json as { error: { message: string } }).error.message]).toEqual([
      404,
      "Resource 'ledger' of kind 'SERVICE' in region 'europe-west1' in project 'acme-payments-prod' does not exist.",
    ]);
    // The same request as a proxy receives it from gcloud: the target in absolute form.
    const viaProxy = await raw(emu, {
      path: `http://us-central1-127.0.0.1:${emu.port}/apis/serving.knative.dev/v1/namespaces/acme-payments-prod/services/ledger?alt=json`,
      headers: { host: `us-central1-127.0.0.1:${emu.port}` },
    });
    expect([viaProxy.status, (viaProxy.json as { metadata: { name: string } }).metadata.name]).toEqual([200, 'ledger']);
  });

  it('checks the v1 permissions and the Run API enablement', async () => {
    const denied = await caught(c.runV1.namespaces.services.list({ parent: 'namespaces/acme-legacy-billing' }));
    expect([denied.status, denied.message]).toEqual([403, "Permission 'run.services.list' denied on resource 'namespaces/acme-legacy-billing/services' (or it may not exist)."]);
    const jobs = await caught(c.runV1.namespaces.jobs.list({ parent: 'namespaces/acme-legacy-billing' }));
    expect([jobs.status, jobs.message]).toEqual([403, "Permission 'run.jobs.list' denied on resource 'namespaces/acme-legacy-billing/jobs' (or it may not exist)."]);
    const off = await caught(c.runV1.projects.locations.services.list({ parent: 'projects/acme-shared-svcs/locations/-' }));
    expect([off.status, (off.data as { error: { details: { reason: string }[] } }).error.details[0]?.reason]).toEqual([403, 'SERVICE_DISABLED']);
  });
});

describe('unreachable regions (a scenario fault)', () => {
  function scenario(regionalStatus?: 503): Scenario {
    const s = demoScenario();
    const payments = s.projects.find((p) => p.projectId === 'acme-payments-prod')!;
    payments.unreachable = { regions: ['europe-west1'], ...(regionalStatus ? { regionalStatus } : {}) };
    return s;
  }

  it('cross-region lists leave the region out and name it; the region itself then answers', async () => {
    const emu = await startEmulator({ scenario: scenario() });
    try {
      const c = realClients(emu);
      const v2 = await c.runV2.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/-' });
      expect([v2.data.services?.map((s) => s.name?.split('/').pop()).sort(), v2.data.unreachable]).toEqual([['ledger', 'payments-api'], ['europe-west1']]);
      const v1 = await c.runV1.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/-' });
      expect([names(v1.data.items), v1.data.unreachable]).toEqual([['ledger', 'payments-api'], ['europe-west1']]);
      const ns = await c.runV1.namespaces.services.list({ parent: 'namespaces/acme-payments-prod' });
      expect(ns.data.unreachable).toEqual(['europe-west1']);
      const revs = await c.runV1.namespaces.revisions.list({ parent: 'namespaces/acme-payments-prod' });
      expect([revs.data.unreachable, (revs.data.items ?? []).some((r) => r.metadata?.labels?.['cloud.googleapis.com/location'] === 'europe-west1')]).toEqual([['europe-west1'], false]);
      const jobs = await c.runV1.namespaces.jobs.list({ parent: 'namespaces/acme-payments-prod' });
      expect(jobs.data.unreachable).toEqual(['europe-west1']);
      const region = await c.runV2.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/europe-west1' });
      expect(region.data.services?.map((s) => s.name?.split('/').pop())).toEqual(['fraud-scorer', 'ledger-worker']);
      // Other projects are untouched.
      const web = await c.runV2.projects.locations.services.list({ parent: 'projects/acme-web-prod/locations/-' });
      expect(web.data.unreachable).toBeUndefined();
    } finally {
      await emu.close();
    }
  });

  it('a scenario-wide fault applies to every project that does not set its own', async () => {
    const s = demoScenario();
    s.unreachable = { regions: ['us-central1'] };
    s.projects.find((p) => p.projectId === 'acme-payments-prod')!.unreachable = { regions: ['europe-west1'] };
    const emu = await startEmulator({ scenario: s });
    try {
      const c = realClients(emu);
      const web = await c.runV1.projects.locations.services.list({ parent: 'projects/acme-web-prod/locations/-' });
      expect(web.data.unreachable).toEqual(['us-central1']);
      expect((web.data.items ?? []).some((i) => i.metadata?.labels?.['cloud.googleapis.com/location'] === 'us-central1')).toBe(false);
      const payments = await c.runV1.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/-' });
      expect([names(payments.data.items), payments.data.unreachable]).toEqual([['ledger', 'payments-api'], ['europe-west1']]);
    } finally {
      await emu.close();
    }
  });

  it('with regionalStatus, every request naming the region fails with that Google error', async () => {
    const emu = await startEmulator({ scenario: scenario(503) });
    try {
      const c = realClients(emu);
      const list = await caught(c.runV2.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/europe-west1' }));
      expect([list.status, list.message]).toEqual([503, 'The service is currently unavailable.']);
      const get = await caught(c.runV2.projects.locations.services.get({ name: 'projects/acme-payments-prod/locations/europe-west1/services/fraud-scorer' }));
      expect(get.status).toBe(503);
      const regional = await raw(emu, { path: '/apis/serving.knative.dev/v1/namespaces/acme-payments-prod/services', headers: { host: `europe-west1-127.0.0.1:${emu.port}` } });
      expect(regional.status).toBe(503);
      const ok = await c.runV2.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/us-central1' });
      expect(ok.status).toBe(200);
    } finally {
      await emu.close();
    }
  });
});

function names(items: { metadata?: { name?: string | null } }[] | undefined | null): string[] {
  return (items ?? []).map((i) => i.metadata?.name ?? '').sort();
}
