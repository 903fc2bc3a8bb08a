import type { Inventory } from '../model/inventory.js';
import type { Finding, Report, ReportError, Severity } from '../model/finding.js';
import { SEVERITIES } from '../model/finding.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

export interface EvaluationLike {
  findings: Finding[];
  errors: ReportError[];
}

/**
 * Assembles the JSON report. Summary counts cover active findings only: a suppressed finding is still listed
 * (with `suppressed: true`) but is not counted and never gates.
 */
export function buildReport(inv: Inventory, ev: EvaluationLike, times: { startedAt: string; finishedAt: string }): Report {
  const active = ev.findings.filter((f) => !f.suppressed);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of active) bySeverity[f.severity] += 1;
  const errors: ReportError[] = [
    ...inv.errors.map((e) => ({ ...(e.project !== undefined ? { project: e.project } : {}), api: e.api, status: e.status, message: e.message })),
    ...ev.errors,
  ];
  // What the inputs could not decide (offline), then why usage evidence is missing.
  const notes = [...(inv.notes ?? []), ...(inv.usage?.notes ?? [])];
  return {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    startedAt: times.startedAt,
    finishedAt: times.finishedAt,
    scope: inv.scope,
    summary: {
      projects: inv.projects.length,
      services: inv.projects.reduce((n, p) => n + p.services.length, 0),
      revisions: inv.projects.reduce((n, p) => n + p.services.reduce((m, s) => m + s.revisions.length, 0) + (p.revisionsWithoutService?.length ?? 0), 0),
      jobs: inv.projects.reduce((n, p) => n + p.jobs.length, 0),
      findings: active.length,
      bySeverity,
      errors: errors.length,
    },
    findings: ev.findings,
    errors,
    ...(notes.length > 0 ? { notes } : {}),
  };
}
