import type { Severity } from '../model/finding.js';
import type { EffectivePolicy } from '../checks/types.js';
import { RULE_IDS, type RuleId } from '../checks/rule-ids.js';
import { globMatch } from './glob.js';
import type { PolicyConfig, RulesConfig } from './load.js';
import { serviceIdOf, type Workload } from './workloads.js';

/**
 * Whether a policy covers a workload: every criterion it gives must hold. A revision is matched as its service
 * (name, labels, resource type), so a policy written for a service also governs that service's old revisions.
 */
export function policyMatches(p: PolicyConfig, w: Workload): boolean {
  const name = w.kind === 'revision' ? serviceIdOf(w) : w.name;
  const type = w.kind === 'job' ? 'job' : 'service';
  if (p.projects && !p.projects.some((g) => globMatch(g, w.project.projectId))) return false;
  if (p.regions && !p.regions.some((g) => globMatch(g, w.region))) return false;
  if (p.names && !p.names.some((g) => globMatch(g, name))) return false;
  if (p.resourceTypes && !p.resourceTypes.includes(type)) return false;
  if (p.labels) {
    for (const [k, g] of Object.entries(p.labels)) {
      // Own keys only: `constructor` or `__proto__` must name a real label, not what every object inherits.
      const v = Object.hasOwn(w.labels, k) ? w.labels[k] : undefined;
      if (typeof v !== 'string' || !globMatch(g, v)) return false;
    }
  }
  return true;
}

export interface WorkloadSettings {
  policy: EffectivePolicy;
  rules: Record<RuleId, { enabled: boolean; severity: Severity }>;
}

/**
 * Resolves what applies to one workload. Precedence, lowest first: the rules file's top-level `rules` (already
 * merged over rules/default.yaml), then each matching policy in file order; a later policy replaces each field it
 * sets (lists are replaced, not merged) and each rule setting it gives.
 */
export function settingsFor(w: Workload, config: RulesConfig): WorkloadSettings {
  const policy: EffectivePolicy = { matched: [] };
  const rules = {} as Record<RuleId, { enabled: boolean; severity: Severity }>;
  for (const id of RULE_IDS) rules[id] = { ...config.rules[id] };
  for (const p of config.policies) {
    if (!policyMatches(p, w)) continue;
    policy.matched.push(p.name);
    if (p.serviceAccount !== undefined) policy.serviceAccount = { value: p.serviceAccount, policy: p.name };
    if (p.allowedRoles !== undefined) policy.allowedRoles = { value: p.allowedRoles, policy: p.name };
    if (p.deniedRoles !== undefined) policy.deniedRoles = { value: p.deniedRoles, policy: p.name };
    if (p.deniedPermissions !== undefined) policy.deniedPermissions = { value: p.deniedPermissions, policy: p.name };
    for (const id of RULE_IDS) {
      const o = Object.hasOwn(p.rules, id) ? p.rules[id] : undefined;
      if (!o) continue;
      if (o.enabled !== undefined) rules[id].enabled = o.enabled;
      if (o.severity !== undefined) rules[id].severity = o.severity;
    }
  }
  return { policy, rules };
}
