/**
 * The one source of advice for a permission the scanner lacks. `doctor` (which asks Google what is missing on each
 * project, folder and organisation) and `audit` (which meets a 403 mid-scan) both take the role to grant from
 * here, so the same gap always gets the same role: the narrowest predefined role that holds it.
 */
import { UserError } from '../errors.js';
import type { HierarchyNode } from '../model/inventory.js';
import { shellQuote } from '../rules/shell.js';
import { smallestRoleCover, type RoleCover } from './roles.js';

/**
 * What goes in `--member=` when the scanner's identity is not known (no `--member`, no impersonation). Not a valid
 * member, so a command run without replacing it fails instead of granting anyone anything.
 */
export const MEMBER_PLACEHOLDER = 'REPLACE_WITH_MEMBER';

/** Says that the commands hold the placeholder, what replaces it, and the flag that fills it in. */
export function placeholderNote(where: 'above' | 'below'): string {
  return `${MEMBER_PLACEHOLDER} in the commands ${where} stands for the scanner's identity: replace it (user:…, serviceAccount:…, group:…), or rerun with --member, e.g. --member user:ana@example.com`;
}

/** The predefined roles to grant for a set of missing permissions (see smallestRoleCover for the tie-breaks). */
export function rolesFor(missing: readonly string[]): RoleCover {
  return smallestRoleCover(missing);
}

/** The narrowest predefined role holding one permission, or undefined when none the scanner knows does. */
export function roleFor(permission: string): string | undefined {
  return rolesFor([permission]).roles[0];
}

/** `gcloud … add-iam-policy-binding` granting `role` to `member` on a project, folder or organisation. */
export function grantCommand(node: HierarchyNode, member: string, role: string): string {
  const [kind, id = ''] = node.split('/');
  const m = `--member=${shellQuote(member)} --role=${role}`;
  if (kind === 'projects') return `gcloud projects add-iam-policy-binding ${shellQuote(id)} ${m}`;
  if (kind === 'folders') return `gcloud resource-manager folders add-iam-policy-binding ${id} ${m}`;
  return `gcloud organizations add-iam-policy-binding ${id} ${m}`;
}

/** Commands granting `missing` on `node`: the roles from rolesFor, then a pointer to the custom role for the rest. */
export function grantCommands(node: HierarchyNode, missing: readonly string[], member: string): string[] {
  if (missing.length === 0) return [];
  const cover = rolesFor(missing);
  const out = cover.roles.map((r) => grantCommand(node, member, r));
  if (cover.uncovered.length > 0) {
    out.push(`# no predefined role holds ${cover.uncovered.join(', ')}: grant the custom role from "cloudrun-auditor permissions"`);
  }
  return out;
}

/** The words `audit` puts after a denied permission, naming the same role `doctor` would grant. */
export function deniedAdvice(permission: string): string {
  const role = roleFor(permission);
  return role !== undefined
    ? `grant the scanner ${role} on it`
    : `grant the scanner a role holding it there (no predefined role cloudrun-auditor knows does; see "cloudrun-auditor permissions")`;
}

const MEMBER = /^(serviceAccount|user|group|principal|principalSet):\S+$/;

/** `--member`: an IAM member with its type, as gcloud's --member takes it. */
export function memberFlag(raw: string | undefined): string | undefined {
  if (raw !== undefined && !MEMBER.test(raw)) {
    throw new UserError('USAGE', `--member must be an IAM member such as user:ana@example.com or serviceAccount:auditor@sec-tools.iam.gserviceaccount.com, got ${JSON.stringify(raw)}`);
  }
  return raw;
}
