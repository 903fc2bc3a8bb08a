import { UserError } from '../../errors.js';
import type { Scope } from '../../model/inventory.js';
import type { CollectOptions } from '../../collect/collect.js';
import { endpointFrom } from '../scope.js';
import { progressReporter } from '../progress.js';

export interface ConnectionArgs {
  endpoint?: string;
  'impersonate-service-account'?: string;
  concurrency?: number;
  quiet?: boolean;
  verbose?: boolean;
}

export function concurrencyFrom(raw: number | undefined): number {
  const n = raw ?? 16;
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new UserError('USAGE', `--concurrency must be a whole number from 1 to 256, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** Collector options from the connection flags; progress goes to a TTY stderr only. */
export function collectOptionsFrom(args: ConnectionArgs, scope: Scope): { options: CollectOptions; finish(): void } {
  const endpoint = endpointFrom(args.endpoint ?? process.env['CLOUDRUN_AUDITOR_ENDPOINT']);
  const impersonate = args['impersonate-service-account'];
  if (impersonate !== undefined && !/^[^@\s]+@[^@\s]+\.gserviceaccount\.com$/.test(impersonate)) {
    throw new UserError('USAGE', `--impersonate-service-account must be a service account email, got ${JSON.stringify(impersonate)}`);
  }
  if (impersonate !== undefined && endpoint !== undefined) {
    throw new UserError('USAGE', '--impersonate-service-account cannot be combined with --endpoint, which sends no credentials');
  }
  const progress = progressReporter(!args.quiet);
  const options: CollectOptions = {
    scope,
    concurrency: concurrencyFrom(args.concurrency),
    onProgress: (p) => progress.update(p),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(impersonate !== undefined ? { impersonateServiceAccount: impersonate } : {}),
  };
  return { options, finish: () => progress.done() };
}
