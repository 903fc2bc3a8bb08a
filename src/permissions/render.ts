import { shellQuote } from '../rules/shell.js';
import { MEMBER_PLACEHOLDER, placeholderNote } from './advice.js';
import type { PermissionPlan } from './plan.js';

export interface GrantTarget {
  /** Organisation number, or undefined to print ORGANIZATION_ID. */
  organization?: string;
  /** `serviceAccount:…`, `user:…`, `group:…`, or undefined to print MEMBER_PLACEHOLDER. */
  member?: string;
}

function hclString(s: string): string {
  return JSON.stringify(s);
}

export function renderPlanText(plan: PermissionPlan, to: GrantTarget): string {
  const org = to.organization ?? 'ORGANIZATION_ID';
  const member = to.member ?? MEMBER_PLACEHOLDER;
  const width = Math.max(...plan.permissions.map((p) => p.permission.length));
  const lines: string[] = [];
  const opts = [plan.options.usageInsights ? '--usage-insights' : '', plan.options.assetInventory ? '--source asset-inventory' : ''].filter(Boolean);
  lines.push(`# The ${plan.permissions.length} permissions cloudrun-auditor calls Google with${opts.length > 0 ? ` (${opts.join(' ')})` : ''}:`);
  for (const p of plan.permissions) {
    lines.push(`${p.permission.padEnd(width)}  ${p.why.join('; ')}${p.discoveryOnly ? ' (--folder and --organization scans only)' : ''}`);
  }
  lines.push('');
  if (to.member === undefined) lines.push(`# ${placeholderNote('below')}`);
  lines.push('# Either: the smallest set of predefined roles that holds them, granted on the organisation');
  lines.push('# (or on the folder, or on each project, that you scan):');
  for (const role of plan.predefinedRoles) {
    lines.push(`gcloud organizations add-iam-policy-binding ${shellQuote(org)} --member=${shellQuote(member)} --role=${role}`);
  }
  if (plan.uncovered.length > 0) {
    lines.push(`# No predefined role known to cloudrun-auditor holds ${plan.uncovered.join(', ')}: use the custom role below.`);
  }
  lines.push('');
  lines.push('# Or: exactly these permissions, as an organisation custom role (gcloud):');
  const r = plan.customRole;
  lines.push(
    `gcloud iam roles create ${r.roleId} --organization=${shellQuote(org)} --title=${shellQuote(r.title)} ` +
      `--description=${shellQuote(r.description)} --stage=${r.stage} --permissions=${r.permissions.join(',')}`,
  );
  lines.push(`gcloud organizations add-iam-policy-binding ${shellQuote(org)} --member=${shellQuote(member)} --role=organizations/${org}/roles/${r.roleId}`);
  lines.push('');
  lines.push('# Or: the same custom role in Terraform:');
  lines.push('resource "google_organization_iam_custom_role" "cloudrun_auditor" {');
  lines.push(`  org_id      = ${hclString(org)}`);
  lines.push(`  role_id     = ${hclString(r.roleId)}`);
  lines.push(`  title       = ${hclString(r.title)}`);
  lines.push(`  description = ${hclString(r.description)}`);
  lines.push(`  stage       = ${hclString(r.stage)}`);
  lines.push('  permissions = [');
  for (const p of r.permissions) lines.push(`    ${hclString(p)},`);
  lines.push('  ]');
  lines.push('}');
  lines.push('');
  lines.push('resource "google_organization_iam_member" "cloudrun_auditor" {');
  lines.push(`  org_id = ${hclString(org)}`);
  lines.push('  role   = google_organization_iam_custom_role.cloudrun_auditor.name');
  lines.push(`  member = ${hclString(member)}`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function renderPlanJson(plan: PermissionPlan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}
