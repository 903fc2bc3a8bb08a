import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { restrictToRegions } from '../../src/audit/filter.js';
import { namesOf, sameProject } from '../../src/model/project-relation.js';
import { inventorySchemaErrors } from '../../src/model/snapshot.js';
import { loadOfflineInputs } from '../../src/offline/load.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

const none = { numberOf: () => undefined, idOf: () => undefined };
const dir = (pairs: [string, string][]) => ({
  numberOf: (id: string) => pairs.find(([i]) => i === id)?.[1],
  idOf: (n: string) => pairs.find(([, m]) => m === n)?.[0],
});

describe('sameProject: decided only by what is known', () => {
  test.each([
    ['both IDs, equal', { id: 'acme-a' }, { id: 'acme-a' }, none, true],
    ['both IDs, different', { id: 'acme-a' }, { id: 'acme-b' }, none, false],
    ['both numbers, different', { number: '1' }, { number: '2' }, none, false],
    ['ID against number, nothing known', { id: 'acme-a' }, { number: '2' }, none, undefined],
    ['ID against number, the directory pairs them', { id: 'acme-a' }, { number: '2' }, dir([['acme-a', '2']]), true],
    ['ID against number, the directory gives another number', { id: 'acme-a' }, { number: '2' }, dir([['acme-a', '3']]), false],
    ['number against ID, the number belongs to another ID', { number: '2' }, { id: 'acme-a' }, dir([['acme-b', '2']]), false],
  ])('%s', (_t, a, b, d, want) => {
    expect(sameProject(a, b, d)).toBe(want);
  });

  test('a project the inventory names by number has no ID, whatever its projectNumber field says', () => {
    expect(namesOf({ projectId: '640318125577', projectNumber: '640318125577' })).toEqual({ number: '640318125577' });
    expect(namesOf({ projectId: 'acme-orders', projectNumber: '' })).toEqual({ id: 'acme-orders' });
  });
});

test('--region keeps revisions without their service in that region only', () => {
  const inv = loadOfflineInputs([join(PACKAGE_ROOT, 'test/fixtures/offline/revisions-list.orders.yaml')], new Date(), { CLOUDRUN_AUDITOR_CACHE_DIR: '/nonexistent' });
  expect(inv.projects[0]?.revisionsWithoutService?.map((r) => r.revisionId)).toEqual(['orders-00001-kaz', 'orders-00002-vup']);
  expect(restrictToRegions(inv, ['europe-west1']).projects[0]?.revisionsWithoutService).toHaveLength(2);
  expect(restrictToRegions(inv, ['us-central1']).projects[0]?.revisionsWithoutService).toEqual([]);
  // The inventory (with its notes and revisions without service) is a valid snapshot.
  expect(inv.notes).toHaveLength(2);
  expect(inventorySchemaErrors(JSON.parse(JSON.stringify(inv)))).toEqual([]);
});
