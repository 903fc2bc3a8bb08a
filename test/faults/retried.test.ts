import { describe, expect, test } from 'vitest';
import { RETRIED, expectSameAsClean, retryFor } from './cases.js';
import { HANG_RETRY, RETRY, callKinds, exactPath, scan } from './matrix.js';

/**
 * Every kind of call the collector makes (from the emulator's log of a clean scan of the demo organisation) ×
 * every transient fault: each is retried within limits and the scan ends exactly as the clean one.
 */

const clean = await scan([]);
const kinds = callKinds(clean.emu.requests);

test('the clean scan reads every API family and pages its lists', () => {
  expect(new Set(kinds.map((k) => k.route.api))).toEqual(new Set(['run.googleapis.com', 'cloudresourcemanager.googleapis.com', 'iam.googleapis.com']));
  expect(kinds.length).toBeGreaterThanOrEqual(15);
  // Every list the collector pages gets the repeating-token fault (recorded.test.ts); keys.list is unpaged at Google too.
  expect(kinds.filter((k) => k.paged).map((k) => k.route.id)).toEqual([
    'run.services.list',
    'run.revisions.list',
    'crm.projects.list',
    'crm.folders.list',
    'iam.serviceAccounts.list',
  ]);
  expect(clean.inventory.errors.map((e) => [e.project, e.status])).toEqual([
    // The services and the jobs list of the project that denies run.*; acme-shared-svcs has the Run API
    // disabled, which is coverage, not an error.
    ['acme-legacy-billing', 403],
    ['acme-legacy-billing', 403],
  ]);
});

describe.each(kinds.map((k) => [k.route.id, k] as const))('%s', (_id, k) => {
  test.each(RETRIED.map((c) => [c.name, c] as const))('%s: retried, scan complete and identical', async (_name, c) => {
    const s = await scan([{ ...c.fault, method: k.method, path: exactPath(k.path) }], retryFor(c.hang, RETRY, HANG_RETRY));
    expectSameAsClean(clean, s, k, c);
  }, 30_000);
});
