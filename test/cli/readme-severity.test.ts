import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { auditInventory } from '../../src/audit/pipeline.js';
import { RULES } from '../../src/checks/index.js';
import { ruleSeverities } from '../../src/checks/severities.js';
import type { Inventory } from '../../src/model/inventory.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { defaultRules } from '../../src/rules/load.js';

const README = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
const START = '<!-- severity-table: generated from rules/default.yaml and the rule definitions; test/cli/readme-severity.test.ts checks it -->';
const END = '<!-- /severity-table -->';

/** The table the README must hold, from the bundled rules and each rule's documented steps down. */
function expectedTable(): string {
  const rows = ruleSeverities(defaultRules()).map((r) => {
    const lower = r.lower.map((l) => `${l.severity} when ${l.when}`).join('; ');
    return `| \`${r.id}\` | ${r.top} | ${lower === '' ? '—' : lower} |`;
  });
  return ['| rule | severity | lower when |', '|---|---|---|', ...rows].join('\n');
}

describe("the README's CI-gate severity table", () => {
  test('is exactly what rules/default.yaml and the rule definitions say', () => {
    const start = README.indexOf(START);
    const end = README.indexOf(END);
    expect(start, 'README has the severity-table markers').toBeGreaterThan(-1);
    expect(README.slice(start + START.length, end).trim()).toBe(expectedTable());
  });

  test("each rule's default severity in its definition is the one rules/default.yaml gives", () => {
    const config = defaultRules();
    expect(RULES.map((r) => [r.id, config.rules[r.id].severity])).toEqual(RULES.map((r) => [r.id, r.defaultSeverity]));
  });

  test('the demo organisation only gets severities the table allows, and Editor grants are high, below a critical gate', () => {
    const inventory = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/golden/demo-inventory.json'), 'utf8')) as Inventory;
    const report = auditInventory(inventory, defaultRules(), { startedAt: '2026-01-01T00:00:00.000Z', now: new Date('2026-01-01T00:00:00.000Z') });
    const allowed = new Map(ruleSeverities(defaultRules()).map((r) => [r.id, new Set([r.top, ...r.lower.map((l) => l.severity)])]));
    for (const f of report.findings) expect(allowed.get(f.ruleId)?.has(f.severity), `${f.ruleId} ${f.severity}`).toBe(true);
    const primitive = report.findings.filter((f) => f.ruleId === 'primitive-role');
    expect(new Set(primitive.map((f) => `${(f.evidence as { role: string }).role} ${f.severity}`))).toEqual(new Set(['roles/owner critical', 'roles/editor high']));
  });
});
