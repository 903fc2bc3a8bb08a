import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { caught, demoScenario, realClients, type RealClients } from './clients.js';

const ALL = ['acme-web-prod', 'acme-payments-prod', 'acme-data-prod', 'acme-shared-svcs', 'acme-web-staging', 'acme-legacy-billing'];

describe('Resource Manager through the real clients', () => {
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

  it('gets a project by ID or number, in the v3 shape', async () => {
    const [byId] = await c.projects.getProject({ name: 'projects/acme-web-staging' });
    const [byNumber] = await c.projects.getProject({ name: 'projects/738162940517' });
    expect(byNumber).toEqual(byId);
    expect({ name: byId.name, projectId: byId.projectId, parent: byId.parent, state: byId.state, displayName: byId.displayName, labels: byId.labels }).toEqual({
      name: 'projects/738162940517',
      projectId: 'acme-web-staging',
      parent: 'folders/619283740015',
      state: 'ACTIVE',
      displayName: 'Acme Web (staging)',
      labels: { env: 'staging', team: 'web' },
    });
    expect(byId.etag).toMatch(/^W\/"[0-9a-f]{16}"$/);
    expect(typeof byId.createTime?.seconds).toBe('string');
    expect(emu.requests.at(-1)?.query).toBe('$alt=json%3Benum-encoding=int');
  });

  it('searches with the query language, following every page', async () => {
    const [all] = await cp.projects.searchProjects({});
    expect(all.map((p) => p.projectId)).toEqual(ALL);
    expect(paged.requests.filter((r) => r.path === '/v3/projects:search')).toHaveLength(6);
    const [prod] = await c.projects.searchProjects({ query: 'parent:folders/731045829163 AND state:ACTIVE' });
    expect(prod.map((p) => p.projectId)).toEqual(['acme-web-prod', 'acme-payments-prod', 'acme-data-prod', 'acme-shared-svcs']);
    const [one] = await c.projects.searchProjects({ query: 'id:acme-web-*  labels.env:staging' });
    expect(one.map((p) => p.projectId)).toEqual(['acme-web-staging']);
    const bad = await caught(c.projects.searchProjects({ query: 'colour:blue' }));
    expect(bad.code).toBe(400);
  });

  it('lists direct children of a folder or the organisation only', async () => {
    const [root] = await c.projects.listProjects({ parent: 'organizations/482915736104' });
    expect(root.map((p) => p.projectId)).toEqual(['acme-legacy-billing']);
    const [nonProd] = await c.projects.listProjects({ parent: 'folders/284619375502' });
    expect(nonProd).toEqual([]);
    const [folders] = await cp.folders.listFolders({ parent: 'organizations/482915736104' });
    expect(folders.map((f) => [f.name, f.displayName])).toEqual([
      ['folders/731045829163', 'prod'],
      ['folders/284619375502', 'non-prod'],
    ]);
    const [nested] = await c.folders.listFolders({ parent: 'folders/284619375502' });
    expect(nested.map((f) => [f.name, f.parent])).toEqual([['folders/619283740015', 'folders/284619375502']]);
    const [found] = await c.folders.searchFolders({ query: 'displayName:staging' });
    expect(found.map((f) => f.name)).toEqual(['folders/619283740015']);
    const unknown = await caught(c.projects.listProjects({ parent: 'folders/999999999999' }));
    expect(unknown.code).toBe(403);
  });

  it('gets folders and the organisation', async () => {
    const [f] = await c.folders.getFolder({ name: 'folders/731045829163' });
    expect([f.name, f.parent, f.displayName, f.state]).toEqual(['folders/731045829163', 'organizations/482915736104', 'prod', 'ACTIVE']);
    const [o] = await c.organizations.getOrganization({ name: 'organizations/482915736104' });
    expect([o.name, o.displayName, o.directoryCustomerId, o.state]).toEqual(['organizations/482915736104', 'acme.example', 'C03x7k2pq', 'ACTIVE']);
    const e = await caught(c.folders.getFolder({ name: 'folders/123' }));
    expect(e.code).toBe(403);
  });

  it('answers getIamPolicy by POST: conditions at version 3, _withcond_ roles below it', async () => {
    const [v3] = await c.projects.getIamPolicy({ resource: 'projects/acme-data-prod', options: { requestedPolicyVersion: 3 } });
    expect(v3.version).toBe(3);
    const owner = v3.bindings?.find((b) => b.role === 'roles/owner');
    expect(owner?.members).toEqual(['serviceAccount:reporting-sa@acme-data-prod.iam.gserviceaccount.com']);
    expect([owner?.condition?.title, owner?.condition?.expression]).toEqual(['Quarter-end reporting window', 'request.time < timestamp("2026-01-31T00:00:00Z")']);

    const [v1] = await c.projects.getIamPolicy({ resource: 'projects/acme-data-prod' });
    expect(v1.version).toBe(1);
    expect(emu.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v3/projects/acme-data-prod:getIamPolicy', permission: 'resourcemanager.projects.getIamPolicy' });
    const roles = (v1.bindings ?? []).map((b) => b.role ?? '');
    expect(roles.filter((r) => r.startsWith('roles/owner'))).toEqual([expect.stringMatching(/^roles\/owner_withcond_[0-9a-f]{20}$/)]);
    expect(v1.bindings?.every((b) => b.condition === null)).toBe(true);

    const viaGoogleapis = await c.crmV1.projects.getIamPolicy({ resource: 'acme-data-prod', requestBody: {} });
    expect(viaGoogleapis.data.bindings?.map((b) => b.role)).toEqual(roles);

    const [folder] = await c.folders.getIamPolicy({ resource: 'folders/731045829163' });
    expect(folder.bindings?.map((b) => [b.role, b.members])).toEqual([
      ['roles/editor', ['serviceAccount:payments-runtime@acme-payments-prod.iam.gserviceaccount.com']],
      ['roles/run.viewer', ['group:prod-oncall@acme.example']],
    ]);
    const [org] = await c.organizations.getIamPolicy({ resource: 'organizations/482915736104' });
    expect(org.bindings?.map((b) => b.role)).toEqual(['roles/iam.roleViewer', 'roles/resourcemanager.organizationViewer']);
    const empty = await fetch(`${emu.url}/v3/folders/284619375502:getIamPolicy`, { method: 'POST', body: '{}' });
    expect(await empty.json()).toEqual({ etag: 'ACAB' });
  });

  it('walks the ancestry with v1 getAncestry and serves the v1 project', async () => {
    const { data } = await c.crmV1.projects.getAncestry({ projectId: 'acme-web-staging', requestBody: {} });
    expect(data.ancestor).toEqual([
      { resourceId: { type: 'project', id: 'acme-web-staging' } },
      { resourceId: { type: 'folder', id: '619283740015' } },
      { resourceId: { type: 'folder', id: '284619375502' } },
      { resourceId: { type: 'organization', id: '482915736104' } },
    ]);
    const v1 = await c.crmV1.projects.get({ projectId: 'acme-legacy-billing' });
    expect(v1.data).toMatchObject({ projectNumber: '954120387746', projectId: 'acme-legacy-billing', lifecycleState: 'ACTIVE', name: 'Legacy Billing', parent: { type: 'organization', id: '482915736104' } });
  });

  it('hides projects the caller cannot get from get, search and list', async () => {
    const s = demoScenario();
    const hidden = s.projects.find((p) => p.projectId === 'acme-data-prod');
    if (!hidden) throw new Error('demo changed');
    hidden.deniedPermissions = ['resourcemanager.projects.get'];
    const e = await startEmulator({ scenario: s });
    try {
      const cl = realClients(e);
      const [all] = await cl.projects.searchProjects({});
      expect(all.map((p) => p.projectId)).toEqual(ALL.filter((p) => p !== 'acme-data-prod'));
      const [children] = await cl.projects.listProjects({ parent: 'folders/731045829163' });
      expect(children.map((p) => p.projectId)).toEqual(['acme-web-prod', 'acme-payments-prod', 'acme-shared-svcs']);
      const err = await caught(cl.projects.getProject({ name: 'projects/acme-data-prod' }));
      const unknown = await caught(cl.projects.getProject({ name: 'projects/no-such-project' }));
      expect([err.code, unknown.code]).toEqual([403, 403]);
      expect(JSON.parse(err.message)).toEqual({
        error: {
          code: 403,
          message: "Permission 'resourcemanager.projects.get' denied on resource '//cloudresourcemanager.googleapis.com/projects/acme-data-prod' (or it may not exist).",
          status: 'PERMISSION_DENIED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'IAM_PERMISSION_DENIED',
              domain: 'iam.googleapis.com',
              metadata: { permission: 'resourcemanager.projects.get', resource: '//cloudresourcemanager.googleapis.com/projects/acme-data-prod' },
            },
          ],
        },
      });
    } finally {
      await e.close();
    }
  });
});
