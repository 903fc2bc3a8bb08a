import { projectOfServiceAccountEmail } from '../model/inventory.js';
import type { Grant, InventoryIndex } from '../rules/inventory-index.js';
import { conditionEvidence } from '../rules/describe.js';
import { describeWorkload, sameEmail, type Workload } from '../rules/workloads.js';
import {
  IMPERSONATION_PERMISSIONS,
  IMPERSONATION_ROLES,
  identityState,
  identityText,
  lower,
  placeText,
  privilegeReasons,
  removalCommands,
  unknownRolesEvidence,
} from './analysis.js';
import { deployPathText, deployPaths } from './deploy-path.js';
import type { RuleDefinition, SeverityGrade } from './types.js';

const NARROW: SeverityGrade = { steps: 1, when: 'the identity is neither a default identity nor holds a primitive role or an escalation permission' };

function grantsImpersonation(role: string, index: InventoryIndex): boolean | 'unknown' {
  if ((IMPERSONATION_ROLES as readonly string[]).includes(role)) return true;
  const rp = index.permissionsOf(role);
  if (rp.status === 'unknown') return 'unknown';
  return IMPERSONATION_PERMISSIONS.some((p) => rp.permissions.has(p));
}

function isCustomRole(role: string): boolean {
  return !role.startsWith('roles/');
}

/** The identity's home project: from the account, its email, or (for a compute default) its number. */
function homeProject(w: Workload, index: InventoryIndex): string | undefined {
  const sa = index.account(w.identity);
  const home = sa?.projectId ?? projectOfServiceAccountEmail(w.identity);
  if (home) return home;
  const m = /^(\d+)-compute@developer\.gserviceaccount\.com$/i.exec(w.identity);
  return m?.[1] ? index.projectByNumber(m[1])?.projectId : undefined;
}

const SHOWN = 3;

export const identityImpersonationRule: RuleDefinition = {
  id: 'identity-impersonation',
  title: 'Others can act as the identity',
  grades: [NARROW],
  defaultSeverity: 'high',
  summary:
    "Principals other than the identity itself may act as it or mint tokens for it: through the account's own policy, or Service Account User / Token Creator (or a custom role with their permissions) on its home project, folder or organisation.",
  appliesTo: ['service', 'job', 'revision'],
  check(w, ctx) {
    const self = `serviceAccount:${w.identity}`;
    const found: Grant[] = [];
    const unknown: Grant[] = [];
    for (const g of ctx.index.grantsOnAccount(w.identity)) {
      const r = grantsImpersonation(g.role, ctx.index);
      if (r === 'unknown') unknown.push(g);
      else if (r) found.push(g);
    }
    const home = homeProject(w, ctx.index);
    if (home) {
      const covering = new Set(ctx.index.coveringNodes(home));
      for (const node of covering) {
        for (const g of ctx.index.grantsAt(node)) {
          const named = (IMPERSONATION_ROLES as readonly string[]).includes(g.role);
          if (named || (isCustomRole(g.role) && grantsImpersonation(g.role, ctx.index) === true)) found.push(g);
        }
      }
    }
    const principals = found.filter((g) => !sameEmail(g.member, self));
    const reasons = privilegeReasons(w, ctx);
    // The deploy path matters only for a privileged identity: deploying as a narrow one gains nothing.
    const deploy = reasons.length > 0 ? deployPaths(w, ctx.index) : [];
    if (principals.length === 0 && deploy.length === 0) return [];

    const severity = reasons.length > 0 ? ctx.severity : lower(ctx.severity, NARROW.steps);
    const members = [...new Set(principals.map((g) => g.member))];
    const shown = principals
      .slice(0, SHOWN)
      .map((g) => `${g.member} (${g.member.startsWith('deleted:') ? 'a deleted principal; ' : ''}${g.role} on ${placeText(g)})`);
    const more = principals.length > SHOWN ? ` and ${principals.length - SHOWN} more` : '';
    const deployers = deploy.slice(0, SHOWN).map(deployPathText);
    const deployMore = deploy.length > SHOWN ? ` and ${deploy.length - SHOWN} more` : '';
    const deployText =
      deploy.length > 0
        ? ` ${deploy.length} principal${deploy.length === 1 ? '' : 's'} can deploy code that runs as it (run.services.create or update, plus actAs): ${deployers.join(', ')}${deployMore}.${deploy.some((d) => d.group) ? ' Groups were not expanded.' : ''}`
        : '';
    const mayAct =
      principals.length > 0
        ? `which ${members.length} principal${members.length === 1 ? '' : 's'} may act as or mint tokens for: ${shown.join(', ')}${more}.`
        : '';
    const privileged = reasons.length > 0 ? ` The identity is privileged: ${reasons.join('; ')}.` : '';
    return [
      {
        discriminator: '',
        severity,
        message: `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}${mayAct ? `, ${mayAct}${deployText}` : `;${deployText}`}${privileged}`,
        evidence: {
          homeProject: home ?? null,
          principals: principals.map((g) => ({
            member: g.member,
            deleted: g.member.startsWith('deleted:'),
            role: g.role,
            place: g.place.node,
            ...(g.place.displayName ? { placeDisplayName: g.place.displayName } : {}),
            ...(g.condition ? { condition: conditionEvidence(g.condition) } : {}),
          })),
          ...(deploy.length > 0 ? { deployPaths: deploy.map(({ actAsGrant: _g, ...d }) => d) } : {}),
          privilege: reasons,
          unknownRoles: unknownRolesEvidence(unknown),
          identityState: identityState(w, ctx.index).state,
        },
        remediation: {
          summary: `Remove the grants that let others act as ${w.identity}; grant Service Account User or Token Creator on the account itself, to named deployers only, where really needed.`,
          commands: removalCommands([...principals, ...deploy.map((d) => d.actAsGrant).filter((g) => !principals.includes(g))], ctx.index),
        },
      },
    ];
  },
};
