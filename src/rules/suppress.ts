import type { Finding, Suppression } from '../model/finding.js';
import { globMatch } from './glob.js';

/** A suppression covers its `expires` day entirely (UTC) and stops at the following midnight. */
export function isExpired(s: Suppression, now: Date): boolean {
  const [y, m, d] = s.expires.split('-').map(Number);
  return now.getTime() >= Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + 1);
}

/**
 * The suppression for a finding: the first active one that matches, else the first expired one (kept so the
 * report can say it expired), else none.
 */
export function applySuppressions(f: Finding, suppressions: readonly Suppression[], now: Date): Finding {
  const matching = suppressions.filter((s) => s.rule === f.ruleId && globMatch(s.resource, f.resource));
  const active = matching.find((s) => !isExpired(s, now));
  const chosen = active ?? matching[0];
  if (!chosen) return { ...f, suppressed: false };
  return { ...f, suppressed: active !== undefined, suppression: { ...chosen, expired: active === undefined } };
}
