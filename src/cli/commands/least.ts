import { collectInventory } from '../../collect/collect.js';
import { UserError } from '../../errors.js';
import { effectivePermissions, type RoleGrantExpansion } from '../../least/effective.js';
import { planLeastPrivilege, type LeastPrivilegePlan } from '../../least/recommend.js';
import { roleCatalog } from '../../least/role-cache.js';
import type { Inventory, Scope } from '../../model/inventory.js';
import { readSnapshot } from '../../model/snapshot.js';
import { usedPermissions } from '../../model/usage.js';
import { describePlace } from '../../rules/describe.js';
import { InventoryIndex } from '../../rules/inventory-index.js';
import { describeWorkload, type Workload } from '../../rules/workloads.js';
import { checkOutputFile, writeChunks } from '../output.js';
import { endpointFrom, scopeFromFlags, type ScopeFlags } from '../scope.js';
import { collectOptionsFrom, type ConnectionArgs } from './shared.js';

interface WorkloadArgs extends ScopeFlags, ConnectionArgs {
  workload: string;
  snapshot?: string;
  format?: 'text' | 'json';
  output?: string;
  'usage-insights'?: boolean;
  'usage-insights-cap'?: number;
}

interface WorkloadRef {
  project: string;
  region: string;
  /** Set for a full resource name; unset for P/R/NAME, which may name a service or a job. */
  kind?: 'services' | 'jobs';
  name: string;
}

export function parseWorkloadRef(text: string): WorkloadRef {
  const full = /^projects\/([^/]+)\/locations\/([^/]+)\/(services|jobs)\/([^/]+)$/.exec(text);
  if (full) return { project: full[1] ?? '', region: full[2] ?? '', kind: full[3] as 'services' | 'jobs', name: full[4] ?? '' };
  const short = /^([^/]+)\/([^/]+)\/([^/]+)$/.exec(text);
  if (short) return { project: short[1] ?? '', region: short[2] ?? '', name: short[3] ?? '' };
  throw new UserError('USAGE', `"${text}" names no workload: give projects/P/locations/R/services/S, projects/P/locations/R/jobs/J, or P/R/NAME`);
}

export function findWorkload(index: InventoryIndex, ref: WorkloadRef, text: string): Workload {
  const matches = index.workloads.filter(
    (w) =>
      w.kind !== 'revision' &&
      w.project.projectId === ref.project &&
      w.region === ref.region &&
      (ref.kind === undefined || (ref.kind === 'services') === (w.kind === 'service')) &&
      w.resource.endsWith(`/${ref.name}`),
  );
  if (matches.length > 1) {
    throw new UserError('USAGE', `"${text}" is both a service and a job: name one in full`, matches.map((w) => w.resource));
  }
  const w = matches[0];
  if (!w) {
    const incomplete = index.inventory.projects.find((p) => p.projectId === ref.project && !p.complete);
    throw new UserError('USAGE', `no service or job "${text}" in the ${incomplete ? 'incompletely read ' : ''}inventory`);
  }
  return w;
}

async function inventoryFor(args: WorkloadArgs, ref: WorkloadRef, usage: boolean): Promise<Inventory> {
  checkOutputFile(args.output); // before any request: an unwritable --output should not cost the scan
  if (args.snapshot !== undefined) {
    const conflicting = (['project', 'folder', 'organization', 'endpoint', 'impersonate-service-account'] as const).filter((k) => args[k] !== undefined);
    if (conflicting.length > 0) throw new UserError('USAGE', `--snapshot reads a file with no network; it cannot be combined with --${conflicting.join(', --')}`);
    return readSnapshot(args.snapshot);
  }
  // Without scope flags, the workload's own project and region are the scope.
  const scope: Scope = scopeFromFlags(args, { required: false }) ?? { kind: 'projects', ids: [ref.project], regions: [ref.region] };
  const { options, finish } = collectOptionsFrom(args, scope);
  if (usage) options.usageInsights = { cap: capFrom(args['usage-insights-cap']) };
  try {
    return await collectInventory(options);
  } finally {
    finish();
  }
}

export function capFrom(raw: number | undefined): number {
  const n = raw ?? 100;
  if (!Number.isInteger(n) || n < 1) throw new UserError('USAGE', `--usage-insights-cap must be a whole number of at least 1, got ${JSON.stringify(raw)}`);
  return n;
}

function grantHeading(g: RoleGrantExpansion, index: InventoryIndex): string {
  const place = index.place(g.place);
  const where = place ? describePlace(place) : g.place;
  const cond = g.condition ? `, conditional: ${g.condition.title} (${g.condition.expression})` : '';
  const what =
    g.status === 'ok'
      ? `${g.permissions.length} permission${g.permissions.length === 1 ? '' : 's'}`
      : g.status === 'unknown'
        ? 'definition not available: its permissions are unknown'
        : `${g.status} custom role: grants nothing`;
  return `${g.role} on ${where}${cond} — ${what}`;
}

