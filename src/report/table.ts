import { SEVERITIES, type Finding, type Report, type Severity } from '../model/finding.js';
import type { RenderOptions } from './options.js';
import { wrapCommand } from './shell-wrap.js';
import { activeCausesOf, activeFindingCount, coverageLine, plural, scannedLine, summaryLine } from './summary.js';
import { displayWidth, oneLine, truncate, wrap } from './text.js';
import { workloadLabel } from './workload.js';

const SGR: Record<Severity | 'bold' | 'dim', string> = {
  critical: '1;97;41',
  high: '1;31',
  medium: '33',
  low: '36',
  info: '2',
  bold: '1',
  dim: '2',
};
const INDENT = '   ';
const BADGE_WIDTH = 'CRITICAL'.length;
/** Long cloud strings (a 6,000-character description) would bury the rest; the full text is in the other formats. */
const MAX_LINES = 8;
const MORE = '(full text in --format markdown, html or json)';

/**
 * The terminal view, grouped by severity. Every cloud string goes through oneLine(), so no escape sequence or
 * control character from a label reaches the terminal; colour codes are only ours, and only with opts.color.
 */
export function* table(report: Report, opts: RenderOptions = {}): Iterable<string> {
  const width = Math.max(40, Math.floor(opts.width ?? 100));
  const paint = (style: keyof typeof SGR, text: string): string => (opts.color === true && text !== '' ? `\u001b[${SGR[style]}m${text}\u001b[0m` : text);
  const para = (text: string): string => {
    const lines = wrap(oneLine(text), width - INDENT.length);
    if (lines.length > MAX_LINES) lines.splice(MAX_LINES - 2, Infinity, truncate(lines[MAX_LINES - 2]! + ' …', width - INDENT.length), MORE);
    return lines.map((l) => INDENT + l).join('\n') + '\n';
  };

  const scope = `${report.scope.kind} ${report.scope.ids.join(', ')}${report.scope.regions.length > 0 ? ` (${report.scope.regions.join(', ')})` : ''}`;
  yield paint('bold', truncate(oneLine(`${report.tool.name} ${report.tool.version} · ${scope}`), width)) + '\n';
  yield truncate(oneLine(`${scannedLine(report)} · ${report.finishedAt}`), width) + '\n';
  const coverage = coverageLine(report);
  if (coverage !== undefined) yield wrap(coverage, width).join('\n') + '\n';

  // Causes first: the mistakes to fix, each with the one change that resolves it; the findings follow as detail.
  const causes = activeCausesOf(report);
  if (causes.length > 0) {
    const title = `CAUSES (${causes.length}) `;
    yield '\n' + paint('bold', title) + paint('dim', '─'.repeat(Math.max(0, width - title.length))) + '\n';
    for (const c of causes) {
      yield `\n${paint(c.severity, c.severity.toUpperCase().padEnd(BADGE_WIDTH))}  ${plural(activeFindingCount(report, c), 'finding')}\n`;
      yield para(c.title);
      yield para(`fix: ${c.fix}`);
    }
  }

  const active = report.findings.filter((f) => !f.suppressed);
  for (const sev of SEVERITIES) {
    const group = active.filter((f) => f.severity === sev);
    if (group.length === 0) continue;
    const title = `${sev.toUpperCase()} (${group.length}) `;
    yield '\n' + paint(sev, title) + paint('dim', '─'.repeat(Math.max(0, width - title.length))) + '\n';
    for (const f of group) yield* entry(f);
  }

  const suppressed = report.findings.filter((f) => f.suppressed);
  if (suppressed.length > 0) {
    const title = `SUPPRESSED (${suppressed.length}) `;
    yield '\n' + paint('bold', title) + paint('dim', '─'.repeat(Math.max(0, width - title.length))) + '\n';
    for (const f of suppressed) {
      yield truncate(oneLine(`${f.severity.padEnd(BADGE_WIDTH)}  ${f.ruleId} · ${where(f)}`), width) + '\n';
      const sup = f.suppression;
      if (sup !== undefined) yield para(`until ${sup.expires}${sup.owner !== undefined ? ` (${sup.owner})` : ''}: ${sup.reason}`);
    }
  }

  if (report.errors.length > 0) {
    const title = `COULD NOT BE READ (${report.errors.length}) `;
    yield '\n' + paint('bold', title) + paint('dim', '─'.repeat(Math.max(0, width - title.length))) + '\n';
    for (const e of report.errors) {
      yield truncate(oneLine(`${e.project ?? '-'} · ${e.api} · ${e.status}`), width) + '\n';
      yield para(e.message);
    }
  }

  if (report.notes !== undefined && report.notes.length > 0) {
    const title = `NOTES (${report.notes.length}) `;
    yield '\n' + paint('bold', title) + paint('dim', '─'.repeat(Math.max(0, width - title.length))) + '\n';
    for (const n of report.notes) yield para(n);
  }

  yield '\n' + wrap(summaryLine(report, opts), width).map((l) => paint('bold', l)).join('\n') + '\n';

  function* entry(f: Finding): Iterable<string> {
    const badge = paint(f.severity, f.severity.toUpperCase().padEnd(BADGE_WIDTH));
    const head = truncate(oneLine(`${f.ruleId} · ${where(f)}${f.new === true ? ' [NEW]' : ''}`), width - BADGE_WIDTH - 2);
    yield `\n${badge}  ${head}\n`;
    yield para(f.message);
    if (f.suppression?.expired === true) yield para(`suppression expired ${f.suppression.expires}: ${f.suppression.reason}`);
    yield para(`fix: ${f.remediation.summary}`);
    const [first, ...rest] = f.remediation.commands;
    if (first !== undefined) {
      // Never cut: a command that stops short, or runs without its condition, does something else.
      const lines = wrapCommand(oneLine(first), { width, first: INDENT + '$ ', next: INDENT + '    ' });
      yield lines.map((l) => paint('dim', l)).join('\n') + '\n';
      if (rest.length > 0) yield INDENT + paint('dim', `(${rest.length} more ${rest.length === 1 ? 'command' : 'commands'} in --format markdown, html or json)`) + '\n';
    }
  }
}

function where(f: Finding): string {
  return `${workloadLabel(f)} (${f.location}, ${f.project})`;
}
