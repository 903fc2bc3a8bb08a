import type { Inventory } from '../model/inventory.js';
import type { Coverage, Finding, Report, ReportError, Severity } from '../model/finding.js';
import { SEVERITIES } from '../model/finding.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { activeCauses, groupCauses } from './causes.js';

export interface EvaluationLike {
  findings: Finding[];
  errors: ReportError[];
}

/**
 * Which projects could run Cloud Run and which could not be read. A project whose Run API is disabled can hold no
 * workload: it is coverage, not an error, and never makes the scan incomplete. A project is unreadable when the
 * collector marked it incomplete or an error names it.
 */
export function buildCoverage(inv: Inventory, errors: readonly ReportError[]): Coverage {
  const disabled = inv.projects.filter((p) => p.runApiDisabled === true).map((p) => p.projectId);
  const unreadable = new Set([
    ...inv.projects.filter((p) => !p.complete && p.runApiDisabled !== true).map((p) => p.projectId),
    ...errors.flatMap((e) => (e.project !== undefined ? [e.project] : [])),
  ]);
  return {
    projects: inv.projects.length,
    withWorkloads: inv.projects.filter((p) => p.services.length + p.jobs.length > 0).length,
    runApiDisabled: [...new Set(disabled)].sort(),
    unreadable: [...unreadable].sort(),
  };
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
  const causes = groupCauses(ev.findings);
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
      causes: activeCauses(causes, ev.findings).length,
      projectsWithFindings: new Set(active.map((f) => f.project)).size,
    },
    coverage: buildCoverage(inv, errors),
    causes,
    findings: ev.findings,
    errors,
    ...(notes.length > 0 ? { notes } : {}),
  };
}
