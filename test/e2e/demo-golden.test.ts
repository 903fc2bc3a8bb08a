import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectInventory } from '../../src/collect/collect.js';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { auditInventory } from '../../src/audit/pipeline.js';
import { defaultRules } from '../../src/rules/load.js';
import { RULES } from '../../src/checks/index.js';
import { RULES_DIR } from '../../src/paths.js';
import { FORMATS, FORMAT_EXTENSIONS, renderToString, validateReport, type RenderOptions } from '../../src/report/index.js';
import type { Report } from '../../src/model/finding.js';

// Golden reports of the real demo organisation: collected through the emulator by the real clients, audited with
// the bundled rules at a fixed clock. Update with `npx vitest run test/e2e/demo-golden.test.ts -u` and read the diff.
const OPTS: RenderOptions = {
  width: 100,
  color: false,
  rulesMeta: RULES.map((r) => ({ id: r.id, title: r.title, defaultSeverity: r.defaultSeverity, summary: r.summary, docPath: join(RULES_DIR, `${r.id}.md`) })),
};
const STARTED = '2026-11-01T02:00:00.000Z';
const NOW = new Date('2026-11-01T02:00:07.000Z');

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), maxPageSize: 2 });
});
afterAll(async () => {
  await emu.close();
});

async function demoReport(): Promise<Report> {
  const inv = await collectInventory({ scope: { kind: 'organization', ids: ['482915736104'], regions: [] }, endpoint: emu.url });
  return auditInventory(inv, defaultRules(), { startedAt: STARTED, now: NOW });
}

describe('the demo organisation in every format', () => {
  test('golden files; two collections give byte-identical reports', async () => {
    const first = await demoReport();
    const second = await demoReport();
    expect(validateReport(first)).toEqual({ valid: true, errors: [] });
    for (const format of FORMATS) {
      const text = renderToString(format, first, OPTS);
      expect(renderToString(format, second, OPTS)).toBe(text);
      await expect(text).toMatchFileSnapshot(`../golden/demo-org/report.${FORMAT_EXTENSIONS[format]}`);
    }
  });
});
