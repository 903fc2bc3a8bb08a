/**
 * Findings and the report: what the audit produces. The JSON report's field names are a public contract
 * (see the audit issue); change them only with a schemaVersion bump.
 */
import type { CollectionError, Scope } from './inventory.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export type ResourceType = 'service' | 'revision' | 'job';

export interface Remediation {
  /** One sentence: what to change. */
  summary: string;
  /** Copy-pasteable shell commands with real names filled in, in the order to run them. */
  commands: string[];
  /** A Terraform snippet where one fits. */
  terraform?: string;
}

export interface Suppression {
  rule: string;
  resource: string;
  reason: string;
  expires: string;
  owner?: string;
}

export interface Finding {
  /** Stable fingerprint: the same problem gives the same id across runs. */
  id: string;
  ruleId: string;
  severity: Severity;
  /** Project ID of the workload. */
  project: string;
  /** Region. */
  location: string;
  resourceType: ResourceType;
  /** `projects/{p}/locations/{r}/services/{s}[/revisions/{rev}]` or `projects/{p}/locations/{r}/jobs/{j}` */
  resource: string;
  /** The runtime identity's email. */
  serviceAccount: string;
  /** One line naming workload, identity, what is wrong and where it comes from. */
  message: string;
  /** Structured facts behind the finding (places of grant, conditions, members, ingress, …). */
  evidence: Record<string, unknown>;
  remediation: Remediation;
  /** Whether a suppression in the rules file covers it; suppressed findings never gate. */
  suppressed: boolean;
  /** The suppression that matched (including expired ones, which do not suppress). */
  suppression?: Suppression & { expired: boolean };
  /** Set by `--baseline`: true when the finding is not in the baseline. */
  new?: boolean;
}

export interface ReportError extends Pick<CollectionError, 'project' | 'api' | 'status' | 'message'> {}

export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  scope: Scope;
  summary: {
    projects: number;
    services: number;
    revisions: number;
    jobs: number;
    findings: number;
    bySeverity: Record<Severity, number>;
    errors: number;
  };
  findings: Finding[];
  errors: ReportError[];
  /** Things the reader should know that are not errors, e.g. why usage evidence (--usage-insights) is missing. */
  notes?: string[];
}
