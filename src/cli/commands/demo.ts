import { startEmulator } from '../../emulator/server.js';
import { loadScenario, DEMO_SCENARIO_PATH } from '../../emulator/load.js';
import { collectInventory } from '../../collect/collect.js';
import { defaultRules } from '../../rules/load.js';
import { auditInventory } from '../../audit/pipeline.js';
import { exitCodeFor } from '../exit-codes.js';
import { checkReportArgs, emitReport } from './emit.js';
import { capFrom } from './least.js';

/** The emulator port the hints use; `emulator` listens there by default. */
export const HINT_PORT = 8085;

/**
 * What to run next, as printed: after `npm ci` the package's own bin is reachable through `npx` from the checkout
 * (a bare `cloudrun-auditor` is not on PATH until `npm link`). test/cli/demo-hints.test.ts runs these lines.
 */
export function tryItHints(org: string): string[] {
  return [
    'Try it yourself, from this directory: serve the demo organisation in one terminal,',
    `  npx cloudrun-auditor emulator --port ${HINT_PORT}`,
    'and audit it from another:',
    `  npx cloudrun-auditor audit --organization ${org} --endpoint http://127.0.0.1:${HINT_PORT}`,
  ];
}

/**
 * The first thing a new user runs: the full audit of a bundled organisation, served by the emulator on
 * 127.0.0.1 and read through the real Google client libraries. Exits 0 whatever it finds (it is a demo);
 * the closing lines say what `audit` would have exited with.
 */
export async function demoCommand(raw: unknown): Promise<void> {
  const args = raw as { format?: string[]; output?: string; 'output-dir'?: string; 'usage-insights'?: boolean; 'usage-insights-cap'?: number };
  checkReportArgs(args);
  const scenario = loadScenario(DEMO_SCENARIO_PATH);
  const emulator = await startEmulator({ scenario, maxPageSize: 5 });
  try {
    const org = scenario.organization;
    process.stderr.write(
      `Demo: auditing organisation ${org.displayName} (organizations/${org.id}) through the built-in Google API emulator at ${emulator.url}\n\n`,
    );
    const startedAt = new Date().toISOString();
    const inventory = await collectInventory({
      scope: { kind: 'organization', ids: [org.id], regions: [] },
      endpoint: emulator.url,
      ...(args['usage-insights'] ? { usageInsights: { cap: capFrom(args['usage-insights-cap']) } } : {}),
    });
    const report = auditInventory(inventory, defaultRules(), { startedAt, now: new Date() });
    await emitReport(report, { ...args, quiet: false }, { gate: false });
    const code = exitCodeFor({ findings: report.findings, errorCount: report.errors.length, failOn: 'high', allowIncomplete: false });
    process.stderr.write(
      `\n${emulator.requests.length} API requests served. A real \`cloudrun-auditor audit\` of this organisation would exit ${code}` +
        ` (--fail-on high).\n${tryItHints(org.id).join('\n')}\n`,
    );
  } finally {
    await emulator.close();
  }
}
