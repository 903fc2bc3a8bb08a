import type { Finding } from '../../src/model/finding.js';
import type { Inventory } from '../../src/model/inventory.js';
import { evaluate } from '../../src/rules/engine.js';
import { defaultRules, parseRules } from '../../src/rules/load.js';
import { NOW } from '../fixtures/inventories/types.js';

export function run(inv: Inventory, rulesText?: string, now = NOW): ReturnType<typeof evaluate> {
  const rules = rulesText === undefined ? defaultRules() : parseRules(rulesText, 'test-rules.yaml');
  return evaluate(inv, rules, { now });
}

export function findingsOf(inv: Inventory, ruleId: string, rulesText?: string): Finding[] {
  const ev = run(inv, rulesText);
  if (ev.errors.length > 0) throw new Error(`rule errors: ${JSON.stringify(ev.errors)}`);
  return ev.findings.filter((f) => f.ruleId === ruleId);
}

export function pairs(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.resource} ${f.severity}`).sort();
}
