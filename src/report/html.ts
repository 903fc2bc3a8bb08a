import { createHash } from 'node:crypto';
import { SEVERITIES, type Report } from '../model/finding.js';
import { escapeHtml } from './escape.js';
import { HTML_SCRIPT, HTML_STYLE } from './html-assets.js';
import { json } from './json.js';
import { visibleStrings } from './sanitize.js';
import type { RenderOptions } from './options.js';
import { activeCausesOf, activeFindingCount, countBySeverity, coverageLine, scannedLine, summaryLine } from './summary.js';

const SEVERITY_COLOR: Record<string, string> = { critical: '#a40e26', high: '#d1242f', medium: '#bf8700', low: '#0969da', info: '#6e7781' };

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page allows exactly its own inline stylesheet and script, by hash (so the same report gives the same
 * bytes), and nothing else: no network, no frames, no forms, no base URL.
 */
export const HTML_CSP = [
  "default-src 'none'",
  `style-src ${sha256(HTML_STYLE)}`,
  `script-src ${sha256(HTML_SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * JSON made safe inside <script type="application/json">: no `<` (so no `</script>` or `<!--`), `>` and `&`
 * escaped for good measure, and U+2028/2029 escaped as older JavaScript parsers treat them as line ends.
 */
export function escapeJsonForScript(jsonText: string): string {
  return jsonText.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function chart(report: Report): string {
  const counts = countBySeverity(report);
  const max = Math.max(1, ...SEVERITIES.map((s) => counts[s]));
  const rowH = 24;
  const barX = 80;
  const barW = 360;
  const rows = SEVERITIES.map((s, i) => {
    const y = i * rowH;
    const w = counts[s] === 0 ? 0 : Math.max(2, Math.round((counts[s] / max) * barW));
    return (
      `<text x="0" y="${y + 16}">${s}</text>` +
      `<rect x="${barX}" y="${y + 4}" width="${w}" height="16" rx="3" fill="${SEVERITY_COLOR[s]}"/>` +
      `<text x="${barX + w + 6}" y="${y + 16}">${counts[s]}</text>`
    );
  }).join('');
  const h = rowH * SEVERITIES.length;
  return `<svg class="chart" role="img" aria-label="Findings by severity" width="${barX + barW + 40}" height="${h}" viewBox="0 0 ${barX + barW + 40} ${h}">${rows}</svg>`;
}

/**
 * Escaped text with a break opportunity (<wbr>) after each separator inside an identifier (/ . @ _ : =), so a
 * resource name or an email wraps between its parts instead of mid-word; the copied text is unchanged.
 */
export function breakable(text: string): string {
  return escapeHtml(text).replace(/([/.@_:=])(?=[A-Za-z0-9])/g, '$1<wbr>');
}

function causesSection(report: Report): string {
  const causes = activeCausesOf(report);
  if (causes.length === 0) return '';
  const rows = causes
    .map(
      (c) =>
        `<tr id="${escapeHtml(c.id)}"><td class="nowrap"><span class="sev sev-${c.severity}">${c.severity}</span></td><td>${breakable(c.title)}</td>` +
        `<td class="num">${activeFindingCount(report, c)}</td><td>${breakable(c.fix)}</td></tr>`,
    )
    .join('\n');
  return (
    `<h2>Causes (${causes.length})</h2>\n<p class="muted">Findings that one change resolves, grouped: fix these, then read the findings below for detail.</p>\n` +
    `<table id="causes"><thead><tr><th>Severity</th><th>Cause</th><th>Findings</th><th>Fix</th></tr></thead>\n<tbody>\n${rows}\n</tbody></table>\n`
  );
}

function errorsSection(report: Report): string {
  if (report.errors.length === 0) return '';
  const rows = report.errors
    .map((e) => `<tr><td>${breakable(e.project ?? '')}</td><td>${breakable(e.api)}</td><td>${escapeHtml(String(e.status))}</td><td>${breakable(e.message)}</td></tr>`)
    .join('\n');
  return (
    `<h2>Could not be read (${report.errors.length})</h2>\n<p class="muted">Findings for these parts may be missing.</p>\n` +
    `<table id="errors"><thead><tr><th>Project</th><th>API</th><th>Status</th><th>Message</th></tr></thead>\n<tbody>\n${rows}\n</tbody></table>\n`
  );
}

const select = (id: string, label: string, all: string): string =>
  `<label>${label}<select id="${id}"><option value="">${all}</option></select></label>`;

/**
 * One self-contained page: no request leaves it. The findings table, filters and details are built by the
 * inline script from the embedded JSON; the header, chart and errors are static.
 */
export function* html(report: Report, opts: RenderOptions = {}): Iterable<string> {
  const regions = report.scope.regions.length > 0 ? report.scope.regions.join(', ') : 'all regions';
  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cloud Run identity audit · ${escapeHtml(report.scope.kind)} ${escapeHtml(report.scope.ids.join(', '))}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header>
<h1>Cloud Run identity audit</h1>
<div class="muted">${escapeHtml(report.scope.kind)} ${escapeHtml(report.scope.ids.join(', '))} · ${escapeHtml(regions)} · ${scannedLine(report)} · ${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)} · ${escapeHtml(report.startedAt)} to ${escapeHtml(report.finishedAt)}</div>
<p class="summary" id="summary-line">${escapeHtml(summaryLine(report, opts))}</p>
${coverageLine(report) !== undefined ? `<p id="coverage-line">${escapeHtml(coverageLine(report)!)}</p>\n` : ''}${chart(report)}
</header>
<main>
${causesSection(report)}<h2>Findings</h2>
<form class="filters" id="filters" role="search">
${select('f-severity', 'Severity', 'all severities')}
${select('f-rule', 'Rule', 'all rules')}
${select('f-project', 'Project', 'all projects')}
${select('f-identity', 'Identity', 'all identities')}
<label>Search<input type="search" id="f-search" placeholder="text in any field"></label>
<label class="check"><input type="checkbox" id="f-suppressed" checked>show suppressed</label>
</form>
<p class="muted" id="shown-count"></p>
<table id="findings">
<thead><tr><th></th><th data-sort="severity"><button type="button">Severity</button></th><th data-sort="rule"><button type="button">Rule</button></th><th data-sort="project"><button type="button">Project</button></th><th data-sort="workload"><button type="button">Workload</button></th><th data-sort="identity"><button type="button">Identity</button></th><th data-sort="message"><button type="button">Message</button></th></tr></thead>
<tbody id="findings-body"></tbody>
</table>
<noscript><p>The findings table needs JavaScript; the same data is in the JSON block of this file (control characters shown as escapes) and in --format json.</p></noscript>
${errorsSection(report)}</main>
<script type="application/json" id="report-data">`;
  // The page shows (and its Copy buttons copy) exactly this data: control characters and bidi overrides from
  // the cloud arrive as visible escapes. --format json keeps the exact values.
  for (const chunk of json(visibleStrings(report))) yield escapeJsonForScript(chunk);
  yield `</script>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}
