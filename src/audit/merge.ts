import { UserError } from '../errors.js';
import { byName, compareErrors, compareText } from '../collect/sort.js';
import type { CollectionError, Inventory, Policy, Scope } from '../model/inventory.js';

/**
 * Joins the snapshots of `collect --shard i/n` into the inventory one unsharded collection gives.
 *
 * Shards are joined as inventories, not as reports, because several rules look across projects: shared-identity
 * counts every workload running as an identity, and an identity's roles, keys and impersonators may sit in a
 * project of another shard. Auditing the joined inventory gives exactly the findings of one unsharded run.
 *
 * Every shard reads the folders, organisation, identities and roles its own projects depend on, so those appear
 * in several shards and are kept once; projects belong to exactly one shard.
 */
export interface ShardInput {
  /** Where it came from, for messages. */
  file: string;
  inventory: Inventory;
}

function sameScope(a: Scope, b: Scope): boolean {
  return a.kind === b.kind && a.ids.join('\u0000') === b.ids.join('\u0000') && a.regions.join('\u0000') === b.regions.join('\u0000');
}

function scopeText(s: Scope): string {
  const what = s.kind === 'projects' ? `projects ${s.ids.join(',')}` : `${s.kind} ${s.ids.join(',')}`;
  return s.regions.length > 0 ? `${what} (regions ${s.regions.join(',')})` : what;
}

/** The reading that failed least: a shard whose read of a shared resource failed must not hide another's success. */
function unreadCount(policy: Policy | null, ...more: unknown[]): number {
  return (policy === null ? 1 : 0) + more.filter((m) => m === null || m === undefined).length;
}

function unionBy<T>(lists: T[][], key: (t: T) => string, missing: (t: T) => number): T[] {
  const out = new Map<string, T>();
  for (const list of lists) {
    for (const item of list) {
      const k = key(item);
      const prev = out.get(k);
      if (prev === undefined || missing(item) < missing(prev)) out.set(k, item);
    }
  }
  return [...out.values()];
}

/** Errors about a resource shared by shards appear once per shard; elapsed times in their messages may differ. */
function errorKey(e: CollectionError): string {
  return JSON.stringify([e.project ?? '', e.resource ?? '', e.api, e.method ?? '', String(e.status), e.reason ?? '']);
}

export function mergeShards(inputs: readonly ShardInput[]): Inventory {
  const first = inputs[0];
  if (first === undefined) throw new UserError('USAGE', 'merge needs the snapshot of every shard');
  const count = first.inventory.shard?.count;
  for (const { file, inventory } of inputs) {
    if (inventory.shard === undefined) {
      throw new UserError('INPUT', `${file} is not a shard: it was collected without --shard (audit it with \`audit --snapshot ${file}\`)`);
    }
    if (inventory.shard.count !== count) {
      throw new UserError('INPUT', `${file} is shard ${inventory.shard.index}/${inventory.shard.count}, but ${first.file} is one of ${count ?? '?'} shards`);
    }
    if (!sameScope(inventory.scope, first.inventory.scope)) {
      throw new UserError('INPUT', `${file} scanned ${scopeText(inventory.scope)}, but ${first.file} scanned ${scopeText(first.inventory.scope)}`);
    }
    if (inventory.toolVersion !== first.inventory.toolVersion) {
      throw new UserError('INPUT', `${file} was collected by version ${inventory.toolVersion}, ${first.file} by ${first.inventory.toolVersion}: collect every shard with one version`);
    }
  }
  const byIndex = new Map<number, string>();
  for (const { file, inventory } of inputs) {
    const index = inventory.shard?.index ?? -1;
    const other = byIndex.get(index);
    if (other !== undefined) throw new UserError('INPUT', `${file} and ${other} are both shard ${index}/${count ?? '?'}`);
    byIndex.set(index, file);
  }
  const total = count ?? 0;
  const missing = Array.from({ length: total }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new UserError('INPUT', `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: merge needs all ${total}, or the report would silently leave projects out`);
  }

  // Shard order, so that the choice between equally good readings does not depend on the order of the arguments.
  const shards = [...inputs].sort((a, b) => (a.inventory.shard?.index ?? 0) - (b.inventory.shard?.index ?? 0)).map((s) => s.inventory);
  const owner = new Map<string, number>();
  for (const inv of shards) {
    for (const p of inv.projects) {
      const prev = owner.get(p.projectId);
      if (prev !== undefined) {
        throw new UserError('INPUT', `project ${p.projectId} is in shard ${prev} and shard ${inv.shard?.index ?? '?'}: were the shards collected with different --shard counts?`);
      }
      owner.set(p.projectId, inv.shard?.index ?? 0);
    }
  }

  const errors = new Map<string, CollectionError>();
  for (const inv of shards) for (const e of inv.errors) if (!errors.has(errorKey(e))) errors.set(errorKey(e), e);
  const collectedAt = shards.map((s) => s.collectedAt).sort(compareText).pop() ?? first.inventory.collectedAt;

  return {
    schemaVersion: first.inventory.schemaVersion,
    toolVersion: first.inventory.toolVersion,
    collectedAt,
    scope: { kind: first.inventory.scope.kind, ids: [...first.inventory.scope.ids], regions: [...first.inventory.scope.regions] },
    organizations: unionBy(shards.map((s) => s.organizations), (o) => o.name, (o) => unreadCount(o.iamPolicy)).sort(byName),
    folders: unionBy(shards.map((s) => s.folders), (f) => f.name, (f) => unreadCount(f.iamPolicy, f.displayName)).sort(byName),
    projects: shards.flatMap((s) => s.projects).sort((a, b) => compareText(a.projectId, b.projectId)),
    serviceAccounts: unionBy(
      shards.map((s) => s.serviceAccounts),
      (a) => a.email,
      (a) => unreadCount(a.iamPolicy, a.keys) + (a.state === 'unknown' ? 1 : 0),
    ).sort((a, b) => compareText(a.email, b.email)),
    roles: unionBy(shards.map((s) => s.roles), (r) => r.name, () => 0).sort(byName),
    errors: [...errors.values()].sort(compareErrors),
  };
}
