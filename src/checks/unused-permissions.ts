import type { RoleDefinition } from '../model/inventory.js';
import { usedPermissions } from '../model/usage.js';
import { describePlace } from '../rules/describe.js';
import { describeWorkload } from '../rules/workloads.js';
import { bundledPredefinedRoles } from '../least/role-cache.js';
import { planLeastPrivilege } from '../least/recommend.js';
import { identityState, identityText, lower, PRIMITIVE_ROLES } from './analysis.js';
import type { Issue, RuleDefinition, SeverityGrade } from './types.js';

const NOT_PRIMITIVE: SeverityGrade = { steps: 1, when: 'the little-used role is not roles/owner or roles/editor' };

let bundled: RoleDefinition[] | undefined;

/**
 * Replacements are chosen from the bundled predefined roles plus those the inventory carries, never from the
 * user's cache: the same inventory must give the same findings on every machine (`recommend` may use the cache).
 */
function catalog(inventoryRoles: readonly RoleDefinition[]): RoleDefinition[] {
  bundled ??= bundledPredefinedRoles();
  const names = new Set(bundled.map((r) => r.name));
  return [...bundled, ...inventoryRoles.filter((r) => r.source === 'predefined' && !names.has(r.name))];
}

const count = (n: number): string => n.toLocaleString('en-US');

export const unusedPermissionsRule: RuleDefinition = {
  id: 'unused-permissions',
  title: 'Identity holds permissions it does not use',
  grades: [NOT_PRIMITIVE],
  defaultSeverity: 'medium',
  summary:
    'With --usage-insights: the Recommender saw the runtime identity use only some of the permissions of a role it holds (90 days of IAM policy insights); the finding carries the smallest replacement and the commands that apply it.',
  appliesTo: ['service', 'job', 'revision'],
  check(w, ctx) {
    if (!ctx.index.inventory.usage) return [];
    const plan = planLeastPrivilege(w, ctx.index, catalog(ctx.index.inventory.roles));
    const runAdvice = ctx.index.inventory.usage.runRecommendations.filter((r) => r.service === w.service?.name).map((r) => r.description);
    return plan.evidence.map((u): Issue => {
      const used = usedPermissions(u);
      const place = ctx.index.place(u.place);
      const where = place ? describePlace(place) : u.place;
      const primitive = (PRIMITIVE_ROLES as readonly string[]).includes(u.role);
      const replacement = plan.used.length === 0
        ? 'nothing: it used none of them'
        : plan.customRole
        ? `a custom role with the ${plan.customRole.permissions.length} permission${plan.customRole.permissions.length === 1 ? '' : 's'} it needs`
        : plan.add.length > 0
          ? plan.add.map((a) => a.role).join(', ')
          : 'nothing: its other roles grant all it used';
      const google = u.recommendation
        ? ` The IAM Recommender proposes ${u.recommendation.subtype}${u.recommendation.addedRoles.length > 0 ? ` (${u.recommendation.addedRoles.join(', ')})` : ''}.`
        : '';
      return {
        discriminator: `${u.role}@${u.place}`,
        severity: primitive ? ctx.severity : lower(ctx.severity, NOT_PRIMITIVE.steps),
        message: `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}, which used ${count(used.length)} of ${count(u.totalPermissions)} permissions of ${u.role} (granted on ${where}${u.condition ? `, conditional: ${u.condition.title}` : ''}) in ${u.observationDays} days; replace it with ${replacement}.${google}`,
        evidence: {
          role: u.role,
          place: u.place,
          ...(u.condition ? { condition: u.condition } : {}),
          exercisedPermissions: u.exercised,
          inferredPermissions: u.inferred,
          usedCount: used.length,
          totalPermissions: u.totalPermissions,
          observationDays: u.observationDays,
          ...(u.recommendation ? { googleRecommendation: u.recommendation } : {}),
          recommendedRoles: plan.add.map((a) => a.role),
          ...(plan.customRole ? { customRole: plan.customRole } : {}),
          alreadyGranted: plan.alreadyGranted,
          ...(runAdvice.length > 0 ? { cloudRunRecommendations: runAdvice } : {}),
          identityState: identityState(w, ctx.index).state,
        },
        remediation: {
          summary: `Grant ${w.identity} only what it used (${replacement}) on project ${w.project.projectId}, then remove ${plan.remove.map((r) => r.role).join(', ')}; \`cloudrun-auditor recommend ${w.resource}\` shows the permission delta.`,
          commands: plan.commands,
          ...(plan.terraform !== '' ? { terraform: plan.terraform } : {}),
        },
      };
    });
  },
};
