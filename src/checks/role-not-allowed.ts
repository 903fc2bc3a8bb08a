import { describeGrantPlaces, grantEvidence } from '../rules/describe.js';
import { retireRevisionCommands } from '../rules/remediation.js';
import { describeWorkload } from '../rules/workloads.js';
import { identityState, identityText, removalCommands, revisionNote } from './analysis.js';
import type { Issue, RuleDefinition } from './types.js';

export const roleNotAllowedRule: RuleDefinition = {
  id: 'role-not-allowed',
  title: 'Identity holds a role its policy does not allow',
  defaultSeverity: 'medium',
  summary: "The runtime identity holds a role that is not in the matching policy's allowedRoles.",
  appliesTo: ['service', 'job', 'revision'],
  check(w, ctx) {
    const allowed = ctx.policy.allowedRoles;
    if (!allowed) return [];
    const grants = ctx.index.grantsOfAccount(w.identity).filter((g) => !allowed.value.includes(g.role));
    const roles = [...new Set(grants.map((g) => g.role))].sort();
    return roles.map((role): Issue => {
      const mine = grants.filter((g) => g.role === role);
      const status = ctx.index.permissionsOf(role).status;
      const commands = removalCommands(mine, ctx.index);
      if (w.kind === 'revision') commands.push(...retireRevisionCommands(w));
      return {
        discriminator: role,
        severity: ctx.severity,
        message: `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}, which holds ${role} through ${describeGrantPlaces(mine)}; policy "${allowed.policy}" allows only ${allowed.value.length > 0 ? allowed.value.join(', ') : 'no roles'}${revisionNote(w)}`,
        evidence: {
          role,
          roleStatus: status,
          grants: mine.map(grantEvidence),
          allowedRoles: allowed.value,
          policy: allowed.policy,
          identityState: identityState(w, ctx.index).state,
        },
        remediation: {
          summary: `Remove ${role} from ${w.identity}, or add it to allowedRoles of policy "${allowed.policy}" if the workload really needs it.`,
          commands,
        },
      };
    });
  },
};
