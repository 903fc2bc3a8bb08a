import type { RequestContext } from './context.js';
import { invalidArgument } from './google-errors.js';
import { hexOf, policyEtag } from './ids.js';
import type { ScenarioBinding, ScenarioPolicy } from './scenario.js';

/** The JSON IAM returns for a policy, in IAM's own shape. */
export interface PolicyJson {
  version?: number;
  etag: string;
  bindings?: { role: string; members: string[]; condition?: { title: string; expression: string; description?: string } }[];
}

/** The requested policy version: from the body (`{options:{requestedPolicyVersion}}`) or the query. */
export function requestedVersion(ctx: RequestContext): number {
  let raw: unknown = ctx.query.get('options.requestedPolicyVersion') ?? undefined;
  const b = ctx.body;
  if (raw === undefined && b && typeof b === 'object' && 'options' in b) {
    const o = (b as { options?: unknown }).options;
    if (o && typeof o === 'object' && 'requestedPolicyVersion' in o) raw = (o as { requestedPolicyVersion?: unknown }).requestedPolicyVersion;
  }
  if (raw === undefined || raw === null || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 3) {
    throw invalidArgument(`Invalid requested_policy_version: ${String(raw)}`, 'options.requested_policy_version', 'must be 0, 1 or 3');
  }
  return n;
}

function sortBindings(bindings: ScenarioBinding[]): ScenarioBinding[] {
  return [...bindings]
    .filter((b) => b.members.length > 0)
    .map((b) => ({ ...b, members: [...b.members].sort() }))
    .sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : Number(!!a.condition) - Number(!!b.condition)));
}

/**
 * Renders a policy as IAM does: an empty policy is exactly `{"etag":"ACAB"}`; conditional bindings are only
 * shown to callers asking for version 3, and older callers see them with the role suffixed `_withcond_<hex>`
 * and no condition, in a version 1 policy.
 */
export function renderPolicy(policy: ScenarioPolicy | undefined, requested: number, resource: string): PolicyJson {
  const bindings = sortBindings(policy?.bindings ?? []);
  if (bindings.length === 0) return { etag: 'ACAB' };
  const hasConditions = bindings.some((b) => b.condition);
  const v3 = hasConditions && requested >= 3;
  const out = bindings.map((b) => {
    if (!b.condition) return { role: b.role, members: b.members };
    if (v3) {
      const c = b.condition;
      return {
        role: b.role,
        members: b.members,
        condition: c.description !== undefined ? { title: c.title, expression: c.expression, description: c.description } : { title: c.title, expression: c.expression },
      };
    }
    const c = b.condition;
    return { role: `${b.role}_withcond_${hexOf(20, 'withcond', c.title, c.expression, c.description ?? '')}`, members: b.members };
  });
  return { version: v3 ? 3 : 1, etag: policyEtag(resource + JSON.stringify(bindings)), bindings: out };
}
