import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { renderToString } from '../../src/report/index.js';
import { HTML_CSP, escapeJsonForScript } from '../../src/report/html.js';
import { HTML_SCRIPT, HTML_STYLE } from '../../src/report/html-assets.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { hostileReport } from '../fixtures/reports/hostile.js';

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

/** Contents of every <script …>…</script> and <style>…</style>, found the way an HTML parser ends them. */
function blocks(html: string, tag: 'script' | 'style'): { open: string; body: string }[] {
  const out: { open: string; body: string }[] = [];
  const re = new RegExp(`<${tag}(\\b[^>]*)>`, 'gi');
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    const end = html.toLowerCase().indexOf(`</${tag}`, re.lastIndex);
    out.push({ open: m[0], body: html.slice(re.lastIndex, end) });
    re.lastIndex = end;
  }
  return out;
}

describe('html (static checks; the behaviour is tested in Chromium under test/browser)', () => {
  test('the CSP allows exactly the inline style and script by hash, and nothing else', () => {
    const html = renderToString('html', demoReport);
    const styles = blocks(html, 'style');
    const scripts = blocks(html, 'script');
    expect(styles.map((s) => s.body)).toEqual([HTML_STYLE]);
    expect(scripts.map((s) => s.open)).toEqual(['<script type="application/json" id="report-data">', '<script>']);
    expect(scripts[1]!.body).toBe(HTML_SCRIPT);
    expect(HTML_CSP).toBe(`default-src 'none'; style-src ${hash(HTML_STYLE)}; script-src ${hash(HTML_SCRIPT)}; img-src 'none'; base-uri 'none'; form-action 'none'`);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`);
    // No reference to anything outside the file.
    expect(html).not.toMatch(/\s(?:src|href|srcset|action|poster|data)\s*=/i);
    expect(html).not.toMatch(/url\(|@import/i);
  });

  test('the page script is valid JavaScript', () => {
    expect(() => new Function(HTML_SCRIPT)).not.toThrow();
  });

  test('embedded data cannot end its script element, and decodes to the report', () => {
    const html = renderToString('html', hostileReport);
    const data = blocks(html, 'script')[0]!.body;
    expect(data).not.toMatch(/[<>&\u2028\u2029]/);
    // The page shows what it embeds: the report, with control characters and bidi overrides as visible escapes.
    const embedded = JSON.parse(data) as typeof hostileReport;
    expect(embedded.findings.map((f) => f.id)).toEqual(hostileReport.findings.map((f) => f.id));
    const strings: string[] = [];
    JSON.parse(data, (key, value: unknown) => (strings.push(key, typeof value === 'string' ? value : ''), value));
    for (const text of strings) expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const terminal = embedded.findings.find((f) => f.message.startsWith('terminal'))!;
    expect(terminal.message).toContain('terminal \\x1b[31mRED\\x1b[0m\\x1b]0;title\\x07\\x1b[2J bidi abc\\u202eevil\\u202c nul \\x00 bell \\x07');
    expect(terminal.remediation.commands[0]).toContain('--labels=\\x1b[31mRED');
    // A report with nothing to escape is embedded exactly as --format json writes it.
    expect(JSON.parse(blocks(renderToString('html', demoReport), 'script')[0]!.body)).toEqual(JSON.parse(renderToString('json', demoReport)));
    expect(escapeJsonForScript('"</script>&\u2028\u2029"')).toBe('"\\u003c/script\\u003e\\u0026\\u2028\\u2029"');
    // Outside the data block every cloud string is escaped: the payloads appear only as text.
    const outsideData = html.replace(data, '');
    expect(outsideData).not.toContain('<script>window');
    expect(outsideData).not.toContain('<img');
    expect(outsideData).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(blocks(html, 'script').length).toBe(2);
  });
});
