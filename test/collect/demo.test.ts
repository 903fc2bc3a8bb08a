import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CollectProgress } from '../../src/collect/collect.js';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { CallStats } from '../../src/google/call.js';
import type { Inventory } from '../../src/model/inventory.js';
import { inventorySchemaErrors } from '../../src/model/snapshot.js';
import { TOOL_VERSION } from '../../src/version.js';
import { ORG_SCOPE, collect, lines, normalised } from './helpers.js';

const GOLDEN = new URL('../golden/demo-inventory.json', import.meta.url);

let emu: RunningEmulator;
let inv: Inventory;
let progress: CollectProgress[];
let stats: CallStats | undefined;

beforeAll(async () => {
  // One item per page, so every list that has more than one item is read over several pages.
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), maxPageSize: 1 });
  progress = [];
  inv = await collect(emu.url, ORG_SCOPE, {
    onProgress: (p) => progress.push(p),
    onStats: (s) => {
      stats = s;
    },
  });
}, 60_000);

afterAll(async () => {
  await emu?.close();
});

describe('the demo organisation, collected through the emulator', () => {
  test('equals the reviewed golden inventory', () => {
    const actual = normalised(inv);
    if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(GOLDEN)) {
      writeFileSync(GOLDEN, JSON.stringify(actual, null, 2) + '\n');
    }
    expect(actual).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')) as Inventory);
  });

  test('is a valid snapshot per the JSON Schema, stamped with this version', () => {
    expect(inventorySchemaErrors(inv)).toEqual([]);
    expect(inv.toolVersion).toBe(TOOL_VERSION);
    expect(Date.parse(inv.collectedAt)).not.toBeNaN();
  });

  test('every kind of list call was read across several pages', () => {
    const paged = (re: RegExp): string[] => lines(emu.requests).filter((l) => re.test(l) && /[?&]pageToken=/.test(l));
    expect(paged(/^GET \/v2\/projects\/[^/]+\/locations\/-\/services\?/).length).toBeGreaterThan(0);
    // The v1 global jobs list pages with metadata.continue, passed back as `continue`.
    expect(lines(emu.requests).filter((l) => /^GET \/apis\/run\.googleapis\.com\/v1\/namespaces\/[^/]+\/jobs\?.*\bcontinue=/.test(l)).length).toBeGreaterThan(0);
    expect(paged(/^GET \/v1\/projects\/[^/]+\/serviceAccounts\?/).length).toBeGreaterThan(0);
    expect(paged(/^GET \/v2\/projects\/[^/]+\/locations\/[^/]+\/services\/-\/revisions\?/).length).toBeGreaterThan(0);
    expect(paged(/^GET \/v3\/projects\?/).length).toBeGreaterThan(0);
    expect(paged(/^GET \/v3\/folders\?/).length).toBeGreaterThan(0);
    // Revisions come from one wildcard list per region, never one list per service.
    expect(lines(emu.requests).filter((l) => /\/services\/(?!-\/)[^/]+\/revisions/.test(l))).toEqual([]);
  });

  test('no resource is fetched twice', () => {
    const all = lines(emu.requests);
    const repeated = all.filter((l, i) => all.indexOf(l) !== i);
    expect(repeated).toEqual([]);
    // Policies of the hierarchy: each node once, although four projects share the prod folder.
    expect(all.filter((l) => l.startsWith('POST /v3/folders/731045829163:getIamPolicy'))).toHaveLength(1);
    expect(all.filter((l) => l.startsWith('POST /v3/organizations/482915736104:getIamPolicy'))).toHaveLength(1);
  });

  test('a disabled Run API is coverage, not an error; a missing permission is an error; each one request, not retried', () => {
    const log = emu.requests.filter((r) => r.status === 403);
    expect(log.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /apis/run.googleapis.com/v1/namespaces/acme-legacy-billing/jobs',
      'GET /apis/run.googleapis.com/v1/namespaces/acme-shared-svcs/jobs',
      'GET /v2/projects/acme-legacy-billing/locations/-/services',
      'GET /v2/projects/acme-shared-svcs/locations/-/services',
    ]);
    expect(inv.errors).toEqual([
      {
        project: 'acme-legacy-billing',
        resource: 'namespaces/acme-legacy-billing',
        api: 'run.googleapis.com',
        method: 'namespaces.jobs.list',
        status: 403,
        reason: 'IAM_PERMISSION_DENIED',
        message: 'permission run.jobs.list denied on project acme-legacy-billing: grant the scanner roles/run.viewer on it',
      },
      {
        project: 'acme-legacy-billing',
        resource: 'projects/acme-legacy-billing/locations/-',
        api: 'run.googleapis.com',
        method: 'services.list',
        status: 403,
        reason: 'IAM_PERMISSION_DENIED',
        message: 'permission run.services.list denied on project acme-legacy-billing: grant the scanner roles/run.viewer on it',
      },
    ]);
    expect(inv.projects.map((p) => [p.projectId, p.complete, p.runApiDisabled ?? false])).toEqual([
      ['acme-data-prod', true, false],
      ['acme-legacy-billing', false, false],
      ['acme-payments-prod', true, false],
      ['acme-shared-svcs', true, true],
      ['acme-web-prod', true, false],
      ['acme-web-staging', true, false],
    ]);
  });

  test('gcloud’s call pattern: per project one cross-region list per kind, revisions per region with services, no locations.list', () => {
    const all = lines(emu.requests).map((l) => l.replace(/\?.*$/, ''));
    const distinct = (re: RegExp): string[] => [...new Set(all.filter((l) => re.test(l)))].sort();
    const projects = ['acme-data-prod', 'acme-legacy-billing', 'acme-payments-prod', 'acme-shared-svcs', 'acme-web-prod', 'acme-web-staging'];
    expect(distinct(/\/locations\/-\/services$/)).toEqual(projects.map((p) => `GET /v2/projects/${p}/locations/-/services`));
    expect(distinct(/\/namespaces\/[^/]+\/jobs$/)).toEqual(projects.map((p) => `GET /apis/run.googleapis.com/v1/namespaces/${p}/jobs`));
    expect(all.filter((l) => /\/v1\/projects\/[^/]+\/locations$/.test(l))).toEqual([]);
    // Regional lists only for revisions, in the regions that have services.
    const regionsWithServices = inv.projects.flatMap((p) => [...new Set(p.services.map((s) => `GET /v2/projects/${p.projectId}/locations/${s.region}/services/-/revisions`))]);
    expect(distinct(/\/locations\/[a-z0-9-]+\/(services|jobs)(\/-\/revisions)?$/).filter((l) => !l.includes('/locations/-/'))).toEqual(regionsWithServices.sort());
    // An organisation scan takes each project's ancestry from the folder listing.
    expect(all.filter((l) => l.includes(':getAncestry'))).toEqual([]);
    // Identities: one account list per project holding runtime identities, no get for them.
    expect(all.filter((l) => /^GET \/v1\/projects\/-\/serviceAccounts\//.test(l) && !/\/keys$/.test(l))).toEqual([]);
  });

  test('roles granted in a service’s own policy are read like the others', () => {
    const granted = new Set(inv.projects.flatMap((p) => p.services.flatMap((s) => (s.iamPolicy?.bindings ?? []).map((b) => b.role))));
    expect(granted.has('roles/run.invoker')).toBe(true);
    const read = new Set(inv.roles.map((r) => r.name));
    expect([...granted].filter((r) => !read.has(r))).toEqual([]);
  });

  test('container env values and secret references are not copied', () => {
    const text = JSON.stringify(inv);
    for (const s of ['10.20.0.5', 'pk_live_51HxAcmeDemoValue', 'stripe-secret-key', 'STRIPE_SECRET_KEY', 'LOG_LEVEL', 'docker.pkg.dev']) {
      expect(text).not.toContain(s);
    }
  });

  test('progress counts every project once and ends complete', () => {
    expect(progress[0]).toEqual({ projectsDone: 0, projectsTotal: 6 });
    expect(progress.at(-1)).toEqual({ projectsDone: 6, projectsTotal: 6 });
    expect(progress.map((p) => p.projectsDone)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  test('stats count every request sent, per API', () => {
    const byApi = (host: string): number => emu.requests.filter((r) => r.api === host).length;
    expect(stats).toEqual({
      // The two calls refused in the project without permission, and the two answered SERVICE_DISABLED.
      run: { attempts: byApi('run.googleapis.com'), retries: 0, failures: 4 },
      iam: { attempts: byApi('iam.googleapis.com'), retries: 0, failures: 0 },
      crm: { attempts: byApi('cloudresourcemanager.googleapis.com'), retries: 0, failures: 0 },
      storage: { attempts: 0, retries: 0, failures: 0 },
      asset: { attempts: 0, retries: 0, failures: 0 },
      recommender: { attempts: 0, retries: 0, failures: 0 },
    });
  });

  test('a second collection with another page size is identical', async () => {
    const emu2 = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH) });
    try {
      const again = await collect(emu2.url, ORG_SCOPE);
      expect(normalised(again)).toEqual(normalised(inv));
    } finally {
      await emu2.close();
    }
  });
});
