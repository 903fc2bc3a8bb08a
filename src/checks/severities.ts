import type { Severity } from '../model/finding.js';
import type { RulesConfig } from '../rules/load.js';
import { lower } from './analysis.js';
import { RULES } from './index.js';

/** The severities one rule can give under a rules configuration: its top one and each documented step down. */
export interface RuleSeverities {
  id: string;
  title: string;
  summary: string;
  enabled: boolean;
  top: Severity;
  lower: { severity: Severity; when: string }[];
}

/**
 * Read from the rule definitions and the rules configuration (rules/default.yaml unless the user gives one): the
 * one place `explain`, and the README's CI-gate table through its test, learn what severity a rule reports.
 */
export function ruleSeverities(config: RulesConfig): RuleSeverities[] {
  return RULES.map((r) => {
    const setting = config.rules[r.id];
    const top = setting?.severity ?? r.defaultSeverity;
    return {
      id: r.id,
      title: r.title,
      summary: r.summary,
      enabled: setting?.enabled ?? true,
      top,
      lower: (r.grades ?? []).map((g) => ({ severity: lower(top, g.steps), when: g.when })),
    };
  });
}
