import { SEVERITIES, type Finding, type Report, type Severity } from '../model/finding.js';
import { escapeHtmlLine, escapeMarkdown, fenceFor } from './escape.js';
import type { RenderOptions } from './options.js';
import { activeCausesOf, activeFindingCount, countBySeverity, coverageLine, scannedLine, summaryLine } from './summary.js';
import { safeText } from './sanitize.js';
import { workloadLabel } from './workload.js';

export const SEVERITY_ICON: Record<Severity, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

function status(f: Finding): string {
  const parts: string[] = [];
  if (f.new === true) parts.push('new');
  if (f.suppressed) parts.push(`suppressed until ${f.suppression?.expires ?? '?'}`);
  else if (f.suppression?.expired === true) parts.push(`suppression expired ${f.suppression.expires}`);
  return escapeMarkdown(parts.join(', '));
}

function codeBlock(text: string, lang: string): string {
  // Each value was bounded when the report was rendered (sanitize.ts): a long list of commands is not cut.
  const body = safeText(text, Infinity);
  const fence = fenceFor(body);
  return `${fence}${lang}\n${body}\n${fence}`;
}

function* projectSection(project: string, findings: Finding[]): Iterable<string> {
  const title = project === '' ? '(no project)' : project;
  yield `## ${escapeMarkdown(title)} (${findings.length})\n\n`;
  yield '| Severity | Status | Rule | Workload | Identity | Message |\n| --- | --- | --- | --- | --- | --- |\n';
  for (const f of findings) {
    const cells = [
      `${SEVERITY_ICON[f.severity]} ${f.severity}`,
      status(f),
      escapeMarkdown(f.ruleId),
      `${escapeMarkdown(workloadLabel(f))} (${escapeMarkdown(f.location)})`,
      escapeMarkdown(f.serviceAccount),
      escapeMarkdown(f.message),
    ];
    yield `| ${cells.join(' | ')} |\n`;
  }
  yield '\n';
  for (const f of findings) {
    // Inside <summary> GitHub renders HTML, not Markdown: HTML escaping is what keeps it intact.
    const summary = `${SEVERITY_ICON[f.severity]} ${escapeHtmlLine(f.ruleId)} · ${escapeHtmlLine(workloadLabel(f))}: how to fix`;
    const parts = [`<details><summary>${summary}</summary>`, '', `**Fix:** ${escapeMarkdown(f.remediation.summary)}`];
    if (f.suppressed && f.suppression !== undefined) {
      const s = f.suppression;
      parts.push('', `**Suppressed** until ${escapeMarkdown(s.expires)}${s.owner !== undefined ? ` by ${escapeMarkdown(s.owner)}` : ''}: ${escapeMarkdown(s.reason)}`);
    } else if (f.suppression?.expired === true) {
      parts.push('', `**Suppression expired** on ${escapeMarkdown(f.suppression.expires)}: ${escapeMarkdown(f.suppression.reason)}`);
    }
    if (f.remediation.commands.length > 0) parts.push('', codeBlock(f.remediation.commands.join('\n'), 'sh'));
    if (f.remediation.terraform !== undefined) parts.push('', codeBlock(f.remediation.terraform, 'hcl'));
    parts.push('', '</details>', '', '');
    yield parts.join('\n');
  }
}

/** For a PR comment or $GITHUB_STEP_SUMMARY: every cloud string is escaped so it cannot change the layout. */
export function* markdown(report: Report, opts: RenderOptions = {}): Iterable<string> {
  const regions = report.scope.regions.length > 0 ? report.scope.regions.join(', ') : 'all';
  yield '# Cloud Run identity audit\n\n';
  yield `**${escapeMarkdown(summaryLine(report, opts))}**\n\n`;
  const coverage = coverageLine(report);
  if (coverage !== undefined) yield `${escapeMarkdown(coverage)}\n\n`;
  yield `Scope: ${escapeMarkdown(report.scope.kind)} ${escapeMarkdown(report.scope.ids.join(', '))} · regions: ${escapeMarkdown(regions)} · ` +
    `${scannedLine(report)} · ` +
    `${escapeMarkdown(report.tool.name)} ${escapeMarkdown(report.tool.version)} · ${escapeMarkdown(report.finishedAt)}\n\n`;


  const active = countBySeverity(report);
  const suppressed = Object.fromEntries(SEVERITIES.map((sev) => [sev, 0])) as Record<Severity, number>;
  for (const f of report.findings) if (f.suppressed) suppressed[f.severity] += 1;
  yield '| Severity | Findings | Suppressed |\n| --- | ---: | ---: |\n';
  for (const sev of SEVERITIES) yield `| ${SEVERITY_ICON[sev]} ${sev} | ${active[sev]} | ${suppressed[sev]} |\n`;
  yield '\n';

  // Causes first: each mistake once, with the change that resolves it; the findings below are the detail.
  const causes = activeCausesOf(report);
  if (causes.length > 0) {
    yield `## Causes (${causes.length})\n\n| Severity | Cause | Findings | Fix |\n| --- | --- | ---: | --- |\n`;
    for (const c of causes) {
      yield `| ${SEVERITY_ICON[c.severity]} ${c.severity} | ${escapeMarkdown(c.title)} | ${activeFindingCount(report, c)} | ${escapeMarkdown(c.fix)} |\n`;
    }
    yield '\n';
  }

  const byProject = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = byProject.get(f.project);
    if (list) list.push(f);
    else byProject.set(f.project, [f]);
  }
  if (byProject.size === 0) yield 'No findings.\n\n';
  for (const project of [...byProject.keys()].sort()) yield* projectSection(project, byProject.get(project)!);

  if (report.errors.length > 0) {
    yield `## Could not be read (${report.errors.length})\n\n| Project | API | Status | Message |\n| --- | --- | --- | --- |\n`;
    for (const e of report.errors) {
      yield `| ${escapeMarkdown(e.project ?? '')} | ${escapeMarkdown(e.api)} | ${escapeMarkdown(String(e.status))} | ${escapeMarkdown(e.message)} |\n`;
    }
    yield '\n';
  }
}
