import { diffReports, renderDiff } from '../../report/index.js';
import { writeChunks } from '../output.js';
import { readReport } from './emit.js';

export async function diffCommand(raw: unknown): Promise<void> {
  const args = raw as { old: string; new: string; format?: 'text' | 'markdown' | 'json'; output?: string; evidence?: boolean };
  const before = readReport(args.old, 'diff');
  const after = readReport(args.new, 'diff');
  await writeChunks([renderDiff(diffReports(before, after, { evidence: args.evidence === true }), args.format ?? 'text')], args.output);
}