export async function permissionsOfCommand(raw: unknown): Promise<void> {
  const args = raw as WorkloadArgs;
  const ref = parseWorkloadRef(args.workload);
  const inv = await inventoryFor(args, ref, false);
  const index = new InventoryIndex(inv);
  const w = findWorkload(index, ref, args.workload);
  const eff = effectivePermissions(w, index);
  if (args.format === 'json') {
    await writeChunks([JSON.stringify({ workload: w.resource, kind: w.kind, ...eff }, null, 2) + '\n'], args.output);
    return;
  }
  const lines: string[] = [`${describeWorkload(w)} runs as ${w.identity}`];
  lines.push(
    `${eff.unconditional.length + eff.conditionalOnly.length} permissions (${eff.conditionalOnly.length} only under a condition) from ${eff.grants.length} grant${eff.grants.length === 1 ? '' : 's'} on its project, folders and organisation`,
  );
  for (const g of eff.grants) {
    lines.push('', grantHeading(g, index));
    for (const p of g.permissions) lines.push(`  ${p}`);
  }
  await writeChunks([lines.join('\n') + '\n'], args.output);
}

function planText(plan: LeastPrivilegePlan, w: Workload, index: InventoryIndex, catalogSource: string): string {
  const lines: string[] = [`${describeWorkload(w)} runs as ${w.identity}`, ''];
  const notes = index.inventory.usage?.notes ?? [];
  if (plan.evidence.length === 0) {
    lines.push('No usage evidence shows unused permissions for this identity: nothing to change.');
    for (const r of plan.withoutEvidence) lines.push(`  ${r.role} on ${r.place} has no IAM policy insight, so what it uses is not known.`);
    for (const n of notes) lines.push(`  ${n}`);
    return lines.join('\n') + '\n';
  }
  lines.push('Evidence (IAM policy insights):');
  for (const u of plan.evidence) {
    const place = index.place(u.place);
    lines.push(
      `  ${u.role} on ${place ? describePlace(place) : u.place}${u.condition ? ` (conditional: ${u.condition.title})` : ''}: used ${usedPermissions(u).length} of ${u.totalPermissions.toLocaleString('en-US')} in ${u.observationDays} days (${u.exercised.length} exercised, ${u.inferred.length} inferred)`,
    );
    if (u.recommendation) {
      lines.push(`    IAM Recommender: ${u.recommendation.subtype}${u.recommendation.addedRoles.length > 0 ? ` → ${u.recommendation.addedRoles.join(', ')}` : ''}`);
    }
  }
  for (const r of plan.withoutEvidence) lines.push(`  ${r.role} on ${r.place}: no insight, left as it is`);
  for (const n of notes) lines.push(`  note: ${n}`);
  lines.push('', `Used (${plan.used.length}): ${plan.used.join(', ') || 'nothing'}`);
  if (plan.alreadyGranted.length > 0) lines.push(`Already granted by its other roles (${plan.alreadyGranted.length}): ${plan.alreadyGranted.join(', ')}`);
  if (plan.customRole) {
    const why = plan.cover.uncovered.length > 0 ? `no predefined role holds ${plan.cover.uncovered.join(', ')}` : `the closest predefined set grants ${plan.cover.excess.length} permissions more than needed`;
    lines.push(`Proposed: custom role ${plan.customRole.name} with ${plan.customRole.permissions.length} permissions (${why})`);
  } else if (plan.add.length > 0) {
    lines.push(`Proposed: ${plan.add.map((a) => a.role).join(', ')} on project ${w.project.projectId} (${plan.cover.excess.length} permissions beyond the need; chosen from ${catalogSource})`);
  } else lines.push('Proposed: no new role (its other roles cover everything it used)');
  lines.push(`Remove: ${plan.remove.map((r) => `${r.role} on ${r.place}`).join(', ')}`);
  const shown = plan.removedPermissions.slice(0, 10);
  lines.push(
    '',
    `Permission delta: ${plan.removedPermissions.length} removed, ${plan.keptPermissions.length} kept`,
    `  removed: ${shown.join(', ')}${plan.removedPermissions.length > shown.length ? `, … (${plan.removedPermissions.length - shown.length} more; --format json lists all)` : ''}`,
    `  kept: ${plan.keptPermissions.join(', ') || 'nothing'}`,
    '',
    'Commands:',
    ...plan.commands.map((c) => `  ${c}`),
    '',
    'Terraform:',
    ...plan.terraform.trimEnd().split('\n').map((l) => (l === '' ? '' : `  ${l}`)),
  );
  return lines.join('\n') + '\n';
}

export async function recommendCommand(raw: unknown): Promise<void> {
  const args = raw as WorkloadArgs;
  const ref = parseWorkloadRef(args.workload);
  const inv = await inventoryFor(args, ref, true);
  if (!inv.usage) {
    throw new UserError('USAGE', `${args.snapshot ?? 'the inventory'} carries no usage evidence: collect it with --usage-insights`);
  }
  const index = new InventoryIndex(inv);
  const w = findWorkload(index, ref, args.workload);
  const endpoint = args.snapshot !== undefined ? undefined : endpointFrom(args.endpoint ?? process.env['CLOUDRUN_AUDITOR_ENDPOINT']);
  const catalog = roleCatalog(inv.roles, endpoint);
  const plan = planLeastPrivilege(w, index, catalog.roles);
  if (args.format === 'json') {
    await writeChunks([JSON.stringify({ workload: w.resource, kind: w.kind, catalog: catalog.source, ...plan }, null, 2) + '\n'], args.output);
    return;
  }
  await writeChunks([planText(plan, w, index, catalog.source)], args.output);
}
