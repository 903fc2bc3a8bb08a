import { describe, expect, test } from 'vitest';
import { FORMATS, FORMAT_EXTENSIONS, formatters, renderToString, type RenderOptions } from '../../src/report/index.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { hostileReport } from '../fixtures/reports/hostile.js';
import { demoRulesMeta } from '../fixtures/reports/rules-meta.js';

// No sarifLocation: the golden SARIF shows what a user gets without --rules, logical locations only.
const OPTS: RenderOptions = { width: 100, color: false, rulesMeta: demoRulesMeta };

describe('golden files (update with `npx vitest run test/report/golden.test.ts -u`, then read the diff)', () => {
  for (const format of FORMATS) {
    test(format, async () => {
      await expect(renderToString(format, demoReport, OPTS)).toMatchFileSnapshot(`../golden/reports/demo.${FORMAT_EXTENSIONS[format]}`);
    });
  }
});

describe('determinism', () => {
  test('the same report renders to the same bytes, and chunks add up to the whole', () => {
    for (const format of FORMATS) {
      for (const r of [demoReport, hostileReport]) {
        const once = renderToString(format, r, OPTS);
        expect(renderToString(format, structuredClone(r), OPTS)).toBe(once);
        expect([...formatters[format](r, OPTS)].join('')).toBe(once);
      }
    }
  });
});
