import { describe, expect, test } from 'vitest';
import { renderToString } from '../../src/report/index.js';
import { escapeMarkdown, fenceFor } from '../../src/report/escape.js';
import { activeCausesOf } from '../../src/report/summary.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { hostileReport } from '../fixtures/reports/hostile.js';

interface Parsed {
  outside: string[];
  blocks: { fence: string; lang: string; body: string }[];
}

/** Splits Markdown into lines outside fenced code and the fenced blocks, by the CommonMark fence rules. */
function split(md: string): Parsed {
  const out: Parsed = { outside: [], blocks: [] };
  let open: { fence: string; lang: string; body: string[] } | null = null;
  for (const line of md.split('\n')) {
    if (open) {
      if (line.startsWith(open.fence) && /^`+$/.test(line.trim()) && line.trim().length >= open.fence.length) {
        out.blocks.push({ fence: open.fence, lang: open.lang, body: open.body.join('\n') });
        open = null;
      } else open.body.push(line);
      continue;
    }
    const m = /^(`{3,})([^`]*)$/.exec(line);
    if (m) open = { fence: m[1]!, lang: m[2]!, body: [] };
    else out.outside.push(line);
  }
  expect(open).toBeNull();
  return out;
}

/** Pipes that separate cells (not preceded by an odd number of backslashes). */
const cellSeparators = (row: string): number => (row.match(/(?<!\\)(?:\\\\)*\|/g) ?? []).length;

describe('markdown', () => {
  test('title, summary line, severity table, a table per project, errors', () => {
    const md = renderToString('markdown', demoReport);
    const { outside } = split(md);
    expect(outside.slice(0, 3)).toEqual([
      '# Cloud Run identity audit',
      '',
      '**13 findings from 10 causes \\(2 critical, 4 high, 5 medium, 1 low, 1 info\\) in 3 of 4 projects scanned; 1 suppressed; 1 project could not be read; 1 other error**',
    ]);
    expect(outside[4]).toBe('4 projects: 3 run Cloud Run, 1 could not be read');
    expect(outside.filter((l) => l.startsWith('## '))).toEqual(['## Causes (10)', '## acme-data (2)', '## acme-dev (3)', '## acme-prod (9)', '## Could not be read (3)']);
    // Causes lead, worst first: the Editor grant of the default identity explains three findings.
    expect(md).toContain(
      '| 🟥 critical | 123456789012-compute@developer.gserviceaccount.com holds roles/editor on project acme-prod | 3 | Stop public access or move storefront to a dedicated identity without Editor. |\n',
    );
    expect(md.indexOf('## Causes (10)')).toBeLessThan(md.indexOf('## acme-data (2)'));
    expect(md).toContain('| 🟧 high | 4 | 1 |\n');
    expect(md).toContain(
      '| 🟧 high | suppressed until 2099-12-31 | role-denied | job nightly-export (europe-west1) | 234567890123-compute@developer.gserviceaccount.com | job nightly-export \\(europe-west1, acme-dev\\) runs as 234567890123-compute@developer.gserviceaccount.com, which holds denied role roles/bigquery.admin through a binding on project acme-dev |\n',
    );
    expect(md).toContain('| acme-legacy | run.googleapis.com | 403 | Permission denied listing Cloud Run services in acme-legacy: grant roles/run.viewer to the scanning identity |');
  });

  test('each remediation sits in a details block with its commands in a fenced block', () => {
    const md = renderToString('markdown', demoReport);
    const { outside, blocks } = split(md);
    expect(outside.filter((l) => l.startsWith('<details>')).length).toBe(demoReport.findings.length);
    expect(outside.filter((l) => l === '</details>').length).toBe(demoReport.findings.length);
    const sh = blocks.filter((b) => b.lang === 'sh').map((b) => b.body);
    expect(sh).toContain(demoReport.findings[5]!.remediation.commands.join('\n'));
    expect(blocks.filter((b) => b.lang === 'hcl').length).toBe(demoReport.findings.filter((f) => f.remediation.terraform !== undefined).length);
  });

  test('nothing from the cloud can change the layout', () => {
    const md = renderToString('markdown', hostileReport);
    const { outside, blocks } = split(md);
    // Only our own HTML outside code: the details/summary wrappers.
    // Backticks outside code only open and close our code spans around bare URLs, which GitHub would autolink.
    const urlSpan = /`(?:[a-z][a-z0-9+.-]*:\/\/|www\.|mailto:)[^`\s|]*`/gi;
    let urlSpans = 0;
    for (const line of outside) {
      const rest = line
        .replace(/^<details><summary>/, '')
        .replace(/<\/summary>$/, '')
        .replace(/^<\/details>$/, '')
        .replace(/<code>(?:[a-z][a-z0-9+.-]*:\/\/|www\.|mailto:)[^<\s]*<\/code>/gi, () => (urlSpans++, ''));
      expect(rest, line).not.toMatch(/</);
      urlSpans += (rest.match(urlSpan) ?? []).length;
      const text = rest.replace(urlSpan, '');
      expect(text.replace(/\\`/g, ''), line).not.toMatch(/`/);
      expect(text, line).not.toMatch(/:\/\/|\bwww\./i);
    }
    expect(urlSpans).toBeGreaterThan(0);
    expect(outside.filter((l) => l.startsWith('<details>')).length).toBe(hostileReport.findings.length);
    expect(outside.filter((l) => l === '</details>').length).toBe(hostileReport.findings.length);
    // Headings are ours only.
    expect(outside.filter((l) => l.startsWith('#')).every((l) => /^# Cloud Run identity audit$|^## .* \(\d+\)$/.test(l))).toBe(true);
    // Every table row keeps its column count: the escaped pipes in messages do not split cells.
    let header: number | null = null;
    let rows = 0;
    for (const line of outside) {
      if (!line.startsWith('| ')) {
        header = null;
        continue;
      }
      if (header === null) header = cellSeparators(line);
      else expect(cellSeparators(line), line).toBe(header);
      rows++;
    }
    // Severity table (2 + 5), causes (2 + one per cause), 9 projects (header and rule each, one row per finding),
    // errors (2 + 1).
    expect(rows).toBe(7 + 2 + activeCausesOf(hostileReport).length + 9 * 2 + hostileReport.findings.length + 3);
    // Commands are shown verbatim (minus terminal escapes) inside fences longer than any backtick run.
    const first = hostileReport.findings[0]!;
    const block = blocks.find((b) => b.body.startsWith('echo "````"'))!;
    expect(block.fence).toBe('`````');
    expect(block.body).toBe(first.remediation.commands.join('\n'));
    expect(md).toContain('@\u2060acme/security-team');
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(md).toContain('\\x1b[31mRED');
  });

  test('escapeMarkdown and fenceFor', () => {
    expect(escapeMarkdown('a|b `c` *d* _e_ [f](g) #h !i <j> & k\nl @team x@y.z')).toBe(
      'a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\]\\(g\\) \\#h \\!i &lt;j&gt; &amp; k l @\u2060team x@y.z',
    );
    expect(escapeMarkdown('</details>')).toBe('&lt;/details&gt;');
    expect(fenceFor('no ticks')).toBe('```');
    expect(fenceFor('a ```` b ` c')).toBe('`````');
  });
});
