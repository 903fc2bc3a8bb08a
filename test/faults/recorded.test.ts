import { describe, test } from 'vitest';
import { RECORDED, expectRecorded, retryFor } from './cases.js';
import { HANG_RETRY, RETRY, callKinds, exactPath, scan } from './matrix.js';

/**
 * Every kind of call the collector makes × every fault that cannot be ridden out: each becomes an error entry
 * naming the project (or resource) and the API, every other project is exactly as in a clean scan, and the exit
 * code is the documented one.
 */

const clean = await scan([]);
const kinds = callKinds(clean.emu.requests);

describe.each(kinds.map((k) => [k.route.id, k] as const))('%s', (_id, k) => {
  const cases = RECORDED.filter((c) => !c.listOnly || k.paged);
  test.each(cases.map((c) => [c.name, c] as const))('%s: recorded, never a silent pass', async (_name, c) => {
    const s = await scan([{ ...c.fault, method: k.method, path: exactPath(k.path) }], retryFor(c.hang, RETRY, HANG_RETRY));
    expectRecorded(clean, s, k, c);
  }, 30_000);
});
