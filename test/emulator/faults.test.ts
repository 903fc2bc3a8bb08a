import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { caught, demoScenario, realClients, type RealClients } from './clients.js';

const PARENT = 'projects/acme-web-prod/locations/us-central1';
const STOREFRONT = 'projects/acme-web-prod/locations/us-central1/services/storefront';

function errorOf(e: Awaited<ReturnType<typeof caught>>): { status?: string; reason?: string; metadata?: Record<string, string> } {
  const d = typeof e.data === 'object' ? e.data.error : undefined;
  return { status: d?.status, reason: d?.details?.[0]?.reason, metadata: d?.details?.[0]?.metadata };
}

describe('errors and faults as the real clients surface them', () => {
  let emu: RunningEmulator;
  let c: RealClients;
  beforeAll(async () => {
    emu = await startEmulator({ scenario: demoScenario(), maxPageSize: 1 });
    c = realClients(emu);
  });
  afterEach(() => emu.clearFaults());
  afterAll(() => emu.close());

  it('answers SERVICE_DISABLED where the Run API is off', async () => {
    const e = await caught(c.runV2.projects.locations.services.list({ parent: 'projects/acme-shared-svcs/locations/us-central1' }));
    expect(e.status).toBe(403);
    expect(e.message).toBe(
      'Cloud Run Admin API has not been used in project 593018274466 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/run.googleapis.com/overview?project=593018274466 then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.',
    );
    expect(errorOf(e)).toEqual({
      status: 'PERMISSION_DENIED',
      reason: 'SERVICE_DISABLED',
      metadata: {
        service: 'run.googleapis.com',
        consumer: 'projects/593018274466',
        serviceTitle: 'Cloud Run Admin API',
        activationUrl: 'https://console.developers.google.com/apis/api/run.googleapis.com/overview?project=593018274466',
        containerInfo: '593018274466',
      },
    });
    // Other APIs stay on in that project.
    const sa = await c.iam.projects.serviceAccounts.list({ name: 'projects/acme-shared-svcs' });
    expect(sa.status).toBe(200);
  });

  it('answers PERMISSION_DENIED for denied permissions and for unknown projects alike', async () => {
    const e = await caught(c.runV2.projects.locations.services.list({ parent: 'projects/acme-legacy-billing/locations/us-central1' }));
    expect([e.status, e.message]).toEqual([403, "Permission 'run.services.list' denied on resource 'projects/acme-legacy-billing/locations/us-central1' (or it may not exist)."]);
    expect(errorOf(e)).toEqual({
      status: 'PERMISSION_DENIED',
      reason: 'IAM_PERMISSION_DENIED',
      metadata: { permission: 'run.services.list', resource: 'projects/acme-legacy-billing/locations/us-central1' },
    });
    const locations = await caught(c.runV1.projects.locations.list({ name: 'projects/acme-legacy-billing' }));
    expect(errorOf(locations).metadata?.['permission']).toBe('run.locations.list');
    const unknown = await caught(c.runV2.projects.locations.jobs.list({ parent: 'projects/no-such-project/locations/us-central1' }));
    expect([unknown.status, errorOf(unknown).metadata?.['permission']]).toEqual([403, 'run.jobs.list']);
    // The project itself is still visible: only run.* is denied there.
    const [p] = await c.projects.getProject({ name: 'projects/acme-legacy-billing' });
    expect(p.projectId).toBe('acme-legacy-billing');
  });

  it('answers 429 with Retry-After and the quota ErrorInfo, then recovers when the fault is used up', async () => {
    emu.addFault({ path: '/services', status: 429, retryAfter: 7, times: 1 });
    const e = await caught(c.runV2.projects.locations.services.list({ parent: PARENT }));
    expect([e.status, e.headers?.['retry-after']]).toEqual([429, '7']);
    expect(errorOf(e)).toMatchObject({ status: 'RESOURCE_EXHAUSTED', reason: 'RATE_LIMIT_EXCEEDED', metadata: { service: 'run.googleapis.com', consumer: 'projects/415104041262' } });
    const ok = await c.runV2.projects.locations.services.list({ parent: PARENT });
    expect(ok.data.services?.map((s) => s.name)).toEqual([STOREFRONT]);
    expect(emu.requests.slice(-2).map((r) => r.status)).toEqual([429, 200]);
  });

  it('answers 500, 503 and 504 with Google bodies and 502 with the front end HTML page', async () => {
    const seen: unknown[] = [];
    for (const status of [500, 503, 504]) {
      emu.addFault({ method: 'GET', path: /\/services\/storefront$/, status, times: 1 });
      const e = await caught(c.runV2.projects.locations.services.get({ name: STOREFRONT }));
      seen.push([e.status, errorOf(e).status, e.message]);
    }
    expect(seen).toEqual([
      [500, 'INTERNAL', 'Internal error encountered.'],
      [503, 'UNAVAILABLE', 'The service is currently unavailable.'],
      [504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'],
    ]);
    emu.addFault({ path: 'storefront', status: 502, times: 1 });
    const bad = await caught(c.runV2.projects.locations.services.get({ name: STOREFRONT }));
    expect(bad.status).toBe(502);
    expect(typeof bad.data === 'string' && bad.data.includes('Error 502 (Server Error)')).toBe(true);
  });

  it('surfaces a 503 through resource-manager as a GaxiosError with the raw body', async () => {
    emu.addFault({ method: 'GET', path: '/v3/projects/', status: 503, times: 1 });
    const e = await caught(c.projects.getProject({ name: 'projects/acme-web-prod' }));
    expect(e.code).toBe(503);
    expect(JSON.parse(e.message)).toEqual({ error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } });
  });

  it('resets the connection after the headers and part of the body', async () => {
    emu.addFault({ path: '/services', kind: 'reset', times: 1 });
    const e = await caught(c.runV2.projects.locations.services.list({ parent: PARENT }));
    expect(e.status).toBeUndefined();
    expect(e.code).toBe('ERR_STREAM_PREMATURE_CLOSE');
    expect(emu.requests.at(-1)?.status).toBe(200);
  });

  it('sends half the JSON for truncated, nothing for empty, a wrong shape for wrong-shape', async () => {
    emu.addFault({ path: '/services', kind: 'truncated', times: 1 });
    const t = await c.runV2.projects.locations.services.list({ parent: PARENT });
    // gaxios hands back the unparseable text as a string.
    expect(typeof t.data).toBe('string');
    expect(() => JSON.parse(t.data as unknown as string)).toThrow();

    emu.addFault({ path: '/services', kind: 'empty', times: 1 });
    const e = await c.runV2.projects.locations.services.list({ parent: PARENT });
    expect(e.data as unknown).toBe('');
    emu.addFault({ path: '/v3/projects/', kind: 'empty', times: 1 });
    await expect(c.projects.getProject({ name: 'projects/acme-web-prod' })).rejects.toThrow('Received null response from RPC GetProject');

    emu.addFault({ path: '/services', kind: 'wrong-shape', times: 1 });
    const w = await c.runV2.projects.locations.services.list({ parent: PARENT });
    expect(w.data as unknown).toEqual({ services: 'oops' });
    emu.addFault({ path: /storefront$/, kind: 'wrong-shape', times: 1 });
    const g = await c.runV2.projects.locations.services.get({ name: STOREFRONT });
    expect(g.data as unknown).toEqual(['oops']);
  });

  it('redirects to another path, which the client follows into a 404', async () => {
    emu.addFault({ path: '/services', kind: 'redirect', times: 1 });
    const e = await caught(c.runV2.projects.locations.services.list({ parent: PARENT }));
    expect([e.status, e.message]).toEqual([404, 'Method not found.']);
    expect(emu.requests.slice(-2).map((r) => [r.status, r.path])).toEqual([
      [302, '/v2/projects/acme-web-prod/locations/us-central1/services'],
      [404, '/redirected/v2/projects/acme-web-prod/locations/us-central1/services'],
    ]);
  });

  it('repeats the same nextPageToken forever under repeat-token', async () => {
    emu.addFault({ path: '/services', kind: 'repeat-token' });
    const p1 = await c.runV2.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/-' });
    const p2 = await c.runV2.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/-', pageToken: p1.data.nextPageToken ?? '' });
    const p3 = await c.runV2.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/-', pageToken: p2.data.nextPageToken ?? '' });
    expect(p1.data.nextPageToken).toBeTruthy();
    expect([p2.data.nextPageToken, p3.data.nextPageToken]).toEqual([p1.data.nextPageToken, p1.data.nextPageToken]);
    expect(p3.data.services?.map((s) => s.name)).toEqual(p2.data.services?.map((s) => s.name));
  });

  it('never answers a hanging request, until the caller gives up', async () => {
    emu.addFault({ path: '/jobs', kind: 'hang', times: 1 });
    const before = emu.requests.length;
    const ac = new AbortController();
    const pending = fetch(`${emu.url}/v2/${PARENT}/jobs`, { signal: ac.signal });
    while (emu.requests.length === before) await new Promise((r) => setImmediate(r));
    ac.abort();
    await expect(pending).rejects.toThrow();
    expect(emu.requests.at(-1)).toMatchObject({ path: `/v2/${PARENT}/jobs`, status: 0, api: 'run.googleapis.com', permission: 'run.jobs.list' });
  });

  it('rejects a bad page token, and a token from another listing, with 400', async () => {
    const bad = await caught(c.runV2.projects.locations.services.list({ parent: PARENT, pageToken: 'bm9wZQ' }));
    expect([bad.status, errorOf(bad).status]).toEqual([400, 'INVALID_ARGUMENT']);
    const first = await c.runV2.projects.locations.services.list({ parent: 'projects/acme-payments-prod/locations/-' });
    const other = await caught(c.runV2.projects.locations.jobs.list({ parent: 'projects/acme-payments-prod/locations/-', pageToken: first.data.nextPageToken ?? '' }));
    expect(other.status).toBe(400);
  });

  it('answers unknown paths with a Google 404 body and logs every request with its API', async () => {
    const r = await fetch(`${emu.url}/v2/projects/acme-web-prod/nothing-here`);
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: { code: 404, message: 'Method not found.', status: 'NOT_FOUND' } });
    const post = await fetch(`${emu.url}/v3/projects/acme-web-prod`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(404);
    await c.crmV1.projects.getAncestry({ projectId: 'acme-web-prod', requestBody: {} });
    await c.iam.roles.get({ name: 'roles/editor' });
    expect(emu.requests.slice(-4).map((x) => [x.method, x.api, x.permission ?? null, x.status])).toEqual([
      ['GET', 'run.googleapis.com', null, 404],
      ['POST', 'cloudresourcemanager.googleapis.com', null, 404],
      ['POST', 'cloudresourcemanager.googleapis.com', 'resourcemanager.projects.get', 200],
      ['GET', 'iam.googleapis.com', null, 200],
    ]);
  });
});

