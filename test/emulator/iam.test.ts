import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { caught, demoScenario, realClients, type RealClients } from './clients.js';

describe('IAM v1 through the real googleapis client', () => {
  let emu: RunningEmulator;
  let paged: RunningEmulator;
  let c: RealClients;
  let cp: RealClients;
  beforeAll(async () => {
    const s = demoScenario();
    const fraud = s.projects.find((p) => p.projectId === 'acme-payments-prod')?.serviceAccounts?.find((a) => a.accountId === 'fraud-sa');
    if (!fraud) throw new Error('demo changed');
    fraud.iamPolicy = {
      bindings: [
        { role: 'roles/iam.serviceAccountTokenCreator', members: ['user:oncall@acme.example'], condition: { title: 'office hours', expression: 'request.time.getHours("Europe/Berlin") < 18' } },
        { role: 'roles/iam.serviceAccountUser', members: ['group:payments-deployers@acme.example'] },
      ],
    };
    emu = await startEmulator({ scenario: s });
    paged = await startEmulator({ scenario: s, maxPageSize: 1 });
    c = realClients(emu);
    cp = realClients(paged);
  });
  afterAll(async () => {
    await emu.close();
    await paged.close();
  });

  it('lists service accounts page by page with the same union as unpaged', async () => {
    const { data } = await c.iam.projects.serviceAccounts.list({ name: 'projects/acme-payments-prod' });
    const emails = (data.accounts ?? []).map((a) => a.email);
    expect(emails).toEqual([
      '862210473391-compute@developer.gserviceaccount.com',
      'payments-runtime@acme-payments-prod.iam.gserviceaccount.com',
      'ledger-sa@acme-payments-prod.iam.gserviceaccount.com',
      'fraud-sa@acme-payments-prod.iam.gserviceaccount.com',
    ]);
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const r = await cp.iam.projects.serviceAccounts.list({ name: 'projects/862210473391', pageSize: 100, ...(pageToken ? { pageToken } : {}) });
      seen.push(...(r.data.accounts ?? []).map((a) => a.email ?? ''));
      pageToken = r.data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(seen).toEqual(emails);
    const shared = await c.iam.projects.serviceAccounts.list({ name: 'projects/acme-shared-svcs' });
    expect(shared.data.accounts?.map((a) => a.email)).toEqual(['notifier@acme-shared-svcs.iam.gserviceaccount.com']);
  });

  it('gets an account by email under "-" or by uniqueId; a deleted one is 404', async () => {
    const { data } = await c.iam.projects.serviceAccounts.get({ name: 'projects/-/serviceAccounts/415104041262-compute@developer.gserviceaccount.com' });
    expect(data).toMatchObject({
      name: 'projects/acme-web-prod/serviceAccounts/415104041262-compute@developer.gserviceaccount.com',
      projectId: 'acme-web-prod',
      email: '415104041262-compute@developer.gserviceaccount.com',
      displayName: 'Compute Engine default service account',
      etag: 'MDEwMjE5MjA=',
    });
    expect(data.uniqueId).toMatch(/^\d{21}$/);
    expect(data.oauth2ClientId).toBe(data.uniqueId);
    const byId = await c.iam.projects.serviceAccounts.get({ name: `projects/-/serviceAccounts/${data.uniqueId ?? ''}` });
    expect(byId.data.email).toBe(data.email);
    const gone = await caught(c.iam.projects.serviceAccounts.get({ name: 'projects/-/serviceAccounts/old-sa@acme-shared-svcs.iam.gserviceaccount.com' }));
    expect([gone.status, gone.message, typeof gone.data === 'object' ? gone.data.error?.status : '']).toEqual([404, 'Unknown service account', 'NOT_FOUND']);
    const goneById = await caught(c.iam.projects.serviceAccounts.get({ name: 'projects/-/serviceAccounts/113020487561204983512' }));
    expect(goneById.status).toBe(404);
  });

  it('answers an account policy by POST with an empty body, _withcond_ below version 3', async () => {
    const resource = 'projects/-/serviceAccounts/fraud-sa@acme-payments-prod.iam.gserviceaccount.com';
    const v3 = await c.iam.projects.serviceAccounts.getIamPolicy({ resource, 'options.requestedPolicyVersion': 3 });
    expect(v3.data.version).toBe(3);
    expect(v3.data.bindings).toEqual([
      { role: 'roles/iam.serviceAccountTokenCreator', members: ['user:oncall@acme.example'], condition: { title: 'office hours', expression: 'request.time.getHours("Europe/Berlin") < 18' } },
      { role: 'roles/iam.serviceAccountUser', members: ['group:payments-deployers@acme.example'] },
    ]);
    const last = emu.requests.at(-1);
    expect([last?.method, last?.query, last?.api]).toEqual(['POST', 'options.requestedPolicyVersion=3', 'iam.googleapis.com']);
    const v1 = await c.iam.projects.serviceAccounts.getIamPolicy({ resource });
    expect(v1.data.version).toBe(1);
    expect(v1.data.bindings?.map((b) => b.role)).toEqual([expect.stringMatching(/^roles\/iam\.serviceAccountTokenCreator_withcond_[0-9a-f]{20}$/), 'roles/iam.serviceAccountUser']);
    const empty = await c.iam.projects.serviceAccounts.getIamPolicy({ resource: 'projects/acme-payments-prod/serviceAccounts/ledger-sa@acme-payments-prod.iam.gserviceaccount.com' });
    expect(empty.data).toEqual({ etag: 'ACAB' });
  });

  it('lists keys, filtered by repeated keyTypes, without paging', async () => {
    const name = 'projects/-/serviceAccounts/fraud-sa@acme-payments-prod.iam.gserviceaccount.com';
    const all = await c.iam.projects.serviceAccounts.keys.list({ name });
    expect(all.data.keys).toEqual([
      {
        name: 'projects/acme-payments-prod/serviceAccounts/fraud-sa@acme-payments-prod.iam.gserviceaccount.com/keys/3f9a1c27be04e5a8c6d1b2e3f4a5b6c7d8e9f012',
        validAfterTime: '2024-11-04T16:20:11Z',
        validBeforeTime: '9999-12-31T23:59:59Z',
        keyAlgorithm: 'KEY_ALG_RSA_2048',
        keyOrigin: 'GOOGLE_PROVIDED',
        keyType: 'USER_MANAGED',
      },
      {
        name: 'projects/acme-payments-prod/serviceAccounts/fraud-sa@acme-payments-prod.iam.gserviceaccount.com/keys/8b41d0c9e2f3a4b5c6d7e8f90a1b2c3d4e5f6a7b',
        validAfterTime: '2025-05-12T08:00:00Z',
        validBeforeTime: '2027-05-12T08:00:00Z',
        keyAlgorithm: 'KEY_ALG_RSA_2048',
        keyOrigin: 'GOOGLE_PROVIDED',
        keyType: 'SYSTEM_MANAGED',
      },
    ]);
    const user = await c.iam.projects.serviceAccounts.keys.list({ name, keyTypes: ['USER_MANAGED'] });
    expect(user.data.keys?.map((k) => k.keyType)).toEqual(['USER_MANAGED']);
    const both = await cp.iam.projects.serviceAccounts.keys.list({ name, keyTypes: ['USER_MANAGED', 'SYSTEM_MANAGED'] });
    expect(both.data.keys).toHaveLength(2);
    expect(paged.requests.at(-1)?.query).toBe('keyTypes=USER_MANAGED&keyTypes=SYSTEM_MANAGED');
    const none = await c.iam.projects.serviceAccounts.keys.list({ name: 'projects/-/serviceAccounts/ledger-sa@acme-payments-prod.iam.gserviceaccount.com' });
    expect(none.data).toEqual({});
  });

  it('serves predefined roles from the real role data, FULL or BASIC, paged', async () => {
    const { data } = await c.iam.roles.get({ name: 'roles/run.invoker' });
    expect(Object.keys(data).sort()).toEqual(['description', 'etag', 'includedPermissions', 'name', 'stage', 'title']);
    expect(data.includedPermissions).toContain('run.routes.invoke');
    const missing = await caught(c.iam.roles.get({ name: 'roles/run.nothing' }));
    expect([missing.status, missing.message]).toEqual([404, 'The role named roles/run.nothing was not found.']);

    const basic = await c.iam.roles.list({});
    expect(basic.data.roles).toHaveLength(39);
    expect(basic.data.roles?.some((r) => r.includedPermissions !== undefined)).toBe(false);
    const names: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const r = await c.iam.roles.list({ view: 'FULL', pageSize: 10, ...(pageToken ? { pageToken } : {}) });
      pages++;
      expect(r.data.roles?.every((x) => Array.isArray(x.includedPermissions))).toBe(true);
      names.push(...(r.data.roles ?? []).map((x) => x.name ?? ''));
      pageToken = r.data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(pages).toBe(4);
    expect(names).toEqual(basic.data.roles?.map((r) => r.name));
  });

  it('serves custom roles: ALPHA without a stage, deleted ones only on request', async () => {
    const org = await c.iam.organizations.roles.get({ name: 'organizations/482915736104/roles/deployHelper' });
    expect(org.data).toMatchObject({ name: 'organizations/482915736104/roles/deployHelper', title: 'Deploy Helper', stage: 'GA', includedPermissions: ['iam.serviceAccounts.actAs', 'run.executions.get', 'run.jobs.get', 'run.jobs.run'] });
    const list = await c.iam.projects.roles.list({ parent: 'projects/acme-payments-prod', view: 'FULL' });
    expect(list.data.roles?.map((r) => [r.name, r.stage ?? null, r.deleted ?? null])).toEqual([['projects/acme-payments-prod/roles/ledgerAuditor', null, null]]);
    const withDeleted = await c.iam.projects.roles.list({ parent: 'projects/acme-payments-prod', showDeleted: true });
    expect(withDeleted.data.roles?.map((r) => [r.name, r.deleted ?? null, r.includedPermissions ?? null])).toEqual([
      ['projects/acme-payments-prod/roles/ledgerAuditor', null, null],
      ['projects/acme-payments-prod/roles/legacyExporter', true, null],
    ]);
    const one = await c.iam.projects.roles.get({ name: 'projects/acme-payments-prod/roles/legacyExporter' });
    expect(one.data.deleted).toBe(true);
    const orgList = await c.iam.organizations.roles.list({ parent: 'organizations/482915736104' });
    expect(orgList.data.roles?.map((r) => r.name)).toEqual(['organizations/482915736104/roles/deployHelper']);
    const nope = await caught(c.iam.projects.roles.get({ name: 'projects/acme-payments-prod/roles/nope' }));
    expect(nope.status).toBe(404);
    expect(emu.requests.filter((r) => r.path.includes('/roles')).map((r) => r.permission ?? null).slice(-3)).toEqual(['iam.roles.get', 'iam.roles.list', 'iam.roles.get']);
  });
});
