/**
 * The command line. This file only declares commands and flags: each handler is imported when its command
 * runs, so `--help` never loads the Google clients. Every error is mapped to words and an exit code in one
 * place (`run` below).
 */
import yargs, { type Argv } from 'yargs';
import { UserError } from '../errors.js';
import { safeText } from '../report/sanitize.js';
import { EXIT, EXIT_CODES_HELP, FAIL_ON } from './exit-codes.js';
import { FORMAT_NAMES } from './format-names.js';
import { permissionsOfCommand, recommendCommand, rolesCommand, usageOptions } from './least-cli.js';
import { configureLog, isJsonLog, log, LOG_FORMATS, logError, logExit, logFormatFromArgv } from './log.js';
import { endOnInterrupt } from './interrupt.js';
import { routeProcessWarnings } from './warnings.js';
import { MIN_WIDTH, widthFlag } from './width.js';
import { unknownArgumentsMessage } from './did-you-mean.js';
import { SelfExplainingUsageError } from './usage-error.js';

const scopeGroup = 'Scope:';
const connGroup = 'Connection:';

function scopeOptions<T>(y: Argv<T>) {
  return y
    .option('project', { type: 'string', array: true, group: scopeGroup, describe: 'Project ID to scan (repeatable, or comma-separated)' })
    .option('folder', { type: 'string', group: scopeGroup, describe: 'Folder number: scans every ACTIVE project beneath it, recursively' })
    .option('organization', { type: 'string', group: scopeGroup, describe: 'Organisation number: scans every ACTIVE project in it' })
    .option('region', { type: 'string', array: true, group: scopeGroup, describe: 'Only these regions (repeatable, or comma-separated)' });
}

/** Where audit and collect read workloads and policies from (src/collect/asset-source.ts). */
const SOURCE_OPTION = {
  type: 'string',
  choices: ['api', 'asset-inventory'],
  default: 'api',
  group: scopeGroup,
  describe: 'api: each project\'s own APIs; asset-inventory: Cloud Asset Inventory, one search per folder/organisation',
} as const;

function connectionOptions<T>(y: Argv<T>) {
  return y
    .option('endpoint', {
      type: 'string',
      group: connGroup,
      describe: 'Send every Google API request to this origin, without credentials (env CLOUDRUN_AUDITOR_ENDPOINT)',
    })
    .option('impersonate-service-account', {
      type: 'string',
      group: connGroup,
      describe: 'Call Google as this service account (needs roles/iam.serviceAccountTokenCreator on it)',
    })
    .option('concurrency', { type: 'number', group: connGroup, default: 16, describe: 'Parallel requests per API' })
    .option('qpm', {
      type: 'string',
      group: connGroup,
      describe: 'Ceiling in requests per minute per API and quota region, e.g. run=1000,iam=6000,crm=600 (default: Google\'s published quotas; Run unlimited until a 429 names its quota)',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'No progress or summary on stderr' })
    .option('verbose', { type: 'boolean', default: false, describe: 'Print requests and retries per API at the end' });
}

function reportOptions<T>(y: Argv<T>) {
  return y
    .option('rules', { type: 'string', describe: 'Rules file (YAML or JSON); default: the bundled rules/default.yaml' })
    .option('format', { type: 'string', array: true, choices: FORMAT_NAMES, default: ['table'], describe: 'Report format; repeat it with --output-dir' })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
    .option('output-dir', { type: 'string', describe: 'Write every --format to DIR with timestamped names, plus latest.* copies' })
    .option('baseline', { type: 'string', describe: 'A previous JSON report: only findings not in it gate, and are marked new' })
    .option('fail-on', { type: 'string', choices: FAIL_ON, default: 'high', describe: 'Exit 1 when an active finding is at or above this severity' })
    .option('allow-incomplete', { type: 'boolean', default: false, describe: 'Exit 0 instead of 3 when some project or API could not be read' })
    .option('sarif-location', { type: 'string', describe: 'File that SARIF results point at (default: the --rules file; without either, results carry logical locations only)' })
    .option('width', WIDTH_OPTION);
}

