import { collectInventory } from '../../collect/collect.js';
import { snapshotChunks } from '../../model/snapshot.js';
import { checkOutputFile, writeChunks } from '../output.js';
import { EXIT } from '../exit-codes.js';
import { isJsonLog, log, recordSummary } from '../log.js';
import { scopeFromFlags, type ScopeFlags } from '../scope.js';
import { collectOptionsFrom, type ConnectionArgs } from './shared.js';
import { applyLeastOptions, type UsageArgs } from './least-options.js';
import { shardFrom } from '../../collect/shard.js';

interface CollectArgs extends ScopeFlags, ConnectionArgs, UsageArgs {
  output: string;
  'allow-incomplete'?: boolean;
  shard?: string;
}

export async function collectCommand(raw: unknown): Promise<void> {
  const args = raw as CollectArgs;
  const scope = scopeFromFlags(args, { required: true })!;
  // Before any request: a snapshot that cannot be written should not cost the whole scan.
  checkOutputFile(args.output);
  const { options, finish } = collectOptionsFrom(args, scope);
  const shard = shardFrom(args.shard);
  if (shard !== undefined) options.shard = shard;
  await applyLeastOptions(options, args);
  let inventory;
  try {
    inventory = await collectInventory(options);
  } finally {
    finish();
  }
  // The previous snapshot at this path stays whole until the new one is complete on disk.
  await writeChunks(snapshotChunks(inventory), args.output);
  const services = inventory.projects.reduce((n, p) => n + p.services.length, 0);
  const jobs = inventory.projects.reduce((n, p) => n + p.jobs.length, 0);
  const line =
    `wrote ${args.output}: ${shard !== undefined ? `shard ${shard.index}/${shard.count}, ` : ''}${inventory.projects.length} projects, ${services} services, ${jobs} jobs` +
    (inventory.errors.length > 0 ? `; ${inventory.errors.length} could not be read (see "errors")` : '');
  recordSummary({ message: line, fields: { summary: { projects: inventory.projects.length, services, jobs, errors: inventory.errors.length } } });
  if (!args.quiet && !isJsonLog()) log('INFO', line);
  process.exitCode = inventory.errors.length > 0 && !args['allow-incomplete'] ? EXIT.INCOMPLETE : EXIT.OK;
}
