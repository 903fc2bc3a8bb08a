import { looksLikeDefaultIdentity } from '../model/inventory.js';
import { dedicatedIdentityPlan, identityTerraform } from '../rules/remediation.js';
import { describeWorkload, sameEmail } from '../rules/workloads.js';
import { identityState, identityText } from './analysis.js';
import type { RuleDefinition } from './types.js';

export const sharedIdentityRule: RuleDefinition = {
  id: 'shared-identity',
  title: 'Identity shared by several workloads',
  defaultSeverity: 'medium',
  summary:
    'One user-managed service account runs two or more services or jobs, so each holds the union of what all of them need.',
  appliesTo: ['service', 'job'],
  check(w, ctx) {
    if (looksLikeDefaultIdentity(w.identity)) return [];
    const others = ctx.index.workloadsRunningAs(w.identity).filter(
      (o) => o.kind !== 'revision' && o.resource !== w.resource && sameEmail(o.identity, w.identity),
    );
    if (others.length === 0) return [];
    const intendedHere = ctx.policy.serviceAccount && !sameEmail(ctx.policy.serviceAccount.value, w.identity);
    const plan = dedicatedIdentityPlan(w, {
      ...(intendedHere && ctx.policy.serviceAccount ? { intended: ctx.policy.serviceAccount.value } : {}),
      ...(ctx.policy.allowedRoles ? { allowedRoles: ctx.policy.allowedRoles.value } : {}),
    });
    return [
      {
        discriminator: '',
        severity: ctx.severity,
        message: `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}, which ${others.length} other workload${others.length === 1 ? '' : 's'} also run${others.length === 1 ? 's' : ''} as: ${others.map(describeWorkload).join(', ')}`,
        evidence: {
          others: others.map((o) => o.resource),
          identityState: identityState(w, ctx.index).state,
        },
        remediation: {
          summary: `Give ${w.kind} ${w.name} its own service account (${plan.email}) with only the roles it needs.`,
          commands: plan.commands,
          terraform: identityTerraform(w, plan, ctx.policy.allowedRoles?.value),
        },
      },
    ];
  },
};
