import { SEVERITIES, type Report, type Severity } from '../model/finding.js';
import { oneLine } from './text.js';

const plural = (n: number, one: string, many = one + 's'): string => `${n} ${n === 1 ? one : many}`;

/** Active (not suppressed) findings per severity, counted from the findings themselves. */
export function countBySeverity(report: Report): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of report.findings) if (!f.suppressed) counts[f.severity] += 1;
  return counts;
}

export function unreadableProjects(report: Report): string[] {
  return [...new Set(report.errors.flatMap((e) => (e.project !== undefined ? [e.project] : [])))].sort();
}

/**
 * "12 findings: 2 critical, 5 high, 3 medium, 2 low in 4 projects; 1 project could not be read".
 * Suppressed findings are not counted as findings (they never gate) but are mentioned.
 */
export function summaryLine(report: Report): string {
  const counts = countBySeverity(report);
  const active = SEVERITIES.reduce((n, s) => n + counts[s], 0);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  let line = plural(active, 'finding') + (parts.length > 0 ? `: ${parts.join(', ')}` : '') + ` in ${plural(report.summary.projects, 'project')}`;
  const suppressed = report.findings.length - active;
  if (suppressed > 0) line += `; ${suppressed} suppressed`;
  const unreadable = unreadableProjects(report).length;
  if (unreadable > 0) line += `; ${plural(unreadable, 'project')} could not be read`;
  const other = report.errors.filter((e) => e.project === undefined).length;
  if (other > 0) line += `; ${plural(other, 'other error')}`;
  return oneLine(line);
}
