import type { Report } from '../model/finding.js';

/**
 * Marks every finding of `report` with `new`: true when no finding of the baseline has its id. Ids are stable
 * fingerprints, so a reworded message or a changed severity is still the same, not-new finding.
 */
export function applyBaseline(report: Report, baseline: Report): Report {
  const known = new Set(baseline.findings.map((f) => f.id));
  return { ...report, findings: report.findings.map((f) => ({ ...f, new: !known.has(f.id) })) };
}
