import { projectOfServiceAccountEmail } from '../model/inventory.js';
import { deleteKeyCommand } from '../rules/remediation.js';
import { describeWorkload } from '../rules/workloads.js';
import { identityState, identityText } from './analysis.js';
import type { RuleDefinition } from './types.js';

/** Google writes a key that never expires as valid until the year 9999. */
function neverExpires(validBeforeTime: string | undefined): boolean {
  return validBeforeTime === undefined || validBeforeTime.startsWith('9999-');
}

export const userManagedKeyRule: RuleDefinition = {
  id: 'user-managed-key',
  title: 'Identity has user-managed keys',
  defaultSeverity: 'medium',
  summary:
    'The runtime identity has an enabled, unexpired user-managed key: a long-lived credential that works from anywhere, outside Cloud Run.',
  appliesTo: ['service', 'job', 'revision'],
  check(w, ctx) {
    const sa = ctx.index.account(w.identity);
    const keys = (sa?.keys ?? [])
      .filter((k) => k.keyType === 'USER_MANAGED' && !k.disabled)
      .filter((k) => neverExpires(k.validBeforeTime) || Date.parse(k.validBeforeTime ?? '') > ctx.now.getTime())
      .sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
    if (keys.length === 0) return [];
    const home = sa?.projectId ?? projectOfServiceAccountEmail(w.identity);
    const described = keys.map((k) =>
      neverExpires(k.validBeforeTime) ? `${k.keyId} (never expires)` : `${k.keyId} (valid until ${k.validBeforeTime})`,
    );
    return [
      {
        discriminator: '',
        severity: ctx.severity,
        message: `${describeWorkload(w)} runs as ${identityText(w, ctx.index)}, which has ${keys.length} enabled user-managed key${keys.length === 1 ? '' : 's'}: ${described.join(', ')}`,
        evidence: {
          keys: keys.map((k) => ({
            keyId: k.keyId,
            ...(k.validAfterTime ? { validAfterTime: k.validAfterTime } : {}),
            ...(k.validBeforeTime ? { validBeforeTime: k.validBeforeTime } : {}),
            neverExpires: neverExpires(k.validBeforeTime),
            ...(k.keyOrigin ? { keyOrigin: k.keyOrigin } : {}),
          })),
          identityState: identityState(w, ctx.index).state,
        },
        remediation: {
          summary: `Delete the user-managed keys of ${w.identity}; Cloud Run gets its credentials from the metadata server and needs none (use workload identity federation for callers outside Google Cloud).`,
          commands: keys.map((k) => deleteKeyCommand(k.keyId, w.identity, home)),
        },
      },
    ];
  },
};
