/** The registry of built-in rules: one entry per rule, sorted by id, each with a page at rules/<id>.md. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { RULES_DIR } from '../paths.js';
import { crossProjectIdentityRule } from './cross-project-identity.js';
import { defaultIdentityRule } from './default-identity.js';
import { identityImpersonationRule } from './identity-impersonation.js';
import { primitiveRoleRule } from './primitive-role.js';
import { privilegeEscalationRule } from './privilege-escalation.js';
import { publicPrivilegedServiceRule } from './public-privileged-service.js';
import { roleDeniedRule } from './role-denied.js';
import { roleNotAllowedRule } from './role-not-allowed.js';
import { RULE_IDS } from './rule-ids.js';
import { sharedIdentityRule } from './shared-identity.js';
import type { RuleDefinition } from './types.js';
import { unexpectedIdentityRule } from './unexpected-identity.js';
import { unusedPermissionsRule } from './unused-permissions.js';
import { userManagedKeyRule } from './user-managed-key.js';

export type { RuleDefinition, Check, CheckContext, Issue, EffectivePolicy } from './types.js';
export { RULE_IDS, isRuleId, type RuleId } from './rule-ids.js';

export const RULES: readonly RuleDefinition[] = [
  crossProjectIdentityRule,
  defaultIdentityRule,
  identityImpersonationRule,
  primitiveRoleRule,
  privilegeEscalationRule,
  publicPrivilegedServiceRule,
  roleDeniedRule,
  roleNotAllowedRule,
  sharedIdentityRule,
  unexpectedIdentityRule,
  unusedPermissionsRule,
  userManagedKeyRule,
];

export function findRule(id: string): RuleDefinition | undefined {
  return RULES.find((r) => r.id === id);
}

/** The rule's documentation page (Markdown). */
export function ruleDoc(id: string): string {
  if (!findRule(id)) throw new UserError('USAGE', `unknown rule "${id}"; known rules: ${RULE_IDS.join(', ')}`);
  return readFileSync(join(RULES_DIR, `${id}.md`), 'utf8');
}