describe('caller identity: allowedPermissions, testIamPermissions and requireToken', () => {
  it('grants only the allowed permissions everywhere and reports them through testIamPermissions', async () => {
    const allowed = new Set(['run.services.list', 'resourcemanager.projects.get', 'run.jobs.list']);
    const emu = await startEmulator({ scenario: demoScenario(), allowedPermissions: allowed });
    try {
      const c = realClients(emu);
      const list = await c.runV2.projects.locations.services.list({ parent: PARENT });
      expect(list.data.services).toHaveLength(1);
      const get = await caught(c.runV2.projects.locations.services.get({ name: STOREFRONT }));
      expect([get.status, errorOf(get).metadata?.['permission']]).toEqual([403, 'run.services.get']);
      const folder = await caught(c.folders.getIamPolicy({ resource: 'folders/731045829163' }));
      expect(folder.code).toBe(403);
      const [granted] = await c.projects.testIamPermissions({ resource: 'projects/acme-web-prod', permissions: ['run.services.list', 'run.services.get', 'run.jobs.list'] });
      expect(granted.permissions).toEqual(['run.services.list', 'run.jobs.list']);
      // The project's own denials apply on top.
      const [legacy] = await c.projects.testIamPermissions({ resource: 'projects/acme-legacy-billing', permissions: ['run.services.list', 'resourcemanager.projects.get'] });
      expect(legacy.permissions).toEqual(['resourcemanager.projects.get']);
      const [orgTest] = await c.organizations.testIamPermissions({ resource: 'organizations/482915736104', permissions: ['resourcemanager.organizations.get'] });
      expect(orgTest.permissions).toEqual([]);
    } finally {
      await emu.close();
    }
  });

  it('demands the bearer token when requireToken is set', async () => {
    const emu = await startEmulator({ scenario: demoScenario(), requireToken: 's3cret' });
    try {
      const none = await caught(realClients(emu).runV2.projects.locations.services.list({ parent: PARENT }));
      expect([none.status, errorOf(none).status, errorOf(none).reason]).toEqual([401, 'UNAUTHENTICATED', 'CREDENTIALS_MISSING']);
      expect(none.headers?.['www-authenticate']).toBe('Bearer realm="https://accounts.google.com/"');
      const wrong = await caught(realClients(emu, 'other').runV2.projects.locations.services.list({ parent: PARENT }));
      expect([wrong.status, wrong.message]).toEqual([
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      ]);
      const rm = await caught(realClients(emu, 'other').projects.getProject({ name: 'projects/acme-web-prod' }));
      expect(rm.code).toBe(401);
      const ok = await realClients(emu, 's3cret').runV2.projects.locations.services.list({ parent: PARENT });
      expect(ok.status).toBe(200);
      const [p] = await realClients(emu, 's3cret').projects.getProject({ name: 'projects/acme-web-prod' });
      expect(p.projectId).toBe('acme-web-prod');
    } finally {
      await emu.close();
    }
  });
});
