import { UserError } from '../../errors.js';
import type { Inventory } from '../../model/inventory.js';
import { collectInventory } from '../../collect/collect.js';
import { readSnapshot } from '../../model/snapshot.js';
import { loadOfflineInputs } from '../../offline/load.js';
import { defaultRules, loadRulesFile } from '../../rules/load.js';
import { printRulesWarnings } from './rules.js';
import { auditInventory } from '../../audit/pipeline.js';
import { restrictToRegions } from '../../audit/filter.js';
import { regionsFrom, scopeFromFlags, type ScopeFlags } from '../scope.js';
import { checkReportArgs, emitReport, readReport, type ReportArgs } from './emit.js';
import { collectOptionsFrom, type ConnectionArgs } from './shared.js';
import { applyLeastOptions, type UsageArgs } from './least-options.js';

interface AuditArgs extends ScopeFlags, ConnectionArgs, ReportArgs, UsageArgs {
  snapshot?: string;
  input?: string[];
}

export async function auditCommand(raw: unknown): Promise<void> {
  const args = raw as AuditArgs;
  const startedAt = new Date().toISOString();

  // Everything the user can get wrong is checked before the first request.
  if (args.snapshot !== undefined) {
    const conflicting = (['project', 'folder', 'organization', 'endpoint', 'impersonate-service-account'] as const).filter(
      (k) => args[k] !== undefined,
    );
    if (conflicting.length > 0) {
      throw new UserError('USAGE', `--snapshot audits a file with no network; it cannot be combined with --${conflicting.join(', --')}`);
    }
    if (args.snapshot === '') throw new UserError('USAGE', '--snapshot needs a file name');
  }
  if (args.input !== undefined) {
    const conflicting = (['snapshot', 'project', 'folder', 'organization', 'endpoint', 'impersonate-service-account'] as const).filter(
      (k) => args[k] !== undefined,
    );
    if (conflicting.length > 0) {
      throw new UserError('USAGE', `--input audits exported files with no network; it cannot be combined with --${conflicting.join(', --')}`);
    }
  }
  const offline = args.snapshot !== undefined || args.input !== undefined;
  const scope = offline ? undefined : scopeFromFlags(args, { required: true });
  const regions = regionsFrom(args);
  checkReportArgs(args);
  const baseline = args.baseline !== undefined ? readReport(args.baseline, '--baseline') : undefined;
  const rules = args.rules !== undefined ? loadRulesFile(args.rules) : defaultRules();
  printRulesWarnings(rules);

  let inventory: Inventory;
  if (args.input !== undefined) {
    inventory = restrictToRegions(loadOfflineInputs(args.input), regions);
  } else if (args.snapshot !== undefined) {
    inventory = restrictToRegions(readSnapshot(args.snapshot), regions);
  } else {
    const { options, finish } = collectOptionsFrom(args, scope!);
    await applyLeastOptions(options, args);
    try {
      inventory = await collectInventory(options);
    } finally {
      finish();
    }
  }

  const report = auditInventory(inventory, rules, { startedAt, now: new Date() });
  await emitReport(report, args, { baseline });
}

