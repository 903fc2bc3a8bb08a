import { describeGrantPlaces, grantEvidence } from '../rules/describe.js';
import { globMatch } from '../rules/glob.js';
import { retireRevisionCommands } from '../rules/remediation.js';
import { describeWorkload } from '../rules/workloads.js';
import { identityState, identityText, removalCommands, revisionNote, unknownRolesEvidence } from './analysis.js';
import type { Issue, RuleDefinition } from './types.js';

export const roleDeniedRule: RuleDefinition = {
  id: 'role-denied',
  title: 'Identity holds a denied role or permission',
  defaultSeverity: 'high',
  summary:
    "The runtime identity holds a role in the matching policy's deniedRoles, or a role granting a permission in its deniedPermissions.",
  appliesTo: ['service', 'job', 'revision'],
  check(w, ctx) {
    const deniedRoles = ctx.policy.deniedRoles;
    const deniedPerms = ctx.policy.deniedPermissions;
    if (!deniedRoles && !deniedPerms) return [];
    const grants = ctx.index.grantsOfAccount(w.identity);
    const roles = [...new Set(grants.map((g) => g.role))].sort();
    const unknown = deniedPerms ? grants.filter((g) => ctx.index.permissionsOf(g.role).status === 'unknown') : [];
    const out: Issue[] = [];
    for (const role of roles) {
      const byName = deniedRoles?.value.includes(role) ?? false;
      const perms = deniedPerms
        ? [...ctx.index.permissionsOf(role).permissions].filter((p) => deniedPerms.value.some((g) => globMatch(g, p))).sort()
        : [];
      if (!byName && perms.length === 0) continue;
      const mine = grants.filter((g) => g.role === role);
      const why: string[] = [];
      if (byName) why.push(`policy "${deniedRoles?.policy}" denies the role`);
      if (perms.length > 0) why.push(`policy "${deniedPerms?.policy}" denies ${perms.join(', ')}`);
      const commands = removalCommands(mine, ctx.index);
      if (w.kind === 'revision') commands.push(...retireRevisionCommands(w));
      out.push({
        discriminator: role,
        severity: ctx.severity,
        message: `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}, which holds ${role} through ${describeGrantPlaces(mine)}; ${why.join(' and ')}${revisionNote(w)}`,
        evidence: {
          role,
          deniedRole: byName,
          deniedPermissions: perms,
          grants: mine.map(grantEvidence),
          ...(unknown.length > 0 ? { unknownRoles: unknownRolesEvidence(unknown) } : {}),
          identityState: identityState(w, ctx.index).state,
        },
        remediation: {
          summary: `Remove ${role} from ${w.identity}${perms.length > 0 ? ' and grant a role without the denied permissions if the workload needs the rest' : ''}.`,
          commands,
        },
      });
    }
    return out;
  },
};