/** Table columns; checked while parsing, so a bad value exits 2 before anything is scanned. */
const WIDTH_OPTION = {
  type: 'number',
  coerce: widthFlag,
  describe: `Table width in columns, at least ${MIN_WIDTH} (default: COLUMNS, else the terminal's width, else 100)`,
} as const;

/** Every command, for "name a command" and "did you mean". */
const COMMAND_NAMES = [
  'audit', 'collect', 'merge', 'demo', 'diff', 'rules', 'explain', 'schema', 'emulator',
  'permissions', 'doctor', 'roles', 'permissions-of', 'recommend',
] as const;

/** yargs keeps the options of the command being parsed in getOptions(), which its types leave out. */
function knownOptions(y: Argv): string[] {
  const withOptions = y as unknown as { getOptions?: () => { key?: Record<string, unknown> } };
  return Object.keys(withOptions.getOptions?.().key ?? {});
}

export function buildCli(argv: string[]): Argv {
  const cli: Argv = yargs(argv);
  return cli
    .scriptName('cloudrun-auditor')
    .usage('$0 <command> [options]\n\nAudits the identities Google Cloud Run services, revisions and jobs run as.')
    .command(
      'audit',
      'Scan a project, folder or organisation (or a snapshot) and report findings',
      (y) =>
        usageOptions(reportOptions(connectionOptions(scopeOptions(y))))
          .option('snapshot', { type: 'string', group: scopeGroup, describe: 'Audit a snapshot written by `collect`, with no network' })
          .option('source', SOURCE_OPTION)
          .option('input', { type: 'string', array: true, group: scopeGroup, describe: 'Audit exported JSON with no network: gcloud run/projects/iam --format=json output, Run v2 JSON, Cloud Asset Inventory exports (repeatable; iam=PROJECT:FILE names a policy file)' })
          .example('$0 audit --project acme-prod --format csv -o findings.csv', 'a spreadsheet of one project')
          .example('$0 audit --organization 123456789012 --fail-on high', 'a CI gate over an organisation')
          .epilog(EXIT_CODES_HELP),
      async (args) => (await import('./commands/audit.js')).auditCommand(args),
    )
    .command(
      'collect',
      'Read the inventory of a scope and write it as a snapshot for a later offline audit',
      (y) =>
        usageOptions(connectionOptions(scopeOptions(y)))
          .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'Snapshot file to write' })
          .option('allow-incomplete', { type: 'boolean', default: false, describe: 'Exit 0 instead of 3 when something could not be read' })
          .option('source', SOURCE_OPTION)
          .option('shard', {
            type: 'string',
            group: scopeGroup,
            describe: 'Collect only shard I/N of the projects (I from 0; default from CLOUD_RUN_TASK_INDEX/CLOUD_RUN_TASK_COUNT); join shards with `merge`',
          })
          .epilog('Exit codes: 0 complete, 2 usage, credentials or output error (nothing written), 3 written but incomplete, 130/143 stopped by SIGINT/SIGTERM.'),
      async (args) => (await import('./commands/collect.js')).collectCommand(args),
    )
    .command(
      'merge <snapshots..>',
      'Join the snapshots of `collect --shard` and audit them as one scan',
      (y) =>
        reportOptions(y)
          .positional('snapshots', { type: 'string', array: true, demandOption: true, describe: 'Every shard\'s snapshot' })
          .option('format', { type: 'string', array: true, choices: FORMAT_NAMES, default: ['json'], describe: 'Report format; repeat it with --output-dir' })
          .option('quiet', { type: 'boolean', default: false, describe: 'No summary on stderr' })
          .example('$0 merge shard-*.json --output full.json', 'the report of the whole organisation')
          .epilog(EXIT_CODES_HELP),
      async (args) => (await import('./commands/merge.js')).mergeCommand(args),
    )
    .command(
      'demo',
      'Audit the bundled demo organisation through the built-in Google API emulator',
      (y) =>
        usageOptions(y)
          .option('format', { type: 'string', array: true, choices: FORMAT_NAMES, default: ['table'], describe: 'Report format' })
          .option('output', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
          .option('output-dir', { type: 'string', describe: 'Write every --format to DIR' })
          .option('width', WIDTH_OPTION),
      async (args) => (await import('./commands/demo.js')).demoCommand(args),
    )
    .command('rules <action> <file>', 'Rules files: `rules validate FILE` checks one', (y) =>
      y
        .positional('action', { type: 'string', choices: ['validate'] as const, demandOption: true })
        .positional('file', { type: 'string', demandOption: true }),
      async (args) => (await import('./commands/rules.js')).rulesCommand(args),
    )
    .command('explain [rule]', 'Print the documentation of a rule; with no rule, list the rules', (y) => y.positional('rule', { type: 'string' }),
      async (args) => (await import('./commands/rules.js')).explainCommand(args),
    )
    .command(
      'emulator',
      'Serve the Google API emulator on 127.0.0.1 (for trying the tool or testing against it)',
      (y) =>
        y
          .option('scenario', { type: 'string', describe: 'Scenario file (YAML or JSON); default: the bundled demo organisation' })
          .option('port', { type: 'number', default: 8085, describe: 'Port on 127.0.0.1' })
          .option('page-size', { type: 'number', describe: 'Cap every list page at this many items' }),
      async (args) => (await import('./commands/emulator.js')).emulatorCommand(args),
    )
    .command(
      'permissions',
      'Print the permissions the scanner needs, as predefined roles and as a custom role (gcloud and Terraform)',
      (y) =>
        y
          .option('usage-insights', { type: 'boolean', default: false, describe: 'Include the calls --usage-insights makes' })
          .option('source', { type: 'string', choices: ['api', 'asset-inventory'] as const, default: 'api', describe: 'Where the audit reads the inventory from' })
          .option('organization', { type: 'string', describe: 'Organisation number to put in the commands (default: ORGANIZATION_ID)' })
          .option('member', { type: 'string', describe: 'The scanner identity, e.g. serviceAccount:auditor@p.iam.gserviceaccount.com (default: a placeholder to replace)' })
          .option('format', { type: 'string', choices: ['text', 'json'] as const, default: 'text' })
          .option('output', { alias: 'o', type: 'string', describe: 'Write to this file instead of stdout' }),
      async (args) => (await import('./commands/permissions.js')).permissionsCommand(args),
    )
    .command(
      'doctor',
      'Check that the scanner holds every permission it needs on a scope, and that the APIs are enabled',
      (y) =>
        connectionOptions(scopeOptions(y))
          .option('usage-insights', { type: 'boolean', default: false, describe: 'Also check what --usage-insights needs' })
          .option('member', {
            type: 'string',
            describe: 'The scanner identity to put in the grant commands, e.g. user:ana@example.com (default: the impersonated account, else a placeholder to replace)',
          })
          .option('source', { type: 'string', choices: ['api', 'asset-inventory'] as const, default: 'api', describe: 'Where the audit reads the inventory from' })
          .option('format', { type: 'string', choices: ['text', 'json'] as const, default: 'text' })
          .epilog('Exit codes: 0 everything the scan needs is in place, 2 usage or credentials error, 3 something is missing.'),
      async (args) => (await import('./commands/doctor.js')).doctorCommand(args),
    )
    .command(
      'diff <old> <new>',
      'Compare two JSON reports: new, resolved and changed findings',
      (y) =>
        y
          .positional('old', { type: 'string', demandOption: true })
          .positional('new', { type: 'string', demandOption: true })
          .option('format', { type: 'string', choices: ['text', 'markdown', 'json'] as const, default: 'text' })
          .option('evidence', { type: 'boolean', default: false, describe: 'Also report findings whose only change is in their evidence' })
          .option('output', { alias: 'o', type: 'string', describe: 'Write to this file instead of stdout' }),
      async (args) => (await import('./commands/diff.js')).diffCommand(args),
    )
    .command('schema <name>', 'Print a JSON Schema: report, rules, snapshot or scenario', (y) =>
      y.positional('name', { type: 'string', choices: ['report', 'rules', 'snapshot', 'scenario'] as const, demandOption: true }),
      async (args) => (await import('./commands/schema.js')).schemaCommand(args),
    )
    .command(rolesCommand(connectionOptions))
    .command(permissionsOfCommand(scopeOptions, connectionOptions))
    .command(recommendCommand(scopeOptions, connectionOptions))
    .demandCommand(1, `name a command: ${COMMAND_NAMES.slice(0, -1).join(', ')} or ${COMMAND_NAMES.at(-1)}`)
    .option('log-format', {
      type: 'string',
      choices: LOG_FORMATS,
      default: 'text',
      global: true,
      describe: 'stderr as plain lines, or one JSON object per line with a severity (Cloud Logging)',
    })
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .epilog(EXIT_CODES_HELP)
    .fail((msg, err) => {
      if (err instanceof UserError) throw err;
      // yargs rewraps what a coerce function throws (only --width has one, and its message is self-explaining).
      if (err?.name === 'YError') throw new SelfExplainingUsageError(err.message);
      if (err) throw err;
      // The options yargs knows at this point are those of the command being parsed, plus the global ones.
      const guess = unknownArgumentsMessage(msg ?? '', argv, { commands: COMMAND_NAMES, options: knownOptions(cli) });
      if (guess !== undefined) throw new SelfExplainingUsageError(guess);
      // yargs spreads some messages over lines ("Invalid values:\n  Argument: …"); the contract is one line.
      throw new UserError('USAGE', msg.replace(/\s*\n\s*/g, ' ').trim());
    });
}

