import { describe, expect, test } from 'vitest';
import { renderToString } from '../../src/report/index.js';
import { displayWidth, stripControls, wrap } from '../../src/report/text.js';
import { shellWords, wrapCommand } from '../../src/report/shell-wrap.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { hostileReport } from '../fixtures/reports/hostile.js';
import { summaryLine } from '../../src/report/summary.js';

const OUR_SGR = /\u001b\[(?:1;97;41|1;31|33|36|2|1|0)m/g;

describe('table', () => {
  test('groups by severity, worst first, then suppressed and unreadable parts, and ends with the summary line', () => {
    const text = renderToString('table', demoReport);
    const headings = text.split('\n').filter((l) => /^[A-Z ]+ \(\d+\) ─/.test(l)).map((l) => l.replace(/ ─+$/, ''));
    expect(headings).toEqual(['CRITICAL (2)', 'HIGH (4)', 'MEDIUM (5)', 'LOW (1)', 'INFO (1)', 'SUPPRESSED (1)', 'COULD NOT BE READ (3)']);
    expect(text.endsWith('\n13 findings: 2 critical, 4 high, 5 medium, 1 low, 1 info in 4 projects; 1 suppressed; 1 project\ncould not be read; 1 other error\n')).toBe(true);
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
    // The hostile colour/title/clear-screen sequences are gone, their visible text is left.
    expect(plain).toContain('terminal RED bidi abcevil nul bell backspace del c1 carriage return newline tab');
  });

  test('long cloud text is cut after 8 lines with a pointer to the full text', () => {
    const text = renderToString('table', hostileReport);
    const block = text.split('\n\n').find((b) => b.includes('東京'))!.split('\n');
    expect(block[8]).toBe('   (full text in --format markdown, html or json)');
    expect(block[7]!.endsWith('…')).toBe(true);
  });
});

describe('text helpers', () => {
  test('stripControls removes CSI, OSC, 8-bit CSI and bidi controls, keeps tab and line breaks', () => {
    expect(stripControls('a\u001b[1;31mb\u001b[0m\u001b]8;;http://x\u0007link\u001b]8;;\u0007\u009b2Jc\u202ed\te\nf\u0000')).toBe('ablinkcd\te\nf');
  });
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
    expect(summaryLine({ ...demoReport, findings: [], errors: [] })).toBe('0 findings in 4 projects');
    expect(summaryLine({ ...demoReport, summary: { ...demoReport.summary, projects: 1 }, findings: demoReport.findings.slice(0, 1), errors: demoReport.errors.slice(0, 1) })).toBe(
      '1 finding: 1 critical in 1 project; 1 project could not be read',
    );
  });
});
