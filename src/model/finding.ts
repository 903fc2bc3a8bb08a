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

/**
 * Findings that one change resolves, grouped so a reader sees mistakes rather than symptoms. Every finding belongs
 * to exactly one cause; src/audit/causes.ts defines the grouping.
 */
export interface Cause {
  /** `cause-` and 12 hex digits, from the fingerprints of its findings: the same findings give the same id. */
  id: string;
  /** One line naming the mistake: the identity and grant, or the workload and what is wrong with it. */
  title: string;
  /** The worst severity among its active findings (among all of them when every one is suppressed). */
  severity: Severity;
  /** One sentence: the change that resolves it (the remediation of its most severe finding). */
  fix: string;
  /** Fingerprints (`Finding.id`) of its findings, in report order. */
  findings: string[];
}

/** Which projects of the scope could hold Cloud Run workloads, and which could not be read. */
export interface Coverage {
  /** Projects scanned. */
  projects: number;
  /** Projects with at least one service or job. */
  withWorkloads: number;
  /** Projects whose Cloud Run API is disabled: they can run nothing, so this is not an error. Sorted. */
  runApiDisabled: string[];
  /** Projects some part of which could not be read (each has an `errors` entry). Sorted. */
  unreadable: string[];
}

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
    /** Causes with at least one active finding. */
    causes: number;
    /** Projects with at least one active finding. */
    projectsWithFindings: number;
  };
  coverage: Coverage;
  causes: Cause[];
  findings: Finding[];
  errors: ReportError[];
  /** Things the reader should know that are not errors, e.g. why usage evidence (--usage-insights) is missing. */
  notes?: string[];
}
