import { severityRank, type Finding, type Report } from '../model/finding.js';
import type { RenderOptions } from './options.js';
import { worst } from './severity.js';
import { safeText } from './sanitize.js';

/**
 * Escaped text for element content or a double-quoted attribute. safeText leaves no character XML forbids (C0
 * controls, lone surrogates, U+FFFE/U+FFFF become visible escapes; CRLF becomes LF). Values were bounded when
 * the report was rendered, so a long failure text made of several of them is not cut again.
 */
export function escapeXml(s: string, attribute = false): string {
  const text = safeText(s, Infinity).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  // Attribute-value normalisation would turn raw line breaks and tabs into spaces; references keep them.
  return attribute ? text.replace(/\t/g, '&#9;').replace(/\n/g, '&#10;') : text;
}

const attr = (name: string, value: string | number): string => ` ${name}="${escapeXml(String(value), true)}"`;

interface Case {
  ruleId: string;
  project: string;
  resource: string;
  findings: Finding[];
}

function failureText(findings: Finding[]): string {
  return findings
    .map((f) => {
      const lines = [`[${f.severity}] ${f.message}`, `identity: ${f.serviceAccount}`, `fix: ${f.remediation.summary}`, ...f.remediation.commands.map((c) => `  ${c}`)];
      if (f.suppression?.expired === true) lines.push(`suppression expired ${f.suppression.expires}: ${f.suppression.reason}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

function* testcase(c: Case): Iterable<string> {
  const open = `    <testcase${attr('classname', c.project)}${attr('name', c.resource)}`;
  const active = c.findings.filter((f) => !f.suppressed);
  if (active.length === 0) {
    const reasons = c.findings.map((f) => (f.suppression !== undefined ? `${f.suppression.reason} (until ${f.suppression.expires})` : 'suppressed'));
    yield `${open}>\n      <skipped${attr('message', `suppressed: ${reasons.join('; ')}`)}/>\n    </testcase>\n`;
    return;
  }
  const sorted = [...active].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const type = worst(active.map((f) => f.severity))!;
  yield `${open}>\n      <failure${attr('message', sorted[0]!.message)}${attr('type', type)}>${escapeXml(failureText(sorted))}</failure>\n    </testcase>\n`;
}

/**
 * JUnit XML for CI test views: a testsuite per rule, a testcase per (rule, workload), failing with the worst
 * severity as its type; suppressed-only cases are skipped. Collection errors form a last suite of errors.
 */
export function* junit(report: Report, _opts: RenderOptions = {}): Iterable<string> {
  const suites = new Map<string, Map<string, Case>>();
  for (const f of report.findings) {
    let cases = suites.get(f.ruleId);
    if (!cases) suites.set(f.ruleId, (cases = new Map()));
    const key = `${f.project}\u0000${f.resource}`;
    const c = cases.get(key);
    if (c) c.findings.push(f);
    else cases.set(key, { ruleId: f.ruleId, project: f.project, resource: f.resource, findings: [f] });
  }
  const ruleIds = [...suites.keys()].sort();
  const counts = ruleIds.map((id) => {
    const cases = [...suites.get(id)!.values()];
    const skipped = cases.filter((c) => c.findings.every((f) => f.suppressed)).length;
    return { id, cases, tests: cases.length, skipped, failures: cases.length - skipped };
  });
  const tests = counts.reduce((n, c) => n + c.tests, 0) + report.errors.length;
  const failures = counts.reduce((n, c) => n + c.failures, 0);
  const skipped = counts.reduce((n, c) => n + c.skipped, 0);

  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites${attr('name', report.tool.name)}${attr('tests', tests)}${attr('failures', failures)}${attr('errors', report.errors.length)}${attr('skipped', skipped)}>\n`;
  for (const s of counts) {
    yield `  <testsuite${attr('name', s.id)}${attr('tests', s.tests)}${attr('failures', s.failures)}${attr('errors', 0)}${attr('skipped', s.skipped)}${attr('timestamp', report.startedAt)}>\n`;
    for (const c of s.cases) yield* testcase(c);
    yield '  </testsuite>\n';
  }
  if (report.errors.length > 0) {
    yield `  <testsuite${attr('name', 'collection-errors')}${attr('tests', report.errors.length)}${attr('failures', 0)}${attr('errors', report.errors.length)}${attr('skipped', 0)}${attr('timestamp', report.startedAt)}>\n`;
    for (const e of report.errors) {
      yield `    <testcase${attr('classname', e.project ?? '')}${attr('name', `${e.api} ${e.status}`)}>\n      <error${attr('message', e.message)}${attr('type', String(e.status))}/>\n    </testcase>\n`;
    }
    yield '  </testsuite>\n';
  }
  yield '</testsuites>\n';
}
