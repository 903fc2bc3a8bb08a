import { createHash } from 'node:crypto';

/**
 * A finding's stable id: the same problem (rule, resource, identity, discriminator such as the role) gives the same
 * id in every run, whatever the message says or the order things were listed in.
 */
export function findingId(ruleId: string, resource: string, serviceAccount: string, discriminator: string): string {
  return createHash('sha256')
    .update([ruleId, resource, serviceAccount.toLowerCase(), discriminator].join('\n'))
    .digest('hex')
    .slice(0, 16);
}
