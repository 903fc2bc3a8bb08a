/**
 * The audit: every enabled rule over every workload, then suppressions, then a deterministic order.
 * A rule that throws on a workload becomes an error entry naming both, never a silent pass.
 */
import type { Finding } from '../model/finding.js';
import { severityRank } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import { RULES } from '../checks/index.js';
import type { CheckContext } from '../checks/types.js';
import { findingId } from './fingerprint.js';
import { InventoryIndex } from './inventory-index.js';
import type { RulesConfig } from './load.js';
import { settingsFor } from './policy-match.js';
import { applySuppressions } from './suppress.js';

export interface EvaluationError {
  project?: string;
  api: string;
  status: string;
  message: string;
}

export interface Evaluation {
  findings: Finding[];
  /** Rule failures only (api `cloudrun-auditor`, status `RULE_ERROR`); collection errors stay in the Inventory. */
  errors: EvaluationError[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.resource, b.resource) ||
    cmp(a.id, b.id)
  );
}

export function evaluate(inv: Inventory, rules: RulesConfig, opts: { now: Date }): Evaluation {
  const index = new InventoryIndex(inv);
  const findings: Finding[] = [];
  const errors: EvaluationError[] = [];
  for (const w of index.workloads) {
    const settings = settingsFor(w, rules);
    for (const rule of RULES) {
      if (!rule.appliesTo.includes(w.kind)) continue;
      const setting = settings.rules[rule.id];
      if (!setting.enabled) continue;
      const ctx: CheckContext = {
        index,
        policy: settings.policy,
        severity: setting.severity,
        escalationPermissions: rules.escalationPermissions,
        now: opts.now,
      };
      try {
        for (const issue of rule.check(w, ctx)) {
          const evidence = settings.policy.matched.length > 0 ? { ...issue.evidence, policies: settings.policy.matched } : issue.evidence;
          const f: Finding = {
            id: findingId(rule.id, w.resource, w.identity, issue.discriminator),
            ruleId: rule.id,
            severity: issue.severity,
            project: w.project.projectId,
            location: w.region,
            resourceType: w.kind,
            resource: w.resource,
            serviceAccount: w.identity,
            message: issue.message,
            evidence,
            remediation: issue.remediation,
            suppressed: false,
          };
          findings.push(applySuppressions(f, rules.suppressions, opts.now));
        }
      } catch (e) {
        errors.push({
          project: w.project.projectId,
          api: 'cloudrun-auditor',
          status: 'RULE_ERROR',
          message: `rule ${rule.id} failed on ${w.resource}: ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    }
  }
  findings.sort(compareFindings);
  return { findings, errors };
}
