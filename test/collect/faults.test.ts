import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { startEmulator, type FaultRule, type RunningEmulator } from '../../src/emulator/server.js';
import type { CallStats } from '../../src/google/call.js';
import type { Inventory, Scope } from '../../src/model/inventory.js';
import { collect, count, normalised } from './helpers.js';

/**
 * Faults injected into single requests of a one-project scan, with exact request counts from the emulator's log.
 * Every case is compared with a clean scan of the same project.
 */

const WEB: Scope = { kind: 'projects', ids: ['acme-web-prod'], regions: [] };
const demo = loadScenario(DEMO_SCENARIO_PATH);

let baseline: Inventory;
let baselineRequests: { method: string; path: string }[];
const running: RunningEmulator[] = [];

async function emulator(faults: FaultRule[] = [], scenario: Scenario = demo): Promise<RunningEmulator> {
  const emu = await startEmulator({ scenario, maxPageSize: 1, faults });
  running.push(emu);
  return emu;
}

function esc(path: string): string {
  return path.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

function baselineCount(method: string, path: string | RegExp): number {
  return baselineRequests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length;
}

beforeAll(async () => {
  const emu = await emulator();
  baseline = await collect(emu.url, WEB);
  baselineRequests = emu.requests.map((r) => ({ method: r.method, path: r.path }));
  expect(baseline.errors).toEqual([]);
}, 30_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

describe('retried faults leave a complete, identical inventory', () => {
  test('429 with Retry-After on the first calls of a paged list', async () => {
    const path = '/v2/projects/acme-web-prod/locations/-/services';
    const emu = await emulator([{ method: 'GET', path: /^\/v2\/projects\/acme-web-prod\/locations\/-\/services$/, kind: 'status', status: 429, retryAfter: 1, times: 2 }]);
    let stats: CallStats | undefined;
    const inv = await collect(emu.url, WEB, { onStats: (s) => (stats = s) });
    expect(baselineCount('GET', path)).toBeGreaterThan(1);
    expect(count(emu.requests, 'GET', path)).toBe(baselineCount('GET', path) + 2);
    expect(emu.requests.filter((r) => r.path === path).map((r) => r.status).slice(0, 3)).toEqual([429, 429, 200]);
    expect(normalised(inv)).toEqual(normalised(baseline));
    expect(stats?.run.retries).toBe(2);
  }, 20_000);

  test('503 on read-only POSTs (resource-manager and IAM getIamPolicy) is retried', async () => {
    const crmPath = '/v3/projects/acme-web-prod:getIamPolicy';
    const iamPath = '/v1/projects/acme-web-prod/serviceAccounts/checkout-sa@acme-web-prod.iam.gserviceaccount.com:getIamPolicy';
    const emu = await emulator([
      { method: 'POST', path: crmPath, kind: 'status', status: 503, times: 2 },
      { method: 'POST', path: iamPath, kind: 'status', status: 503, times: 1 },
    ]);
    const inv = await collect(emu.url, WEB);
    expect(count(emu.requests, 'POST', crmPath)).toBe(3);
    expect(count(emu.requests, 'POST', iamPath)).toBe(2);
    expect(normalised(inv)).toEqual(normalised(baseline));
  });

  test('a connection reset mid-response is retried (googleapis and resource-manager)', async () => {
    const path = '/v2/projects/acme-web-prod/locations/-/services';
    const crmPath = '/v3/projects/acme-web-prod:getIamPolicy';
    const emu = await emulator([
      { method: 'GET', path: new RegExp(`^${esc(path)}$`), kind: 'reset', times: 1 },
      { method: 'POST', path: crmPath, kind: 'reset', times: 1 },
    ]);
    const inv = await collect(emu.url, WEB);
    expect(count(emu.requests, 'GET', path)).toBe(baselineCount('GET', path) + 1);
    expect(count(emu.requests, 'POST', crmPath)).toBe(2);
    expect(normalised(inv)).toEqual(normalised(baseline));
  });
});

describe('faults that are recorded, not retried', () => {
  test('403 in one project is one request, recorded for that project only; the other is complete', async () => {
    const path = '/apis/run.googleapis.com/v1/namespaces/acme-data-prod/jobs';
    const emu = await emulator([{ method: 'GET', path: new RegExp(`^${esc(path)}$`), kind: 'status', status: 403 }]);
    const inv = await collect(emu.url, { kind: 'projects', ids: ['acme-web-prod', 'acme-data-prod'], regions: [] });
    expect(count(emu.requests, 'GET', path)).toBe(1);
    expect(inv.errors).toEqual([
      {
        project: 'acme-data-prod',
        resource: 'namespaces/acme-data-prod',
        api: 'run.googleapis.com',
        method: 'namespaces.jobs.list',
        status: 403,
        reason: 'IAM_PERMISSION_DENIED',
        message: 'permission run.jobs.list denied on project acme-data-prod: grant the scanner roles/run.viewer on it',
      },
    ]);
    const data = inv.projects.find((p) => p.projectId === 'acme-data-prod');
    expect(data?.complete).toBe(false);
    // What could be read is still there: the services.
    expect(data?.services.map((s) => s.serviceId)).toEqual(['reporting']);
    expect(data?.jobs).toEqual([]);
    expect(inv.projects.find((p) => p.projectId === 'acme-web-prod')).toEqual(baseline.projects[0]);
  });

  test('a repeating page token stops paging with PAGING_LOOP', async () => {
    const path = '/v2/projects/acme-web-prod/locations/-/services';
    const emu = await emulator([{ method: 'GET', path: new RegExp(`^${esc(path)}$`), kind: 'repeat-token' }]);
    const inv = await collect(emu.url, WEB);
    expect(count(emu.requests, 'GET', path)).toBe(2);
    expect(inv.errors).toHaveLength(1);
    expect(inv.errors[0]).toMatchObject({ project: 'acme-web-prod', method: 'services.list', status: 'PAGING_LOOP' });
    expect(inv.errors[0]?.message).toMatch(
      /^services\.list on projects\/acme-web-prod\/locations\/-: the server sent page token "[^"]+" again after 2 pages; paging stopped and this list is missing from the results: rerun later$/,
    );
    expect(inv.projects[0]?.complete).toBe(false);
  });

  test('a server that never answers is a timeout after the attempts allowed', async () => {
    const path = '/apis/run.googleapis.com/v1/namespaces/acme-web-prod/jobs';
    const emu = await emulator([{ method: 'GET', path: new RegExp(`^${esc(path)}$`), kind: 'hang' }]);
    const inv = await collect(emu.url, WEB, { retry: { baseDelayMs: 1, maxDelayMs: 2, attemptTimeoutMs: 150, maxAttempts: 2, deadlineMs: 10_000 } });
    expect(count(emu.requests, 'GET', path)).toBe(2);
    expect(inv.errors).toHaveLength(1);
    expect(inv.errors[0]).toMatchObject({ project: 'acme-web-prod', method: 'namespaces.jobs.list', status: 'TIMEOUT' });
    expect(inv.errors[0]?.message).toMatch(/^namespaces\.jobs\.list on namespaces\/acme-web-prod: no answer from run\.googleapis\.com \(2 attempts over [\d.]+ (ms|s)\): rerun later, or raise the per-request timeout$/);
    // Everything else was still collected.
    expect(inv.projects[0]?.services).toEqual(baseline.projects[0]?.services);
  });

  test.each([
    ['truncated', 'GET', '/v2/projects/acme-web-prod/locations/-/services', 'services.list'],
    ['truncated', 'POST', '/v3/projects/acme-web-prod:getIamPolicy', 'projects.getIamPolicy'],
    ['wrong-shape', 'GET', '/v2/projects/acme-web-prod/locations/europe-west1/services/-/revisions', 'services.revisions.list'],
    ['wrong-shape', 'GET', '/apis/run.googleapis.com/v1/namespaces/acme-web-prod/jobs', 'namespaces.jobs.list'],
    ['empty', 'GET', '/v1/projects/acme-web-prod/serviceAccounts/checkout-sa@acme-web-prod.iam.gserviceaccount.com/keys', 'serviceAccounts.keys.list'],
  ] as const)('%s body on %s %s is BAD_RESPONSE after one request', async (kind, method, path, apiMethod) => {
    const emu = await emulator([{ method, path: new RegExp(`^${esc(path)}$`), kind }]);
    const inv = await collect(emu.url, WEB);
    expect(count(emu.requests, method, path)).toBe(1);
    expect(inv.errors.map((e) => [e.method, e.status])).toEqual([[apiMethod, 'BAD_RESPONSE']]);
    expect(inv.errors[0]?.message).toContain('sent a response that is not valid');
  });

  test('an unexpected redirect is not followed', async () => {
    const path = '/apis/run.googleapis.com/v1/namespaces/acme-web-prod/jobs';
    const emu = await emulator([{ method: 'GET', path: new RegExp(`^${esc(path)}$`), kind: 'redirect' }]);
    const inv = await collect(emu.url, WEB);
    expect(count(emu.requests, 'GET', path)).toBe(1);
    expect(emu.requests.filter((r) => r.path.startsWith('/redirected'))).toEqual([]);
    expect(inv.errors.map((e) => [e.method, e.status])).toEqual([['namespaces.jobs.list', 'REDIRECT']]);
  });

  test('a project whose account list fails has its identities read one by one instead, and nothing is missing', async () => {
    const path = '/v1/projects/acme-web-prod/serviceAccounts';
    const emu = await emulator([{ method: 'GET', path: new RegExp(`^${esc(path)}$`), kind: 'status', status: 403 }]);
    const inv = await collect(emu.url, WEB);
    expect(count(emu.requests, 'GET', path)).toBe(1);
    expect(normalised(inv)).toEqual(normalised(baseline));
    expect(emu.requests.filter((r) => /^\/v1\/projects\/-\/serviceAccounts\/[^/:]+$/.test(r.path)).length).toBe(baseline.serviceAccounts.length);
  });
});

describe('identities', () => {
  const small: Scenario = {
    organization: { id: '100200300400', displayName: 'small.example' },
    projects: [
      {
        projectId: 'small-proj',
        number: '123456789012',
        parent: 'organizations/100200300400',
        iamPolicy: { bindings: [{ role: 'projects/small-proj/roles/gone', members: ['serviceAccount:ghost@small-proj.iam.gserviceaccount.com'] }] },
        customRoles: [{ roleId: 'projects/small-proj/roles/gone', title: 'Gone', stage: 'DEPRECATED', deleted: true, includedPermissions: ['run.jobs.run'] }],
        serviceAccounts: [
          { accountId: '123456789012-compute', email: '123456789012-compute@developer.gserviceaccount.com' },
          { accountId: 'ghost', deleted: true },
          { accountId: 'off', disabled: true },
        ],
        services: [{ name: 'haunted', region: 'us-central1', serviceAccount: 'ghost@small-proj.iam.gserviceaccount.com' }],
        jobs: [
          { name: 'job-a', region: 'us-central1', serviceAccount: 'off@small-proj.iam.gserviceaccount.com' },
          { name: 'job-b', region: 'us-central1' },
        ],
      },
    ],
  };

  test('a runtime identity answering 404 is deleted; a disabled one is disabled; a deleted custom role is kept', async () => {
    const emu = await emulator([], small);
    const inv = await collect(emu.url, { kind: 'projects', ids: ['small-proj'], regions: [] });
    expect(inv.errors).toEqual([]);
    expect(inv.serviceAccounts.map((s) => [s.email, s.state])).toEqual([
      ['123456789012-compute@developer.gserviceaccount.com', 'active'],
      ['ghost@small-proj.iam.gserviceaccount.com', 'deleted'],
      ['off@small-proj.iam.gserviceaccount.com', 'disabled'],
    ]);
    expect(inv.serviceAccounts.find((s) => s.email.startsWith('ghost'))).toEqual({
      email: 'ghost@small-proj.iam.gserviceaccount.com',
      projectId: 'small-proj',
      state: 'deleted',
      iamPolicy: null,
      keys: null,
    });
    // Absent from its project's account list (one paged list for all three identities): deleted, and nothing
    // more is asked about it, not even a get.
    expect(count(emu.requests, 'GET', '/v1/projects/small-proj/serviceAccounts')).toBe(2);
    expect(emu.requests.filter((r) => r.path.includes('ghost@'))).toEqual([]);
    expect(emu.requests.filter((r) => /^\/v1\/projects\/-\/serviceAccounts\/[^/:]+$/.test(r.path))).toEqual([]);
    expect(inv.roles).toEqual([
      { name: 'projects/small-proj/roles/gone', title: 'Gone', stage: 'DEPRECATED', deleted: true, includedPermissions: ['run.jobs.run'], source: 'project' },
    ]);
    // Two jobs with one item per page: the global jobs list is read over two pages (metadata.continue).
    expect(count(emu.requests, 'GET', '/apis/run.googleapis.com/v1/namespaces/small-proj/jobs')).toBe(2);
    expect(inv.projects[0]?.jobs.map((j) => [j.jobId, j.serviceAccount, j.serviceAccountDefaulted])).toEqual([
      ['job-a', 'off@small-proj.iam.gserviceaccount.com', false],
      ['job-b', '123456789012-compute@developer.gserviceaccount.com', true],
    ]);
  });
});

describe('scopes', () => {
  test('a folder: every active project beneath it, its ancestors read once each', async () => {
    const emu = await emulator();
    const inv = await collect(emu.url, { kind: 'folder', ids: ['731045829163'], regions: [] });
    expect(inv.projects.map((p) => p.projectId)).toEqual(['acme-data-prod', 'acme-payments-prod', 'acme-shared-svcs', 'acme-web-prod']);
    expect(inv.folders.map((f) => [f.name, f.displayName, f.parent])).toEqual([['folders/731045829163', 'prod', 'organizations/482915736104']]);
    expect(inv.organizations.map((o) => [o.name, o.displayName])).toEqual([['organizations/482915736104', 'acme.example']]);
    expect(count(emu.requests, 'GET', '/v3/folders/731045829163')).toBe(1);
    expect(count(emu.requests, 'GET', '/v3/organizations/482915736104')).toBe(1);
    expect(count(emu.requests, 'POST', '/v3/organizations/482915736104:getIamPolicy')).toBe(1);
  });

  test('named projects: folders and the organisation above them are read from the ancestry', async () => {
    const emu = await emulator();
    const inv = await collect(emu.url, { kind: 'projects', ids: ['acme-web-staging'], regions: [] });
    expect(inv.projects[0]?.ancestry).toEqual(['folders/619283740015', 'folders/284619375502', 'organizations/482915736104']);
    expect(inv.folders.map((f) => [f.name, f.displayName, f.parent])).toEqual([
      ['folders/284619375502', 'non-prod', 'organizations/482915736104'],
      ['folders/619283740015', 'staging', 'folders/284619375502'],
    ]);
    expect(count(emu.requests, 'GET', '/v3/folders/619283740015')).toBe(1);
    expect(count(emu.requests, 'GET', '/v3/folders/284619375502')).toBe(1);
  });

  test('a region filter scans only those regions', async () => {
    const emu = await emulator();
    const inv = await collect(emu.url, { kind: 'projects', ids: ['acme-web-prod'], regions: ['europe-west1'] });
    expect(inv.projects[0]?.services.map((s) => s.serviceId)).toEqual(['checkout']);
    expect(emu.requests.filter((r) => r.path.includes('/locations/us-central1'))).toEqual([]);
  });

  test('an unknown folder aborts with a UserError', async () => {
    const emu = await emulator();
    await expect(collect(emu.url, { kind: 'folder', ids: ['999999999999'], regions: [] })).rejects.toMatchObject({
      name: 'UserError',
      code: 'INPUT',
      message: expect.stringMatching(/^folder 999999999999 does not exist or the scanner may not read it: /),
    });
  });

  test('an unknown project alone aborts; next to a real one it is an error entry', async () => {
    const emu = await emulator();
    await expect(collect(emu.url, { kind: 'projects', ids: ['no-such-project'], regions: [] })).rejects.toMatchObject({
      name: 'UserError',
      code: 'INPUT',
      message: expect.stringMatching(/^project "no-such-project" does not exist or the scanner may not read it: /),
    });
    const inv = await collect(emu.url, { kind: 'projects', ids: ['acme-web-prod', 'no-such-project'], regions: [] });
    expect(inv.projects.map((p) => [p.projectId, p.complete])).toEqual([
      ['acme-web-prod', true],
      ['no-such-project', false],
    ]);
    expect(inv.errors.map((e) => [e.project, e.method])).toEqual([['no-such-project', 'projects.get']]);
  });
});
