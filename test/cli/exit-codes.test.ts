import { describe, expect, it } from 'vitest';
import { exitCodeFor, gatingFindings } from '../../src/cli/exit-codes.js';
import type { Finding, Severity } from '../../src/model/finding.js';

function finding(id: string, severity: Severity, extra: Partial<Finding> = {}): Finding {
  return {
    id,
    ruleId: 'default-identity',
    severity,
    project: 'acme-prod',
    location: 'us-central1',
    resourceType: 'service',
    resource: `projects/acme-prod/locations/us-central1/services/${id}`,
    serviceAccount: '123456789012-compute@developer.gserviceaccount.com',
    message: id,
    evidence: {},
    remediation: { summary: 's', commands: ['c'] },
    suppressed: false,
    ...extra,
  };
}

const findings = [
  finding('a', 'critical'),
  finding('b', 'medium'),
  finding('c', 'high', { suppressed: true }),
  finding('d', 'low', { new: false }),
];

describe('gating', () => {
  it('counts active findings at or above the threshold; suppressed and baseline findings never gate', () => {
    expect(gatingFindings(findings, 'critical').map((f) => f.id)).toEqual(['a']);
    expect(gatingFindings(findings, 'high').map((f) => f.id)).toEqual(['a']);
    expect(gatingFindings(findings, 'medium').map((f) => f.id)).toEqual(['a', 'b']);
    expect(gatingFindings(findings, 'info').map((f) => f.id)).toEqual(['a', 'b']);
    expect(gatingFindings(findings, 'none')).toEqual([]);
  });

  it('exits 1 on gating findings even when incomplete, 3 when only incomplete, 0 with --allow-incomplete', () => {
    expect(exitCodeFor({ findings, errorCount: 1, failOn: 'high', allowIncomplete: false })).toBe(1);
    expect(exitCodeFor({ findings: [finding('b', 'medium')], errorCount: 1, failOn: 'high', allowIncomplete: false })).toBe(3);
    expect(exitCodeFor({ findings: [finding('b', 'medium')], errorCount: 1, failOn: 'high', allowIncomplete: true })).toBe(0);
    expect(exitCodeFor({ findings: [finding('b', 'medium')], errorCount: 0, failOn: 'high', allowIncomplete: false })).toBe(0);
    expect(exitCodeFor({ findings, errorCount: 0, failOn: 'none', allowIncomplete: false })).toBe(0);
  });
});
