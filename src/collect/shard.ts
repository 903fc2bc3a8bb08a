import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import type { ShardInfo } from '../model/inventory.js';

/**
 * Splitting an organisation's projects across machines. A project's shard depends only on its ID (a hash, not its
 * place in a list), so every task of a Cloud Run Job agrees on the split without talking to the others, and a
 * project created between two tasks' listings cannot land in two shards or none.
 */

/** 0-based shard of a project ID among `count` shards. */
export function shardOfProject(projectId: string, count: number): number {
  const digest = createHash('sha256').update(projectId, 'utf8').digest();
  return digest.readUInt32BE(0) % count;
}

export function inShard(projectId: string, shard: ShardInfo | undefined): boolean {
  return shard === undefined || shardOfProject(projectId, shard.count) === shard.index;
}

const MAX_SHARDS = 10_000;

function wholeNumber(raw: string): number | undefined {
  return /^\d{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
}

function checked(index: number | undefined, count: number | undefined, what: string): ShardInfo | undefined {
  if (index === undefined || count === undefined || count < 1 || count > MAX_SHARDS || index >= count) {
    throw new UserError(
      'USAGE',
      `${what} must be INDEX/COUNT with 0 <= INDEX < COUNT <= ${MAX_SHARDS} (shards are numbered from 0, like CLOUD_RUN_TASK_INDEX)`,
    );
  }
  return count === 1 ? undefined : { index, count };
}

/**
 * The shard from `--shard i/n`, or else from Cloud Run Jobs' CLOUD_RUN_TASK_INDEX and CLOUD_RUN_TASK_COUNT.
 * One shard of one (a single task) is no sharding.
 */
export function shardFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): ShardInfo | undefined {
  if (flag !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(String(flag));
    return checked(m ? wholeNumber(m[1] ?? '') : undefined, m ? wholeNumber(m[2] ?? '') : undefined, `--shard ${JSON.stringify(flag)}`);
  }
  const rawIndex = env['CLOUD_RUN_TASK_INDEX'];
  const rawCount = env['CLOUD_RUN_TASK_COUNT'];
  if ((rawIndex === undefined || rawIndex === '') && (rawCount === undefined || rawCount === '')) return undefined;
  return checked(
    wholeNumber(rawIndex ?? ''),
    wholeNumber(rawCount ?? ''),
    `CLOUD_RUN_TASK_INDEX/CLOUD_RUN_TASK_COUNT (${JSON.stringify(rawIndex ?? '')}/${JSON.stringify(rawCount ?? '')})`,
  );
}
