import { describe, expect, test } from 'vitest';
import { applyBaseline, diffReports, renderDiff, renderToString, validateReport } from '../../src/report/index.js';
import type { Report } from '../../src/model/finding.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { hostileReport } from '../fixtures/reports/hostile.js';

/** Last week's scan: storefront's public finding did not exist yet, an old finding has since been fixed. */
function lastWeek(): Report {
  const findings = demoReport.findings
    .filter((f) => f.ruleId !== 'public-privileged-service')
    .map((f) => (f.ruleId === 'user-managed-key' ? { ...f, severity: 'low' as const, message: f.message.replace('1 enabled', 'one enabled') } : f))
    .map((f) => (f.ruleId === 'role-denied' ? { ...f, suppressed: false, suppression: undefined } : f));
  const { suppression: _s, ...roleDenied } = findings.find((f) => f.ruleId === 'role-denied')!;
  return {
    ...demoReport,
    findings: [
      ...findings.map((f) => (f.ruleId === 'role-denied' ? roleDenied : f)),
      { ...demoReport.findings[0]!, id: '0000000000000001', message: 'an old problem, since fixed' },
    ],
  };
}

describe('diff', () => {
  test('hostile strings: text and Markdown show escapes, JSON escapes what a terminal would act on', () => {
    const d = diffReports({ ...hostileReport, findings: [] }, hostileReport);
    const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    for (const format of ['text', 'markdown', 'json'] as const) expect(renderDiff(d, format), format).not.toMatch(RAW);
    expect(renderDiff(d, 'text')).toContain('terminal \\x1b[31mRED');
    const json = JSON.parse(renderDiff(d, 'json')) as { new: { message: string }[] };
    expect(json.new.map((f) => f.message)).toEqual(hostileReport.findings.map((f) => f.message));
  });

  test('matches findings by id: new, resolved, and changed with the fields that changed', () => {
    const d = diffReports(lastWeek(), demoReport);
    expect(d.new.map((f) => f.ruleId)).toEqual(['public-privileged-service']);
    expect(d.resolved.map((f) => f.id)).toEqual(['0000000000000001']);
    expect(d.changed.map((c) => [c.after.ruleId, c.fields])).toEqual([
      ['role-denied', ['suppressed', 'suppression']],
      ['user-managed-key', ['severity', 'message']],
    ]);
  });

  test('evidence written in another key order and `new` marks are not changes', () => {
    const reordered = {
      ...demoReport,
      findings: demoReport.findings.map((f) => ({ ...f, new: true, evidence: Object.fromEntries(Object.entries(f.evidence).reverse()) })),
    };
    expect(diffReports(demoReport, reordered)).toEqual({ new: [], resolved: [], changed: [] });
  });

  test('a change in evidence alone is not a change unless asked for (diff --evidence)', () => {
    const target = demoReport.findings.find((f) => f.ruleId === 'role-not-allowed')!;
    const renamed = {
      ...demoReport,
      findings: demoReport.findings.map((f) => (f.id === target.id ? { ...f, evidence: { ...f.evidence, policy: 'data-services-v2' } } : f)),
    };
    expect(diffReports(demoReport, renamed)).toEqual({ new: [], resolved: [], changed: [] });
    const withEvidence = diffReports(demoReport, renamed, { evidence: true });
    expect(withEvidence.changed.map((c) => [c.after.id, c.fields])).toEqual([[target.id, ['evidence']]]);
    // Evidence that changes along with something else is still reported with it.
    const both = { ...renamed, findings: renamed.findings.map((f) => (f.id === target.id ? { ...f, severity: 'high' as const } : f)) };
    expect(diffReports(demoReport, both).changed.map((c) => c.fields)).toEqual([['severity']]);
  });

  test('renders as text, markdown and json', () => {
    const d = diffReports(lastWeek(), demoReport);
    expect(renderDiff(d, 'text')).toBe(
      [
        '1 new, 1 resolved, 2 changed',
        '',
        'NEW',
        `+ [critical] public-privileged-service · service storefront (europe-west1, acme-prod): ${demoReport.findings[1]!.message}`,
        '',
        'RESOLVED',
        '- [critical] primitive-role · service checkout (us-central1, acme-prod): an old problem, since fixed',
        '',
        'CHANGED',
        `~ [high] role-denied · job nightly-export (europe-west1, acme-dev): ${demoReport.findings[6]!.message}`,
        '    now suppressed',
        `~ [medium] user-managed-key · service reports-api (us-central1, acme-dev): ${demoReport.findings[11]!.message}`,
        '    severity low → medium, message',
        '',
      ].join('\n'),
    );
    const md = renderDiff(d, 'markdown');
    expect(md.split('\n').slice(0, 3)).toEqual(['# Cloud Run identity audit: changes', '', '**1 new, 1 resolved, 2 changed**']);
    expect(md).toContain('## New (1)\n\n| Severity | Rule | Workload | Message |\n| --- | --- | --- | --- |\n| 🟥 critical | public-privileged-service | service storefront (europe-west1, acme-prod) | service storefront \\(europe-west1, acme-prod\\) is public');
    expect(md).toContain('| severity low → medium, message |\n');
    const json = JSON.parse(renderDiff(d, 'json')) as { new: unknown[]; resolved: unknown[]; changed: { fields: string[] }[] };
    expect(json.new.length).toBe(1);
    expect(json.resolved.length).toBe(1);
    expect(json.changed.map((c) => c.fields)).toEqual([
      ['suppressed', 'suppression'],
      ['severity', 'message'],
    ]);
    expect(renderDiff(diffReports(demoReport, demoReport), 'text')).toBe('0 new, 0 resolved, 0 changed\n');
  });
});

describe('baseline', () => {
  test('marks every finding new or not by id, leaving the rest of the report alone', () => {
    const marked = applyBaseline(demoReport, lastWeek());
    expect(marked.findings.map((f) => f.new)).toEqual(demoReport.findings.map((f) => f.ruleId === 'public-privileged-service'));
    expect(marked.findings.map(({ new: _n, ...f }) => f)).toEqual(demoReport.findings);
    expect(marked.summary).toBe(demoReport.summary);
    expect(demoReport.findings.every((f) => f.new === undefined)).toBe(true);
    expect(validateReport(JSON.parse(renderToString('json', marked))).valid).toBe(true);
    expect(renderToString('table', marked)).toContain('CRITICAL  public-privileged-service · service storefront (europe-west1, acme-prod) [NEW]\n');
  });

  test('against itself nothing is new; against an empty baseline everything is', () => {
    expect(applyBaseline(demoReport, demoReport).findings.every((f) => f.new === false)).toBe(true);
    expect(applyBaseline(demoReport, { ...demoReport, findings: [] }).findings.every((f) => f.new === true)).toBe(true);
  });
});
