import { dedicatedIdentityPlan, enforceNoDefaultGrantsCommand, identityTerraform, retireRevisionCommands } from '../rules/remediation.js';
import { describeWorkload } from '../rules/workloads.js';
import { defaultIdentity, identityState, identityText, lower, organizationOf, revisionNote } from './analysis.js';
import type { RuleDefinition, SeverityGrade } from './types.js';

const RETIRED: SeverityGrade = { steps: 2, when: 'the workload is a revision that serves no traffic' };

export const defaultIdentityRule: RuleDefinition = {
  id: 'default-identity',
  title: 'Runs as a default service account',
  grades: [RETIRED],
  defaultSeverity: 'high',
  summary:
    'The workload runs as the Compute Engine or App Engine default service account, which is shared by everything in the project and often holds Editor.',
  appliesTo: ['service', 'job', 'revision'],
  check(w, ctx) {
    const d = defaultIdentity(w, ctx.index);
    if (!d) return [];
    const what = d.kind === 'compute' ? 'the default compute identity' : 'the App Engine default identity';
    const whose = d.ofProject
      ? d.ofProject === w.project.projectId
        ? 'of its project'
        : `of project ${d.ofProject}`
      : `of project number ${d.projectNumber ?? '?'}`;
    const defaulted = w.revision?.serviceAccountDefaulted ?? w.service?.serviceAccountDefaulted ?? w.job?.serviceAccountDefaulted ?? false;
    const severity = w.kind === 'revision' && !w.serving ? lower(ctx.severity, RETIRED.steps) : ctx.severity;
    const message =
      `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}, ${what} ${whose}` +
      (defaulted ? ' (no service account was set, so Cloud Run used the default)' : '') +
      revisionNote(w);

    const evidence: Record<string, unknown> = {
      defaultKind: d.kind,
      ...(d.ofProject ? { defaultOfProject: d.ofProject } : {}),
      ...(d.projectNumber ? { projectNumber: d.projectNumber } : {}),
      serviceAccountDefaulted: defaulted,
      identityState: identityState(w, ctx.index).state,
    };
    // A revision read without its service has no known traffic: no number is better than a wrong 0.
    if (w.revision && w.service) {
      evidence.trafficPercent = w.revision.trafficPercent;
      evidence.tags = [...w.revision.tags].sort();
      evidence.serviceIdentity = w.service?.serviceAccount;
    }

    if (w.kind === 'revision') {
      return [
        {
          discriminator: '',
          severity,
          message,
          evidence,
          remediation: {
            summary: w.service
              ? `Stop routing to revision ${w.name} and delete it; the service's current template already uses another identity.`
              : `Stop routing to revision ${w.name} and delete it, after checking that its service's current template uses another identity (the service was not in the inputs).`,
            commands: retireRevisionCommands(w),
          },
        },
      ];
    }
    const plan = dedicatedIdentityPlan(w, {
      ...(ctx.policy.serviceAccount ? { intended: ctx.policy.serviceAccount.value } : {}),
      ...(ctx.policy.allowedRoles ? { allowedRoles: ctx.policy.allowedRoles.value } : {}),
    });
    const commands = [...plan.commands];
    const org = organizationOf(w, ctx.index);
    if (org) commands.push(enforceNoDefaultGrantsCommand(org));
    return [
      {
        discriminator: '',
        severity,
        message,
        evidence,
        remediation: {
          summary: `Run ${w.kind} ${w.name} as a dedicated service account (${plan.email}) holding only the roles it needs${org ? ', and stop Google granting Editor to new default service accounts in the organisation' : ''}.`,
          commands,
          terraform: identityTerraform(w, plan, ctx.policy.allowedRoles?.value),
        },
      },
    ];
  },
};
