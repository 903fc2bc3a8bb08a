import { severityRank, type Severity } from '../model/finding.js';

/** GitHub code scanning maps security-severity to its own levels: >= 9.0 critical, >= 7.0 high, >= 4.0 medium. */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.0', high: '7.0', medium: '4.0', low: '2.0', info: '0.0' };

export type SarifLevel = 'error' | 'warning' | 'note';
export const SARIF_LEVEL: Record<Severity, SarifLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

export function worst(severities: Iterable<Severity>): Severity | undefined {
  let out: Severity | undefined;
  for (const s of severities) if (out === undefined || severityRank(s) > severityRank(out)) out = s;
  return out;
}
