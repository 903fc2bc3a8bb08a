import { describeGrantPlaces, grantEvidence } from '../rules/describe.js';
import { retireRevisionCommands } from '../rules/remediation.js';
import { describeWorkload } from '../rules/workloads.js';
import { identityState, identityText, lower, primitiveGrants, removalCommands, revisionNote } from './analysis.js';
import type { Issue, RuleDefinition, SeverityGrade } from './types.js';

const EDITOR: SeverityGrade = { steps: 1, when: 'the role is roles/editor, not roles/owner' };

export const primitiveRoleRule: RuleDefinition = {
  id: 'primitive-role',
  title: 'Identity holds Owner or Editor',
  defaultSeverity: 'critical',
  grades: [EDITOR],
  summary:
    'The runtime identity holds roles/owner or roles/editor on the project or on a folder or organisation above it, conditional grants included.',
  appliesTo: ['service', 'job', 'revision'],
  check(w, ctx) {
    const grants = primitiveGrants(w, ctx.index);
    const roles = [...new Set(grants.map((g) => g.role))].sort();
    return roles.map((role): Issue => {
      const mine = grants.filter((g) => g.role === role);
      const severity = role === 'roles/owner' ? ctx.severity : lower(ctx.severity, EDITOR.steps);
      const commands = removalCommands(mine, ctx.index);
      if (w.kind === 'revision') commands.push(...retireRevisionCommands(w));
      return {
        discriminator: role,
        severity,
        message: `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}, which holds ${role} through ${describeGrantPlaces(mine)}${revisionNote(w)}`,
        evidence: {
          role,
          grants: mine.map(grantEvidence),
          identityState: identityState(w, ctx.index).state,
        },
        remediation: {
          summary: `Remove ${role} from ${w.identity} where it is granted and give it only the narrow roles the workload needs.`,
          commands,
        },
      };
    });
  },
};
