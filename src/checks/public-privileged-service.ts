import type { Grant } from '../rules/inventory-index.js';
import { shellQuote, flag } from '../rules/shell.js';
import { dedicatedIdentityPlan, identityTerraform, removePublicInvokerCommand, retireRevisionCommands } from '../rules/remediation.js';
import { describeWorkload } from '../rules/workloads.js';
import { identityState, identityText, lower, placeText, privilegeReasons, removalCommands } from './analysis.js';
import type { RuleDefinition, SeverityGrade } from './types.js';

const INTERNAL: SeverityGrade = { steps: 1, when: 'the service accepts internal traffic only' };

const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'];
const INVOKE = 'run.routes.invoke';

export const publicPrivilegedServiceRule: RuleDefinition = {
  id: 'public-privileged-service',
  title: 'Public service runs as a privileged identity',
  grades: [INTERNAL],
  defaultSeverity: 'critical',
  summary:
    'Anyone on the internet (allUsers) or any Google account (allAuthenticatedUsers) may invoke the service, and it runs as a default identity, or one holding Owner/Editor or an escalation permission.',
  appliesTo: ['service', 'revision'],
  check(w, ctx) {
    const service = w.service;
    if (!service || !w.serving) return [];
    const covering = new Set([service.name, ...ctx.index.coveringNodes(w.project.projectId)]);
    const publicGrants: Grant[] = [];
    for (const m of PUBLIC_MEMBERS) {
      for (const g of ctx.index.grantsOfMember(m)) {
        if (!covering.has(g.place.node)) continue;
        if (g.role === 'roles/run.invoker' || ctx.index.permissionsOf(g.role).permissions.has(INVOKE)) publicGrants.push(g);
      }
    }
    if (publicGrants.length === 0 && !service.invokerIamDisabled) return [];
    const reasons = privilegeReasons(w, ctx);
    if (reasons.length === 0) return [];

    const internal = service.ingress === 'INGRESS_TRAFFIC_INTERNAL_ONLY';
    const severity = internal ? lower(ctx.severity, INTERNAL.steps) : ctx.severity;
    const who = [
      ...new Set(publicGrants.map((g) => `${g.member} (${g.role} on ${placeText(g)})`)),
      ...(service.invokerIamDisabled ? ['anyone (the invoker IAM check is disabled)'] : []),
    ];
    const message = `${describeWorkload(w)} runs as ${identityText(w, ctx.index)} (${reasons.join('; ')}) and may be invoked by ${who.join(', ')}; ingress ${service.ingress}`;

    const commands: string[] = [];
    for (const g of publicGrants) {
      commands.push(g.place.node === service.name ? removePublicInvokerCommand(w, g.member, g.role) : removalCommands([g], ctx.index)[0] ?? '');
    }
    if (service.invokerIamDisabled) {
      commands.push(
        ['gcloud run services update', shellQuote(service.serviceId), '--invoker-iam-check', flag('region', w.region), flag('project', w.project.projectId)].join(' '),
      );
    }
    let terraform: string | undefined;
    if (w.kind === 'revision') {
      commands.push(...retireRevisionCommands(w));
    } else {
      const plan = dedicatedIdentityPlan(w, {
        ...(ctx.policy.serviceAccount ? { intended: ctx.policy.serviceAccount.value } : {}),
        ...(ctx.policy.allowedRoles ? { allowedRoles: ctx.policy.allowedRoles.value } : {}),
      });
      commands.push(...plan.commands);
      terraform = identityTerraform(w, plan, ctx.policy.allowedRoles?.value);
    }
    return [
      {
        discriminator: '',
        severity,
        message,
        evidence: {
          ingress: service.ingress,
          invokerIamDisabled: service.invokerIamDisabled,
          publicMembers: publicGrants.map((g) => ({ member: g.member, role: g.role, place: g.place.node })),
          privilege: reasons,
          identityState: identityState(w, ctx.index).state,
        },
        remediation: {
          summary: `Make ${service.serviceId} private (or put it behind an authenticating proxy) and run it as an identity with only the roles it needs.`,
          commands: commands.filter((c) => c !== ''),
          ...(terraform ? { terraform } : {}),
        },
      },
    ];
  },
};
