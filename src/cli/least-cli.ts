/**
 * Flags and commands of least-privilege analysis (`--usage-insights`, `roles`, `permissions-of`, `recommend`),
 * declared apart from cli.ts; handlers load lazily like every other command's.
 */
import type { Argv, CommandModule } from 'yargs';

type Decorate = <T>(y: Argv<T>) => Argv<T>;

const usageGroup = 'Usage evidence:';

export function usageOptions<T>(y: Argv<T>) {
  return y
    .option('usage-insights', {
      type: 'boolean',
      default: false,
      group: usageGroup,
      describe: 'Also read 90 days of permission usage from the Recommender API (IAM policy insights and recommendations): rule unused-permissions',
    })
    .option('usage-insights-cap', {
      type: 'number',
      default: 100,
      group: usageGroup,
      describe: 'Most Recommender reads (pages) to spend; the free tier allows 100 a day per organisation',
    });
}

function workloadCommand(name: string, describe: string, scope: Decorate, connection: Decorate, load: () => Promise<(args: unknown) => Promise<void>>): CommandModule {
  return {
    command: `${name} <workload>`,
    describe,
    builder: (y: Argv) =>
      connection(scope(y))
        .positional('workload', {
          type: 'string',
          demandOption: true,
          describe: 'projects/P/locations/R/services/S, projects/P/locations/R/jobs/J, or P/R/NAME',
        })
        .option('snapshot', { type: 'string', describe: 'Read a snapshot written by `collect` instead of Google' })
        .option('format', { type: 'string', choices: ['text', 'json'] as const, default: 'text' })
        .option('output', { alias: 'o', type: 'string', describe: 'Write to this file instead of stdout' }),
    handler: async (args) => (await load())(args),
  };
}

export function permissionsOfCommand(scope: Decorate, connection: Decorate): CommandModule {
  return workloadCommand(
    'permissions-of',
    "List a service's or job's effective permissions, grouped by the role and place that grant them",
    scope,
    connection,
    async () => (await import('./commands/least.js')).permissionsOfCommand,
  );
}

export function recommendCommand(scope: Decorate, connection: Decorate): CommandModule {
  return workloadCommand(
    'recommend',
    'Propose the smallest role set covering what a service or job used (needs usage evidence): commands, Terraform, permission delta',
    (y) => usageOptions(scope(y)),
    connection,
    async () => (await import('./commands/least.js')).recommendCommand,
  );
}

export function rolesCommand(connection: Decorate): CommandModule {
  return {
    command: 'roles <action>',
    describe: 'The predefined-role cache: `roles sync` fetches every predefined role, `roles status` shows the cache and its age',
    builder: (y: Argv) => connection(y).positional('action', { type: 'string', choices: ['sync', 'status'] as const, demandOption: true }),
    handler: async (args) => (await import('./commands/roles.js')).rolesCommand(args),
  };
}
