import type { Finding, Severity } from '../model/finding.js';
import { severityRank } from '../model/finding.js';

/**
 * The exit-code contract, documented in the README and `--help`:
 * 0 complete and nothing at or above --fail-on; 1 findings at or above --fail-on;
 * 2 usage / rules-file / credentials error (nothing scanned); 3 incomplete scan and nothing gated;
 * 130 / 143 stopped by SIGINT / SIGTERM (128 + the signal number, what shells and job runners expect).
 */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, INCOMPLETE: 3, SIGINT: 130, SIGTERM: 143 } as const;

export const FAIL_ON = ['critical', 'high', 'medium', 'low', 'info', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  the scan is complete and no finding is at or above --fail-on',
  '  1  findings at or above --fail-on (suppressed findings never count; with --baseline only new ones)',
  '  2  usage, rules-file, snapshot or credentials error (nothing scanned, no report written)',
  '  3  the scan is incomplete (a project or API could not be read) and nothing gated;',
  '     --allow-incomplete turns 3 into 0',
  '  130, 143  stopped by SIGINT (Ctrl-C) or SIGTERM (e.g. a Cloud Run job timeout) before the run ended',
].join('\n');

/** Findings that make the run fail under `failOn`. */
export function gatingFindings(findings: readonly Finding[], failOn: FailOn): Finding[] {
  if (failOn === 'none') return [];
  const threshold = severityRank(failOn as Severity);
  return findings.filter((f) => !f.suppressed && f.new !== false && severityRank(f.severity) >= threshold);
}

export function exitCodeFor(opts: {
  findings: readonly Finding[];
  errorCount: number;
  failOn: FailOn;
  allowIncomplete: boolean;
}): number {
  if (gatingFindings(opts.findings, opts.failOn).length > 0) return EXIT.FINDINGS;
  if (opts.errorCount > 0 && !opts.allowIncomplete) return EXIT.INCOMPLETE;
  return EXIT.OK;
}
