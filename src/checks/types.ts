import type { Remediation, ResourceType, Severity } from '../model/finding.js';
import type { InventoryIndex } from '../rules/inventory-index.js';
import type { Workload } from '../rules/workloads.js';
import type { RuleId } from './rule-ids.js';

/** A policy field together with the policy that set it (later matching policies win). */
export interface FromPolicy<T> {
  value: T;
  policy: string;
}

/** The matching policies of one workload, merged. */
export interface EffectivePolicy {
  /** Names of the matching policies, in file order. */
  matched: string[];
  serviceAccount?: FromPolicy<string>;
  allowedRoles?: FromPolicy<string[]>;
  deniedRoles?: FromPolicy<string[]>;
  deniedPermissions?: FromPolicy<string[]>;
}

export interface CheckContext {
  index: InventoryIndex;
  policy: EffectivePolicy;
  /** The rule's configured top severity; graded rules step down from it. */
  severity: Severity;
  escalationPermissions: readonly string[];
  now: Date;
}

/** What a check reports about one workload; the engine turns it into a Finding. */
export interface Issue {
  /** Tells apart two findings of one rule on one workload (e.g. the role); '' when there is at most one. */
  discriminator: string;
  severity: Severity;
  message: string;
  evidence: Record<string, unknown>;
  remediation: Remediation;
}

export type Check = (w: Workload, ctx: CheckContext) => Issue[];

/** A documented step down from a rule's top severity. */
export interface SeverityGrade {
  steps: number;
  /** When it applies, completing "one step lower when …". */
  when: string;
}

export interface RuleDefinition {
  id: RuleId;
  title: string;
  defaultSeverity: Severity;
  /**
   * When a finding is graded below the top severity. The check takes its steps from here, and the severity table
   * in the README (CI gate) is checked against it, so the two cannot drift apart.
   */
  grades?: readonly SeverityGrade[];
  /** One sentence: what the rule flags. */
  summary: string;
  /** Kinds of workload the rule looks at (revisions only appear when their identity differs from the service's). */
  appliesTo: readonly ResourceType[];
  check: Check;
}
