/** Every built-in rule id, sorted. The registry in index.ts must hold exactly these (a test checks it). */
export const RULE_IDS = [
  'cross-project-identity',
  'default-identity',
  'identity-impersonation',
  'primitive-role',
  'privilege-escalation',
  'public-privileged-service',
  'role-denied',
  'role-not-allowed',
  'shared-identity',
  'unexpected-identity',
  'unused-permissions',
  'user-managed-key',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export function isRuleId(s: string): s is RuleId {
  return (RULE_IDS as readonly string[]).includes(s);
}