/**
 * `--output -` means stdout, but yargs reads a lone `-` after a long flag as a positional argument (`-o -` and
 * `--output=-` work). Joining such pairs keeps the documented spelling working for every flag.
 */
export function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (/^--[a-z][a-z-]*$/.test(a) && argv[i + 1] === '-') {
      out.push(`${a}=-`);
      i++;
    } else out.push(a);
  }
  return out;
}

export async function run(rawArgv: string[]): Promise<number> {
  const argv = joinDashValues(rawArgv);
  configureLog(logFormatFromArgv(argv));
  routeProcessWarnings(argv.includes('--verbose'));
  const command = argv.find((a) => !a.startsWith('-')) ?? 'cloudrun-auditor';
  // The emulator serves until stopped and handles the signals itself.
  const stopHandling = command === 'emulator' ? () => {} : endOnInterrupt(command);
  try {
    await buildCli(argv).parseAsync();
    const code = typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
    logExit(code, command);
    return code;
  } catch (e) {
    if (e instanceof UserError) {
      // A "did you mean" already says what to type; the usage pointer would be a second line.
      const hint = e.code === 'USAGE' && !(e instanceof SelfExplainingUsageError) ? 'Run `cloudrun-auditor --help` for usage.' : undefined;
      logError(`cloudrun-auditor: ${e.message}`, e.details, EXIT.USAGE, hint);
      return EXIT.USAGE;
    }
    // Anything else is our bug: say so in one line, keep the stack for --verbose users.
    const err = e as Error;
    // The stack first, through the log (a JSON line under --log-format json), so the error stays the last line.
    if (argv.includes('--verbose') && err?.stack) {
      if (isJsonLog()) log('DEBUG', 'cloudrun-auditor: internal error (stack for the maintainers)', { stack: err.stack });
      else log('DEBUG', err.stack);
    }
    logError(`cloudrun-auditor: internal error: ${err?.message ?? String(e)}`, [], EXIT.USAGE);
    return EXIT.USAGE;
  } finally {
    stopHandling();
  }
}
