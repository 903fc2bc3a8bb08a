import type { Report } from '../model/finding.js';
import { summaryLine } from '../report/index.js';
import { gatingFindings, type FailOn } from './exit-codes.js';
import type { RunSummary } from './log.js';

/** The closing log line's content for an audit: the report's counts, what gated, and where the reports went. */
export function runSummary(report: Report, failOn: FailOn, written: readonly string[]): RunSummary {
  return {
    message: summaryLine(report, { failOn }),
    fields: {
      summary: { ...report.summary, failOn, gating: gatingFindings(report.findings, failOn).length },
      ...(written.length > 0 ? { reports: written } : {}),
    },
  };
}
