import type { Grant } from '../rules/inventory-index.js';
import { conditionEvidence, joinAnd } from '../rules/describe.js';
import { retireRevisionCommands } from '../rules/remediation.js';
import { describeWorkload } from '../rules/workloads.js';
import {
  escalationScan,
  identityState,
  identityText,
  incompletenessNote,
  placeText,
  removalCommands,
  revisionNote,
  unknownRolesEvidence,
} from './analysis.js';
import type { RuleDefinition } from './types.js';

export const privilegeEscalationRule: RuleDefinition = {
  id: 'privilege-escalation',
  title: 'Identity can escalate its privileges',
  defaultSeverity: 'high',
  summary:
    'The runtime identity holds, through any role at any level, a permission that lets it gain more access than it was given (escalationPermissions in the rules file).',
  appliesTo: ['service', 'job', 'revision'],
  check(w, ctx) {
    const scan = escalationScan(w, ctx);
    if (scan.hits.length === 0) return [];
    const permissions = [...new Set(scan.hits.map((h) => h.permission))].sort();
    const grants: Grant[] = [];
    for (const h of scan.hits) if (!grants.includes(h.grant)) grants.push(h.grant);
    const through = joinAnd(grants.map((g) => `${g.role} on ${placeText(g)}`));
    const commands = removalCommands(grants, ctx.index);
    if (w.kind === 'revision') commands.push(...retireRevisionCommands(w));
    return [
      {
        discriminator: '',
        severity: ctx.severity,
        message:
          `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}, which can escalate privilege with ${permissions.join(', ')} through ${through}` +
          incompletenessNote(scan.unknownRoles) +
          revisionNote(w),
        evidence: {
          permissions: scan.hits.map((h) => ({
            permission: h.permission,
            role: h.grant.role,
            place: h.grant.place.node,
            ...(h.grant.place.displayName ? { placeDisplayName: h.grant.place.displayName } : {}),
            ...(h.grant.condition ? { condition: conditionEvidence(h.grant.condition) } : {}),
          })),
          unknownRoles: unknownRolesEvidence(scan.unknownRoles),
          complete: scan.unknownRoles.length === 0,
          identityState: identityState(w, ctx.index).state,
        },
        remediation: {
          summary: `Remove the grants that give ${w.identity} ${permissions.length === 1 ? 'this permission' : 'these permissions'}; if the workload needs part of a role, grant a narrower predefined or custom role without them.`,
          commands,
        },
      },
    ];
  },
};
