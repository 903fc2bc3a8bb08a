import { describe, expect, test } from 'vitest';
import type { Report } from '../../src/model/finding.js';
import { validateReport } from '../../src/report/index.js';
import { runCli } from './cli.js';

// The demo as a new user runs it: its findings grouped into root causes (src/audit/causes.ts).
describe('demo: root causes', () => {
  test('15 causes explain the 25 findings, every finding in exactly one cause', async () => {
    const res = await runCli(['demo', '--format', 'json']);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    expect(validateReport(report)).toEqual({ valid: true, errors: [] });
    expect(report.findings).toHaveLength(25);
    expect(report.causes).toHaveLength(15);
    expect(report.summary.causes).toBe(15);
    const owner = new Map<string, string[]>();
    for (const c of report.causes) for (const id of c.findings) owner.set(id, [...(owner.get(id) ?? []), c.id]);
    for (const f of report.findings) expect(owner.get(f.id), f.id).toHaveLength(1);
    expect([...owner.keys()].sort()).toEqual(report.findings.map((f) => f.id).sort());
    // storefront and the old checkout revision both run as the default compute identity of acme-web-prod, which
    // holds Editor: one grant, five findings (primitive-role and privilege-escalation on each, and the revision's
    // default-identity, whose fix also retires the revision).
    const editor = report.causes.find((c) => c.title === '415104041262-compute@developer.gserviceaccount.com holds roles/editor on project acme-web-prod')!;
    const byId = new Map(report.findings.map((f) => [f.id, f]));
    expect(editor.findings.map((id) => `${byId.get(id)!.ruleId} ${byId.get(id)!.resource.split('/').at(-1)}`).sort()).toEqual([
      'default-identity checkout-00011-kel',
      'primitive-role checkout-00011-kel',
      'primitive-role storefront',
      'privilege-escalation checkout-00011-kel',
      'privilege-escalation storefront',
    ]);
    expect(editor.severity).toBe('high');
    // Causes sort worst first and take the worst severity of their findings.
    for (const c of report.causes) {
      const sevs = c.findings.map((id) => byId.get(id)!.severity);
      expect(sevs).toContain(c.severity);
    }
    expect(report.causes.map((c) => c.severity)).toEqual([...report.causes.map((c) => c.severity)].sort((a, b) => RANK[a] - RANK[b]));
    expect(res.stderr.split('\n')).toContain('25 findings from 15 causes (2 critical, 18 high, 5 medium) in 4 of 6 projects scanned; 1 project could not be read');
  });
});

const RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
