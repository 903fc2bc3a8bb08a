import { identityTerraform, retireRevisionCommands, updateIdentityCommand } from '../rules/remediation.js';
import { describeWorkload, sameEmail } from '../rules/workloads.js';
import { identityState, identityText, revisionNote } from './analysis.js';
import type { RuleDefinition } from './types.js';

export const unexpectedIdentityRule: RuleDefinition = {
  id: 'unexpected-identity',
  title: 'Runs as an identity other than the one its policy names',
  defaultSeverity: 'high',
  summary: "The workload runs as a service account other than the matching policy's serviceAccount.",
  appliesTo: ['service', 'job', 'revision'],
  check(w, ctx) {
    const expected = ctx.policy.serviceAccount;
    if (!expected || sameEmail(expected.value, w.identity)) return [];
    const evidence = {
      expected: expected.value,
      actual: w.identity,
      policy: expected.policy,
      identityState: identityState(w, ctx.index).state,
    };
    const message = `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}, but policy "${expected.policy}" says it must run as ${expected.value}${revisionNote(w)}`;
    if (w.kind === 'revision') {
      return [
        {
          discriminator: expected.value.toLowerCase(),
          severity: ctx.severity,
          message,
          evidence,
          remediation: {
            summary: `Stop routing to revision ${w.name} and delete it; new revisions use the service's template identity.`,
            commands: retireRevisionCommands(w),
          },
        },
      ];
    }
    return [
      {
        discriminator: expected.value.toLowerCase(),
        severity: ctx.severity,
        message,
        evidence,
        remediation: {
          summary: `Switch ${w.kind} ${w.name} to ${expected.value}.`,
          commands: [updateIdentityCommand(w, expected.value)],
          terraform: identityTerraform(w, { email: expected.value, commands: [] }),
        },
      },
    ];
  },
};
