import { describe, expect, test } from 'vitest';
import { renderToString } from '../../src/report/index.js';
import { escapeXml } from '../../src/report/junit.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { hostileReport } from '../fixtures/reports/hostile.js';
import { parseXml, type XmlElement } from './parse-xml.js';

const child = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);

describe('junit', () => {
  test('a testsuite per rule, a testcase per (rule, workload), suppressed ones skipped, errors last', () => {
    const root = parseXml(renderToString('junit', demoReport));
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toEqual({ name: 'cloudrun-auditor', tests: '17', failures: '13', errors: '3', skipped: '1' });
    const suites = child(root, 'testsuite');
    expect(suites.map((s) => [s.attributes['name'], s.attributes['tests'], s.attributes['failures'], s.attributes['skipped']])).toEqual([
      ['cross-project-identity', '1', '1', '0'],
      ['default-identity', '3', '3', '0'],
      ['identity-impersonation', '1', '1', '0'],
      ['primitive-role', '2', '2', '0'],
      ['privilege-escalation', '1', '1', '0'],
      ['public-privileged-service', '1', '1', '0'],
      ['role-denied', '1', '0', '1'],
      ['role-not-allowed', '1', '1', '0'],
      ['shared-identity', '2', '2', '0'],
      ['user-managed-key', '1', '1', '0'],
      ['collection-errors', '3', '0', '0'],
    ]);
    const prim = child(suites[3]!, 'testcase');
    expect(prim.map((c) => c.attributes)).toEqual([
      { classname: 'acme-prod', name: 'projects/acme-prod/locations/us-central1/services/checkout' },
      { classname: 'acme-prod', name: 'projects/acme-prod/locations/europe-west1/services/storefront' },
    ]);
    const failure = child(prim[0]!, 'failure')[0]!;
    expect(failure.attributes).toEqual({ message: demoReport.findings[0]!.message, type: 'critical' });
    expect(failure.text).toBe(
      [
        `[critical] ${demoReport.findings[0]!.message}`,
        'identity: checkout-sa@acme-prod.iam.gserviceaccount.com',
        'fix: Remove roles/owner from checkout-sa on folder 2000 and grant only the roles checkout needs.',
        ...demoReport.findings[0]!.remediation.commands.map((c) => '  ' + c),
      ].join('\n'),
    );
    const skipped = child(child(suites[6]!, 'testcase')[0]!, 'skipped')[0]!;
    expect(skipped.attributes).toEqual({ message: 'suppressed: Dev sandbox; BigQuery admin needed until the export is rewritten (DATA-412). (until 2099-12-31)' });
    const errors = child(suites[10]!, 'testcase');
    expect(errors[2]!.attributes).toEqual({ classname: '', name: 'iam.googleapis.com TIMEOUT' });
    expect(child(errors[2]!, 'error')[0]!.attributes).toEqual({ message: demoReport.errors[2]!.message, type: 'TIMEOUT' });
  });

  test('findings of one rule on one workload share a testcase with the worst severity as type', () => {
    const base = demoReport.findings[4]!; // primitive-role editor, high, storefront
    const owner = { ...base, id: 'other', severity: 'critical' as const, message: 'owner too' };
    const root = parseXml(renderToString('junit', { ...demoReport, findings: [base, owner], errors: [] }));
    const cases = child(child(root, 'testsuite')[0]!, 'testcase');
    expect(cases.length).toBe(1);
    const failure = child(cases[0]!, 'failure')[0]!;
    expect(failure.attributes).toEqual({ message: 'owner too', type: 'critical' });
    expect(failure.text.startsWith('[critical] owner too\n')).toBe(true);
    expect(failure.text).toContain(`\n\n[high] ${base.message}\n`);
  });

  test('hostile strings stay data: well-formed XML, control characters shown as escapes, line breaks kept', () => {
    const xml = renderToString('junit', hostileReport);
    const root = parseXml(xml);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const first = child(child(root, 'testsuite').find((s) => s.attributes['name'] === 'role-denied')!, 'testcase')[0]!;
    expect(first.attributes['name']).toBe('projects/acme-prod/locations/europe-west1/services/<script>window.__pwned=1</script>');
    const failure = child(first, 'failure')[0]!;
    expect(failure.attributes['message']).toBe(hostileReport.findings[0]!.message);
    expect(failure.text).toContain('</details>\n<script>window.__pwned=5</script>');
    const cr = child(root, 'testsuite').flatMap((s) => child(s, 'testcase')).find((c) => c.attributes['classname'] === '\\x0d=1')!;
    expect(cr.attributes['name']).toBe('projects/acme-prod/locations/europe-west1/jobs/j5-\\x0d=1');
    const nul = child(root, 'testsuite').flatMap((s) => child(s, 'testcase')).find((c) => c.attributes['name']!.endsWith('j6-\\x00=1'))!;
    expect(nul.attributes['classname']).toBe('\\x00=1');
    const term = child(root, 'testsuite').flatMap((s) => child(s, 'testcase')).find((c) => c.attributes['name']!.includes('東京'))!;
    expect(
      child(term, 'failure')[0]!.attributes['message']!.startsWith(
        'terminal \\x1b[31mRED\\x1b[0m\\x1b]0;title\\x07\\x1b[2J bidi abc\\u202eevil\\u202c nul \\x00 bell \\x07 backspace \\x08\\x08\\x08 del \\x7f c1 \\x9b31m carriage\\x0dreturn\nnewline\ttab A',
      ),
    ).toBe(true);
  });

  test('escapeXml', () => {
    expect(escapeXml('a&b<c>d"e\u0000f\u001b[31mg\ud800h\r\n\t', false)).toBe('a&amp;b&lt;c&gt;d&quot;e\\x00f\\x1b[31mg\\ud800h\n\t');
    expect(escapeXml('x\n\ty\r', true)).toBe('x&#10;&#9;y\\x0d');
  });
});
