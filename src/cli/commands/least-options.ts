import type { CollectOptions } from '../../collect/collect.js';
import { predefinedRolesForAudit } from '../../least/refresh.js';
import { log } from '../log.js';
import { capFrom } from './least.js';

export interface UsageArgs {
  'usage-insights'?: boolean;
  'usage-insights-cap'?: number;
  quiet?: boolean;
}

/** --usage-insights, and the role cache (when `roles sync` made one for this endpoint) in place of roles.get. */
export async function applyLeastOptions(options: CollectOptions, args: UsageArgs): Promise<void> {
  if (args['usage-insights']) options.usageInsights = { cap: capFrom(args['usage-insights-cap']) };
  const warn = (line: string): void => {
    // Through the log, so that under --log-format json this is a JSON line like every other.
    if (!args.quiet) log('WARNING', `cloudrun-auditor: ${line}`);
  };
  const roles = await predefinedRolesForAudit(options, new Date(), warn);
  if (roles) options.predefinedRoles = roles;
}
