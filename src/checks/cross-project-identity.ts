import { projectOfServiceAccountEmail } from '../model/inventory.js';
import { namesOf, sameProject } from '../model/project-relation.js';
import { dedicatedIdentityPlan, identityTerraform, retireRevisionCommands } from '../rules/remediation.js';
import { describeWorkload } from '../rules/workloads.js';
import { identityState, identityText, revisionNote } from './analysis.js';
import type { RuleDefinition } from './types.js';

export const crossProjectIdentityRule: RuleDefinition = {
  id: 'cross-project-identity',
  title: 'Identity lives in another project',
  defaultSeverity: 'medium',
  summary:
    "The runtime identity's home project differs from the workload's project, so people outside the workload's project control its keys and who may act as it.",
  appliesTo: ['service', 'job', 'revision'],
  check(w, ctx) {
    const sa = ctx.index.account(w.identity);
    let home = sa?.projectId ?? projectOfServiceAccountEmail(w.identity);
    let homeNumber: string | undefined;
    const compute = /^(\d+)-compute@developer\.gserviceaccount\.com$/i.exec(w.identity);
    if (!home && compute?.[1]) {
      homeNumber = compute[1];
      home = ctx.index.projectByNumber(homeNumber)?.projectId;
      if (home !== undefined && /^\d+$/.test(home)) home = undefined;
    }
    if (!home && !homeNumber) return [];
    // Same project, or the inventory cannot tell (offline inputs may know a project only by ID or only by number):
    // neither is a finding. The offline reader notes the undecided case.
    const directory = {
      numberOf: (id: string) => ctx.index.project(id)?.projectNumber || undefined,
      idOf: (n: string) => ctx.index.projectByNumber(n)?.projectId,
    };
    const homeNames = { ...(home ? { id: home } : {}), ...(homeNumber ? { number: homeNumber } : {}) };
    if (sameProject(namesOf(w.project), homeNames, directory) !== false) return [];
    const homeText = home ? `project ${home}` : `project number ${homeNumber ?? '?'}`;
    const intended =
      ctx.policy.serviceAccount && projectOfServiceAccountEmail(ctx.policy.serviceAccount.value) === w.project.projectId
        ? ctx.policy.serviceAccount.value
        : undefined;
    const evidence = {
      homeProject: home ?? null,
      ...(homeNumber ? { homeProjectNumber: homeNumber } : {}),
      workloadProject: w.project.projectId,
      identityState: identityState(w, ctx.index).state,
    };
    const message = `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}, whose home is ${homeText}, not ${w.project.projectId}: that project's administrators control its keys and who may act as it${revisionNote(w)}`;
    if (w.kind === 'revision') {
      return [
        {
          discriminator: home ?? homeNumber ?? '',
          severity: ctx.severity,
          message,
          evidence,
          remediation: {
            summary: `Stop routing to revision ${w.name} and delete it.`,
            commands: retireRevisionCommands(w),
          },
        },
      ];
    }
    const plan = dedicatedIdentityPlan(w, {
      ...(intended ? { intended } : {}),
      ...(ctx.policy.allowedRoles ? { allowedRoles: ctx.policy.allowedRoles.value } : {}),
    });
    return [
      {
        discriminator: home ?? homeNumber ?? '',
        severity: ctx.severity,
        message,
        evidence,
        remediation: {
          summary: `Run ${w.kind} ${w.name} as a service account that lives in ${w.project.projectId} (${plan.email}).`,
          commands: plan.commands,
          terraform: identityTerraform(w, plan, ctx.policy.allowedRoles?.value),
        },
      },
    ];
  },
};
