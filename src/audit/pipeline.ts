import type { Inventory } from '../model/inventory.js';
import type { Report } from '../model/finding.js';
import type { RulesConfig } from '../rules/load.js';
import { evaluate } from '../rules/engine.js';
import { buildReport } from './build-report.js';

/** Inventory + rules → Report. Pure apart from the clock passed in: nothing here talks to Google. */
export function auditInventory(inv: Inventory, rules: RulesConfig, times: { startedAt: string; now: Date }): Report {
  const evaluation = evaluate(inv, rules, { now: times.now });
  return buildReport(inv, evaluation, { startedAt: times.startedAt, finishedAt: times.now.toISOString() });
}
