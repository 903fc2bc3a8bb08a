import { UserError } from '../../errors.js';
import type { Scope } from '../../model/inventory.js';
import type { CollectOptions } from '../../collect/collect.js';
import { endpointFrom } from '../scope.js';
import { progressReporter } from '../progress.js';
import { jsonProgressReporter } from '../log-progress.js';
import { isJsonLog, log, recordProgress } from '../log.js';
import { sourceFrom } from '../source-flag.js';
import { qpmFrom, statsLines } from '../quota-flags.js';
import type { CallStats } from '../../google/call.js';

export interface ConnectionArgs {
  endpoint?: string;
  'impersonate-service-account'?: string;
  concurrency?: number;
  quiet?: boolean;
  verbose?: boolean;
  qpm?: string | string[];
  source?: string;
}

export function concurrencyFrom(raw: number | undefined): number {
  const n = raw ?? 16;
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    // yargs turns a non-number into NaN, which JSON would print as null.
    throw new UserError('USAGE', `--concurrency must be a whole number from 1 to 256, got ${Number.isNaN(raw) ? 'something that is not a number' : JSON.stringify(raw)}`);
  }
  return n;
}

/** Collector options from the connection flags; progress goes to a TTY stderr only, or to JSON logs. */
export function collectOptionsFrom(args: ConnectionArgs, scope: Scope): { options: CollectOptions; finish(): void } {
  const endpoint = endpointFrom(args.endpoint ?? process.env['CLOUDRUN_AUDITOR_ENDPOINT']);
  const impersonate = args['impersonate-service-account'];
  if (impersonate !== undefined && !/^[^@\s]+@[^@\s]+\.gserviceaccount\.com$/.test(impersonate)) {
    throw new UserError('USAGE', `--impersonate-service-account must be a service account email, got ${JSON.stringify(impersonate)}`);
  }
  if (impersonate !== undefined && endpoint !== undefined) {
    throw new UserError('USAGE', '--impersonate-service-account cannot be combined with --endpoint, which sends no credentials');
  }
  const qpm = qpmFrom(args.qpm);
  const source = sourceFrom(args.source, scope);
  const progress = isJsonLog() ? jsonProgressReporter(!args.quiet) : progressReporter(!args.quiet);
  let stats: CallStats | undefined;
  const options: CollectOptions = {
    scope,
    concurrency: concurrencyFrom(args.concurrency),
    onProgress: (p) => {
      recordProgress(p);
      progress.update(p);
    },
    onStats: (s) => (stats = s),
    ...(qpm !== undefined ? { qpm } : {}),
    ...(source !== 'api' ? { source } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(impersonate !== undefined ? { impersonateServiceAccount: impersonate } : {}),
  };
  return {
    options,
    finish: () => {
      progress.done();
      if (args.verbose && stats !== undefined) for (const line of statsLines(stats)) log('INFO', line);
    },
  };
}
