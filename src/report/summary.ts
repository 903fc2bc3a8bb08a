import { SEVERITIES, severityRank, type Cause, type Report, type Severity } from '../model/finding.js';
import { oneLine } from './text.js';

export const plural = (n: number, one: string, many = one + 's'): string => `${n} ${n === 1 ? one : many}`;

/** Active (not suppressed) findings per severity, counted from the findings themselves. */
export function countBySeverity(report: Report): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of report.findings) if (!f.suppressed) counts[f.severity] += 1;
  return counts;
}

/** Projects that could not be read: from coverage, or (in a report written before coverage existed) from errors. */
export function unreadableProjects(report: Report): string[] {
  if (report.coverage !== undefined) return [...report.coverage.unreadable];
  return [...new Set(report.errors.flatMap((e) => (e.project !== undefined ? [e.project] : [])))].sort();
}

/** Causes with at least one active finding, in report order. */
export function activeCausesOf(report: Report): Cause[] {
  const active = new Set(report.findings.filter((f) => !f.suppressed).map((f) => f.id));
  return (report.causes ?? []).filter((c) => c.findings.some((id) => active.has(id)));
}

/**
 * "25 findings from 15 causes (2 critical, 18 high, 5 medium) in 4 of 6 projects scanned; 2 projects could not be
 * read". Suppressed findings are not counted as findings (they never gate) but are mentioned. With a baseline
 * (findings carry `new`) and a `failOn`, it ends with how many new findings are at or above it: the ones that gate.
 */
export function summaryLine(report: Report, opts: { failOn?: Severity | 'none' } = {}): string {
  const counts = countBySeverity(report);
  const active = report.findings.filter((f) => !f.suppressed);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const causes = activeCausesOf(report).length;
  const projects = report.summary.projects;
  const withFindings = new Set(active.map((f) => f.project)).size;
  let line = plural(active.length, 'finding');
  if (active.length > 0) {
    line += ` from ${plural(causes, 'cause')} (${parts.join(', ')}) in ${withFindings} of ${plural(projects, 'project')} scanned`;
  } else {
    line += `; scanned ${plural(projects, 'project')}`;
  }
  const suppressed = report.findings.length - active.length;
  if (suppressed > 0) line += `; ${suppressed} suppressed`;
  const unreadable = unreadableProjects(report).length;
  if (unreadable > 0) line += `; ${plural(unreadable, 'project')} could not be read`;
  const other = report.errors.filter((e) => e.project === undefined).length;
  if (other > 0) line += `; ${plural(other, 'other error')}`;
  if (opts.failOn !== undefined && report.findings.some((f) => f.new !== undefined)) {
    const failOn = opts.failOn;
    const gating = failOn === 'none' ? 0 : active.filter((f) => f.new === true && severityRank(f.severity) >= severityRank(failOn)).length;
    line += `; ${gating} new at or above --fail-on ${failOn}`;
  }
  return oneLine(line);
}

/**
 * "6 projects: 4 run Cloud Run, 1 has the Run API disabled, 1 could not be read, 0 …": where the scope's projects
 * stand. Undefined for a report written before coverage existed.
 */
export function coverageLine(report: Report): string | undefined {
  const c = report.coverage;
  if (c === undefined) return undefined;
  const parts: string[] = [];
  parts.push(`${c.withWorkloads} ${c.withWorkloads === 1 ? 'runs' : 'run'} Cloud Run`);
  if (c.runApiDisabled.length > 0) parts.push(`${c.runApiDisabled.length} ${c.runApiDisabled.length === 1 ? 'has' : 'have'} the Run API disabled`);
  if (c.unreadable.length > 0) parts.push(`${c.unreadable.length} could not be read`);
  // Projects read in full with Run enabled but nothing deployed; an unreadable project may also hold workloads,
  // so the remainder is only stated when the categories do not overlap.
  const rest = c.projects - c.withWorkloads - c.runApiDisabled.length - c.unreadable.length;
  if (rest > 0) parts.push(`${rest} ${rest === 1 ? 'has' : 'have'} no services or jobs`);
  return oneLine(`${plural(c.projects, 'project')}: ${parts.join(', ')}`);
}

/** "scanned 1 project, 5 services, 11 revisions, 2 jobs". */
export function scannedLine(report: Report): string {
  const s = report.summary;
  return `scanned ${plural(s.projects, 'project')}, ${plural(s.services, 'service')}, ${plural(s.revisions, 'revision')}, ${plural(s.jobs, 'job')}`;
}

/** Active findings of a cause (suppressed ones are listed with the suppressed, not counted here). */
export function activeFindingCount(report: Report, cause: Cause): number {
  const active = new Set(report.findings.filter((f) => !f.suppressed).map((f) => f.id));
  return cause.findings.filter((id) => active.has(id)).length;
}
