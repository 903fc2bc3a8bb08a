import { UserError } from '../errors.js';
import { callsFor, featureImplemented, permissionsFor, type CallId, type PermissionOptions } from '../google/permissions.js';
import { smallestRoleCover } from './roles.js';

/** What `cloudrun-auditor permissions` prints: the permissions, why each is needed, and two ways to grant them. */
export interface PermissionPlan {
  options: { usageInsights: boolean; assetInventory: boolean };
  permissions: { permission: string; calls: CallId[]; why: string[]; discoveryOnly: boolean }[];
  predefinedRoles: string[];
  /** Permissions no known predefined role holds. */
  uncovered: string[];
  customRole: { roleId: string; title: string; description: string; stage: 'GA'; permissions: string[] };
}

export const CUSTOM_ROLE_ID = 'cloudrunAuditor';

export function checkOptions(opts: PermissionOptions): void {
  if (opts.usageInsights && !featureImplemented('usage-insights')) {
    throw new UserError('USAGE', '--usage-insights: this build of cloudrun-auditor makes no Recommender calls yet, so it needs no permission for them');
  }
  if (opts.assetInventory && !featureImplemented('asset-inventory')) {
    throw new UserError('USAGE', '--source asset-inventory: this build of cloudrun-auditor makes no Cloud Asset Inventory calls yet');
  }
}

export function permissionPlan(opts: PermissionOptions): PermissionPlan {
  checkOptions(opts);
  const calls = callsFor(opts);
  const permissions = permissionsFor(opts).map((permission) => {
    const mine = calls.filter((c) => c.spec.permission === permission);
    return {
      permission,
      calls: mine.map((c) => c.id),
      why: [...new Set(mine.map((c) => c.spec.why))],
      discoveryOnly: mine.every((c) => c.spec.discovery === true),
    };
  });
  const names = permissions.map((p) => p.permission);
  const cover = smallestRoleCover(names);
  return {
    options: { usageInsights: opts.usageInsights === true, assetInventory: opts.assetInventory === true },
    permissions,
    predefinedRoles: cover.roles,
    uncovered: cover.uncovered,
    customRole: {
      roleId: CUSTOM_ROLE_ID,
      title: 'cloudrun-auditor scanner',
      description: 'Read-only access cloudrun-auditor needs to audit Cloud Run identities',
      stage: 'GA',
      permissions: names,
    },
  };
}
