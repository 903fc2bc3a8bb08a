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
    expect(paged(/^GET \/v1\/projects\/[^/]+\/locations\?/).length).toBeGreaterThan(0);
    expect(paged(/^GET \/v2\/projects\/[^/]+\/locations\/[^/]+\/services\?/).length).toBeGreaterThan(0);
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

  test('a disabled API and a missing permission are each one request, not retried, and recorded for their project only', () => {
    const log = emu.requests.filter((r) => r.status === 403);
    expect(log.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /v1/projects/acme-legacy-billing/locations',
      'GET /v1/projects/acme-shared-svcs/locations',
    ]);
    expect(inv.errors).toEqual([
      {
        project: 'acme-legacy-billing',
        resource: 'projects/acme-legacy-billing',
        api: 'run.googleapis.com',
        method: 'locations.list',
        status: 403,
        reason: 'IAM_PERMISSION_DENIED',
        message: 'permission run.locations.list denied on project acme-legacy-billing: grant the scanner roles/run.viewer on it',
      },
      {
        project: 'acme-shared-svcs',
        resource: 'projects/acme-shared-svcs',
        api: 'run.googleapis.com',
        method: 'locations.list',
        status: 403,
        reason: 'SERVICE_DISABLED',
        message:
          'run.googleapis.com is disabled in project acme-shared-svcs: enable it with "gcloud services enable run.googleapis.com --project=acme-shared-svcs"',
      },
    ]);
    expect(inv.projects.map((p) => [p.projectId, p.complete])).toEqual([
      ['acme-data-prod', true],
      ['acme-legacy-billing', false],
      ['acme-payments-prod', true],
      ['acme-shared-svcs', false],
      ['acme-web-prod', true],
      ['acme-web-staging', true],
    ]);
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
      run: { attempts: byApi('run.googleapis.com'), retries: 0, failures: 2 },
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
