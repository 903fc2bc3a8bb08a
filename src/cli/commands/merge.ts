import { readFileSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { mergeShards, type ShardInput } from '../../audit/merge.js';
import { auditInventory } from '../../audit/pipeline.js';
import { readSnapshot } from '../../model/snapshot.js';
import { validateReport } from '../../report/index.js';
import { defaultRules, loadRulesFile } from '../../rules/load.js';
import { printRulesWarnings } from './rules.js';
import { checkReportArgs, emitReport, readReport, type ReportArgs } from './emit.js';

interface MergeArgs extends ReportArgs {
  snapshots: string[];
}

/** A report cannot be joined exactly (rules look across shards); say so instead of "not a snapshot". */
function readShard(file: string): ShardInput {
  try {
    return { file, inventory: readSnapshot(file) };
  } catch (e) {
    let isReport = false;
    try {
      isReport = validateReport(JSON.parse(readFileSync(file, 'utf8'))).valid;
    } catch {
      isReport = false;
    }
    if (isReport) {
      throw new UserError(
        'INPUT',
        `${file} is a report, not a shard snapshot: write each shard with \`collect --shard I/N --output FILE\`, because rules such as shared-identity look across shards and need their inventories, not their findings`,
      );
    }
    throw e;
  }
}

export async function mergeCommand(raw: unknown): Promise<void> {
  const args = raw as MergeArgs;
  const startedAt = new Date().toISOString();
  checkReportArgs(args);
  const baseline = args.baseline !== undefined ? readReport(args.baseline, '--baseline') : undefined;
  const rules = args.rules !== undefined ? loadRulesFile(args.rules) : defaultRules();
  printRulesWarnings(rules);
  const inventory = mergeShards(args.snapshots.map(readShard));
  const report = auditInventory(inventory, rules, { startedAt, now: new Date() });
  await emitReport(report, args, { baseline });
}
