import { CACHE_MAX_AGE_MS, cacheAgeMs, cacheKey, cachePath, describeAge, readRoleCache } from '../../least/role-cache.js';
import { syncRoleCache } from '../../least/refresh.js';
import { endpointFrom } from '../scope.js';
import { concurrencyFrom, type ConnectionArgs } from './shared.js';

interface RolesArgs extends ConnectionArgs {
  action: 'sync' | 'status';
}

export async function rolesCommand(raw: unknown): Promise<void> {
  const args = raw as RolesArgs;
  const endpoint = endpointFrom(args.endpoint ?? process.env['CLOUDRUN_AUDITOR_ENDPOINT']);
  const now = new Date();
  const before = readRoleCache(endpoint);
  if (args.action === 'status') {
    if (!before) {
      process.stdout.write(`no role cache for ${cacheKey(endpoint)} (${cachePath(endpoint)}): run \`cloudrun-auditor roles sync\`\n`);
      return;
    }
    const age = cacheAgeMs(before, now);
    process.stdout.write(
      `${before.roles.length} predefined roles from ${before.endpoint}, synced ${before.fetchedAt} (${describeAge(age)} ago${age > CACHE_MAX_AGE_MS ? '; older than a week, so the next audit refreshes it' : ''})\n${cachePath(endpoint)}\n`,
    );
    return;
  }
  const impersonate = args['impersonate-service-account'];
  const { path, roles } = await syncRoleCache(
    {
      concurrency: concurrencyFrom(args.concurrency),
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(impersonate !== undefined ? { impersonateServiceAccount: impersonate } : {}),
    },
    now,
  );
  const previous = before ? ` (replacing a copy ${describeAge(cacheAgeMs(before, now))} old)` : '';
  process.stdout.write(`synced ${roles.length} predefined roles from ${cacheKey(endpoint)} into ${path}${previous}\n`);
}
