import { UserError } from '../../errors.js';
import type { Inventory } from '../../model/inventory.js';
import type { Report } from '../../model/finding.js';
import { collectInventory } from '../../collect/index.js';
import { readSnapshot } from '../../model/snapshot.js';
import { defaultRules, loadRulesFile } from '../../rules/load.js';
import { auditInventory } from '../../audit/pipeline.js';
import { restrictToRegions } from '../../audit/filter.js';
import { formatters, summaryLine, type Format } from '../../report/index.js';
import { RULES } from '../../checks/index.js';
import { exitCodeFor, type FailOn } from '../exit-codes.js';
import { regionsFrom, scopeFromFlags, type ScopeFlags } from '../scope.js';
import { writeChunks } from '../output.js';
import { collectOptionsFrom, type ConnectionArgs } from './shared.js';
import { RULES_DIR } from '../../paths.js';
import { join } from 'node:path';

export interface ReportArgs {
  rules?: string;
  format?: string;
  output?: string;
  'fail-on'?: string;
  'allow-incomplete'?: boolean;
  'sarif-location'?: string;
}

interface AuditArgs extends ScopeFlags, ConnectionArgs, ReportArgs {
  snapshot?: string;
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
  const scope = args.snapshot === undefined ? scopeFromFlags(args, { required: true }) : undefined;
  const regions = regionsFrom(args);
  const rules = args.rules !== undefined ? loadRulesFile(args.rules) : defaultRules();

  let inventory: Inventory;
  if (args.snapshot !== undefined) {
    inventory = restrictToRegions(readSnapshot(args.snapshot), regions);
  } else {
    const { options, finish } = collectOptionsFrom(args, scope!);
    try {
      inventory = await collectInventory(options);
    } finally {
      finish();
    }
  }

  const report = auditInventory(inventory, rules, { startedAt, now: new Date() });
  await emitReport(report, args);
}

/** Renders, writes and sets the exit code: shared by `audit` and `demo`. */
export async function emitReport(report: Report, args: ReportArgs & { quiet?: boolean }, opts: { gate?: boolean } = {}): Promise<void> {
  const format = (args.format ?? 'table') as Format;
  const color = args.output === undefined && process.stdout.isTTY === true && !('NO_COLOR' in process.env && process.env['NO_COLOR'] !== '');
  await writeChunks(
    formatters[format](report, {
      color,
      width: Math.max(60, Math.min(process.stdout.columns || 100, 160)),
      sarifLocation: args['sarif-location'] ?? args.rules ?? 'rules/default.yaml',
      rulesMeta: RULES.map((r) => ({ id: r.id, title: r.title, defaultSeverity: r.defaultSeverity, summary: r.summary, docPath: join(RULES_DIR, `${r.id}.md`) })),
    }),
    args.output,
  );
  if (!args.quiet && (args.output !== undefined || format !== 'table')) process.stderr.write(summaryLine(report) + '\n');
  if (opts.gate === false) return;
  process.exitCode = exitCodeFor({
    findings: report.findings,
    errorCount: report.errors.length,
    failOn: (args['fail-on'] ?? 'high') as FailOn,
    allowIncomplete: args['allow-incomplete'] ?? false,
  });
}
