import { describe, expect, test } from 'vitest';
import { FIXTURES } from '../fixtures/inventories/index.js';
import { findingsOf, pairs } from './helpers.js';

describe.each(Object.entries(FIXTURES))('%s fixtures', (ruleId, cases) => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const got = findingsOf(c.inventory, ruleId, c.rules);
    expect(pairs(got)).toEqual(c.expected.map(([r, s]) => `${r} ${s}`).sort());
  });
});
