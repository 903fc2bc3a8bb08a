import { describe, expect, test } from 'vitest';
import { renderToString } from '../../src/report/index.js';
import { displayWidth, wrap } from '../../src/report/text.js';
import { shellWords, wrapCommand } from '../../src/report/shell-wrap.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { hostileReport } from '../fixtures/reports/hostile.js';
import { coverageLine, summaryLine } from '../../src/report/summary.js';

const OUR_SGR = /\u001b\[(?:1;97;41|1;31|33|36|2|1|0)m/g;

describe('table', () => {
  test('groups by severity, worst first, then suppressed and unreadable parts, and ends with the summary line', () => {
    const text = renderToString('table', demoReport);
    const headings = text.split('\n').filter((l) => /^[A-Z ]+ \(\d+\) ─/.test(l)).map((l) => l.replace(/ ─+$/, ''));
    expect(headings).toEqual(['CAUSES (10)', 'CRITICAL (2)', 'HIGH (4)', 'MEDIUM (5)', 'LOW (1)', 'INFO (1)', 'SUPPRESSED (1)', 'COULD NOT BE READ (3)']);
    expect(text.split('\n').slice(1, 3)).toEqual(['scanned 4 projects, 5 services, 11 revisions, 2 jobs · 2025-03-14T09:27:04.112Z', '4 projects: 3 run Cloud Run, 1 could not be read']);
    expect(text.endsWith('\n13 findings from 10 causes (2 critical, 4 high, 5 medium, 1 low, 1 info) in 3 of 4 projects scanned;\n1 suppressed; 1 project could not be read; 1 other error\n')).toBe(true);
    // The causes lead: one grant (Editor on the default identity) explains three findings.
    expect(text).toContain(
      [
        'CRITICAL  3 findings',
        '   123456789012-compute@developer.gserviceaccount.com holds roles/editor on project acme-prod',
        '   fix: Stop public access or move storefront to a dedicated identity without Editor.',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        'CRITICAL  primitive-role · service checkout (us-central1, acme-prod)',
        '   service checkout (us-central1, acme-prod) runs as checkout-sa@acme-prod.iam.gserviceaccount.com,',
        '   which holds roles/owner through a binding on folder 2000 (prod)',
        '   fix: Remove roles/owner from checkout-sa on folder 2000 and grant only the roles checkout needs.',
        '   $ gcloud resource-manager folders remove-iam-policy-binding 2000 \\',
        '       --member=serviceAccount:checkout-sa@acme-prod.iam.gserviceaccount.com --role=roles/owner',
        '   (1 more command in --format markdown, html or json)',
      ].join('\n'),
    );
    expect(text).toContain('MEDIUM    cross-project-identity · service etl-api (europe-west4, acme-data)\n');
    expect(text).toContain('   suppression expired 2024-12-31: Migration to a local identity planned for Q4.\n');
  });

  test('fits the width, at 60, 100 and 160 columns, hostile strings included', () => {
    for (const width of [60, 100, 160]) {
      for (const r of [demoReport, hostileReport]) {
        const lines = renderToString('table', r, { width }).split('\n');
        for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
      }
    }
    const narrow = renderToString('table', demoReport, { width: 60 });
    expect(narrow).toContain('   $ gcloud run services remove-iam-policy-binding \\\n       storefront --member=allUsers \\\n');
    // A word wider than the line is broken inside with a backslash-newline, its rest at column 0: never cut.
    expect(narrow).toContain(
      [
        '   $ gcloud resource-manager folders \\',
        '       remove-iam-policy-binding 2000 --member=serviceAccou\\',
        'nt:checkout-sa@acme-prod.iam.gserviceaccount.com \\',
        '       --role=roles/owner',
        '',
      ].join('\n'),
    );
  });

  test('without colour no escape sequence at all; with colour only ours', () => {
    const plain = renderToString('table', hostileReport);
    expect(plain).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const colored = renderToString('table', hostileReport, { color: true });
    expect(colored).toContain('\u001b[1;97;41mCRITICAL\u001b[0m');
    expect(colored.replace(OUR_SGR, '')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(colored.replace(OUR_SGR, '')).toBe(plain);
    // The hostile colour/title/clear-screen sequences and bidi overrides are shown as escapes, never obeyed.
    expect(plain.replace(/\n {3}/g, ' ')).toContain(
      'terminal \\x1b[31mRED\\x1b[0m\\x1b]0;title\\x07\\x1b[2J bidi abc\\u202eevil\\u202c nul \\x00 bell \\x07 backspace \\x08\\x08\\x08 del \\x7f c1 \\x9b31m carriage return newline tab',
    );
  });

  test('long cloud text is cut after 8 lines with a pointer to the full text', () => {
    const text = renderToString('table', hostileReport);
    // The finding's own entry (its first line names rule and workload), not the cause that leads to it.
    const block = text.split('\n\n').find((b) => b.includes('東京') && / · /.test(b.split('\n')[0]!))!.split('\n');
    expect(block[8]).toBe('   (full text in --format markdown, html or json)');
    expect(block[7]!.endsWith('…')).toBe(true);
  });
});

describe('text helpers', () => {
  test('wrap counts wide characters as two columns and cuts words longer than a line', () => {
    expect(wrap('東京東京東京 ab', 6)).toEqual(['東京東', '京東京', 'ab']);
    expect(wrap('aaaaaaaaaa bb', 4)).toEqual(['aaaa', 'aaaa', 'aa', 'bb']);
  });
  test('commands wrap between shell words with continuations, and inside a word only where the shell rejoins it', () => {
    expect(shellWords(`a --x="b c" 'd e' f\\ g`)).toEqual(['a', '--x="b c"', "'d e'", 'f\\ g']);
    const layout = (width: number) => ({ width, first: '', next: '    ' });
    expect(wrapCommand(`gcloud x --display-name="a b c d" --project=p`, layout(30))).toEqual(['gcloud x \\', '    --display-name="a b c d" \\', '    --project=p']);
    // Single quotes are closed before the backslash-newline and reopened after it; the rest starts at column 0.
    expect(wrapCommand(`gcloud x --condition='expression=a < b,title=t'`, layout(30))).toEqual([
      "gcloud x --condition='expres'\\",
      "'sion=a < b,title=t'",
    ]);
    // Never inside \x, next to a quote or after `$`; double quotes take a plain backslash-newline.
    expect(wrapCommand(`echo abcdefghij\\ klmnopqrstuv"wx yz"`, layout(16))).toEqual(['echo \\', '    abcdefghij\\', '\\ klmnopqrstu\\', 'v"wx yz"']);
    // A comment is never continued with a backslash (the next line would run): it becomes comment lines.
    expect(wrapCommand('# choose the roles it needs and grant each one', { width: 24, first: '$ ', next: '  ' })).toEqual([
      '$ # choose the roles it',
      '  # needs and grant each',
      '  # one',
    ]);
  });
  test('summaryLine', () => {
    const clean = { ...demoReport, findings: [], errors: [], coverage: { ...demoReport.coverage, unreadable: [] } };
    expect(summaryLine(clean)).toBe('0 findings; scanned 4 projects');
    expect(summaryLine({ ...clean, summary: { ...demoReport.summary, projects: 1 } })).toBe('0 findings; scanned 1 project');
    const one = { ...demoReport, summary: { ...demoReport.summary, projects: 1 }, findings: demoReport.findings.slice(0, 1), errors: demoReport.errors.slice(0, 1) };
    expect(summaryLine(one)).toBe('1 finding from 1 cause (1 critical) in 1 of 1 project scanned; 1 project could not be read');
  });
  test('with a baseline the summary says how many new findings are at or above --fail-on', () => {
    const marked = { ...demoReport, findings: demoReport.findings.map((f) => ({ ...f, new: f.severity === 'critical' || f.severity === 'low' })) };
    expect(summaryLine(marked, { failOn: 'high' })).toMatch(/; 2 new at or above --fail-on high$/);
    expect(summaryLine(marked, { failOn: 'low' })).toMatch(/; 3 new at or above --fail-on low$/);
    expect(summaryLine(marked, { failOn: 'none' })).toMatch(/; 0 new at or above --fail-on none$/);
    // Without a baseline nothing is new or old, and the count is left out.
    expect(summaryLine(demoReport, { failOn: 'high' })).not.toContain('new');
  });
  test('coverageLine', () => {
    const cov = (projects: number, withWorkloads: number, runApiDisabled: string[], unreadable: string[]) =>
      coverageLine({ ...demoReport, coverage: { projects, withWorkloads, runApiDisabled, unreadable } });
    expect(cov(40, 6, Array.from({ length: 32 }, (_, i) => `p${i}`), ['a', 'b'])).toBe('40 projects: 6 run Cloud Run, 32 have the Run API disabled, 2 could not be read');
    expect(cov(3, 1, ['x'], [])).toBe('3 projects: 1 runs Cloud Run, 1 has the Run API disabled, 1 has no services or jobs');
    expect(cov(1, 0, ['x'], [])).toBe('1 project: 0 run Cloud Run, 1 has the Run API disabled');
  });
});
