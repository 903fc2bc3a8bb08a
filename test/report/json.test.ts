import { describe, expect, test } from 'vitest';
import { REPORT_SCHEMA, orderReport, renderToString, validateReport } from '../../src/report/index.js';
import { CAUSE_KEYS, COVERAGE_KEYS, ERROR_KEYS, FINDING_KEYS, REMEDIATION_KEYS, REPORT_KEYS, SUMMARY_KEYS, SUPPRESSION_KEYS, json } from '../../src/report/json.js';
import type { Finding, Report } from '../../src/model/finding.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { hostileReport } from '../fixtures/reports/hostile.js';

type Schema = { properties: Record<string, unknown>; required?: string[]; definitions: Record<string, Schema> } & Record<string, unknown>;
const schema = REPORT_SCHEMA as Schema;

/** A finding whose keys were written in reverse order, as a careless producer might. */
function reversed(f: Finding): Finding {
  const remediation = Object.fromEntries(Object.entries(f.remediation).reverse()) as Finding['remediation'];
  return Object.fromEntries(Object.entries({ ...f, remediation }).reverse()) as unknown as Finding;
}

describe('json', () => {
  test('is the report with keys in model order, 2-space indent, one trailing newline', () => {
    const text = renderToString('json', demoReport);
    expect(text).toBe(JSON.stringify(orderReport(demoReport), null, 2) + '\n');
    expect(JSON.parse(text)).toEqual(demoReport);
    // notes is optional: only a report with something to note has it.
    expect(Object.keys(JSON.parse(text) as object)).toEqual(REPORT_KEYS.filter((k) => k !== 'notes'));
    const noted = { ...demoReport, notes: ['usage evidence is missing'] };
    expect(renderToString('json', noted)).toBe(JSON.stringify(orderReport(noted), null, 2) + '\n');
  });

  test('puts keys in the fixed order whatever order the producer used', () => {
    const shuffled: Report = { ...demoReport, findings: demoReport.findings.map(reversed) };
    const parsed = JSON.parse(renderToString('json', shuffled)) as Report;
    const withSuppression = parsed.findings.find((f) => f.suppression !== undefined)!;
    expect(Object.keys(withSuppression)).toEqual(FINDING_KEYS.filter((k) => k !== 'new'));
    expect(Object.keys(withSuppression.suppression!)).toEqual([...SUPPRESSION_KEYS]);
    expect(Object.keys(parsed.findings[0]!.remediation)).toEqual([...REMEDIATION_KEYS]);
    expect(Object.keys(parsed.summary)).toEqual([...SUMMARY_KEYS]);
    expect(Object.keys(parsed.summary.bySeverity)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    expect(renderToString('json', shuffled)).toBe(renderToString('json', demoReport));
  });

  test('keeps hostile values exactly, yet its bytes hold no character a terminal would act on', () => {
    const text = renderToString('json', hostileReport);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
    expect(text).toContain('abc\\u202eevil\\u202c');
    expect(text).toContain('c1 \\u009b31m');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(orderReport(hostileReport))));
  });

  test('a value over 16,384 characters is cut, with its length', () => {
    const long = { ...demoReport, findings: [{ ...demoReport.findings[0]!, message: 'x'.repeat(20_000) }] };
    const parsed = JSON.parse(renderToString('json', long)) as Report;
    expect(parsed.findings[0]!.message).toBe('x'.repeat(16_384) + '… (20000 chars, cut)');
    expect(validateReport(parsed)).toEqual({ valid: true, errors: [] });
  });

  test('streams one chunk per finding and per cause', () => {
    const chunks = [...json(demoReport, {})];
    const causes = demoReport.causes?.length ?? 0;
    // head, findings key, closing bracket, errors/tail; plus, when there are causes, their key and closing bracket.
    expect(chunks.length).toBe(demoReport.findings.length + 4 + (causes > 0 ? causes + 2 : demoReport.causes ? 2 : 0));
    const empty = { ...demoReport, findings: [], errors: [] };
    expect(renderToString('json', empty)).toBe(JSON.stringify(orderReport(empty), null, 2) + '\n');
  });

  test('every report written in these tests validates against the schema', () => {
    for (const r of [demoReport, hostileReport, { ...demoReport, findings: demoReport.findings.map((f, i) => ({ ...f, new: i % 2 === 0 })) }]) {
      const v = validateReport(JSON.parse(renderToString('json', r)));
      expect(v.errors).toEqual([]);
      expect(v.valid).toBe(true);
    }
  });
});

describe('report schema', () => {
  test('lists exactly the model keys, in model order', () => {
    expect(Object.keys(schema.properties)).toEqual([...REPORT_KEYS]);
    expect(Object.keys(schema.definitions['finding']!.properties)).toEqual([...FINDING_KEYS]);
    expect(schema.definitions['finding']!.required).toEqual(FINDING_KEYS.filter((k) => k !== 'suppression' && k !== 'new'));
    expect(Object.keys((schema.definitions['finding']!.properties['remediation'] as Schema).properties)).toEqual([...REMEDIATION_KEYS]);
    expect(Object.keys((schema.definitions['finding']!.properties['suppression'] as Schema).properties)).toEqual([...SUPPRESSION_KEYS]);
    expect(Object.keys(schema.definitions['error']!.properties)).toEqual([...ERROR_KEYS]);
    expect(Object.keys((schema.properties['summary'] as Schema).properties)).toEqual([...SUMMARY_KEYS]);
    expect(Object.keys((schema.properties['coverage'] as Schema).properties)).toEqual([...COVERAGE_KEYS]);
    expect(Object.keys(schema.definitions['cause']!.properties)).toEqual([...CAUSE_KEYS]);
    // A baseline written by an earlier version (no causes, no coverage) is still a report.
    const { causes: _c, coverage: _v, ...old } = JSON.parse(renderToString('json', demoReport)) as Record<string, unknown>;
    expect(validateReport(old)).toEqual({ valid: true, errors: [] });
  });

  test('rejects what the model forbids, naming each problem', () => {
    const bad = JSON.parse(renderToString('json', demoReport)) as Record<string, unknown> & { findings: Record<string, unknown>[] };
    bad['extra'] = true;
    bad.findings[0]!['severity'] = 'urgent';
    bad.findings[1]!['resourceType'] = 'function';
    delete bad.findings[2]!['id'];
    bad.findings[3]!['new'] = 'yes';
    bad['startedAt'] = 'yesterday';
    expect(validateReport(bad)).toEqual({
      valid: false,
      errors: [
        '/: must NOT have additional properties (extra)',
        '/startedAt: must match pattern "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$"',
        '/findings/0/severity: must be equal to one of the allowed values (critical, high, medium, low, info)',
        '/findings/1/resourceType: must be equal to one of the allowed values (service, revision, job)',
        "/findings/2: must have required property 'id'",
        '/findings/3/new: must be boolean',
      ],
    });
    expect(validateReport(null)).toEqual({ valid: false, errors: ['/: must be object'] });
  });
});
