/**
 * Node prints process warnings straight to stderr in its own format, which breaks --log-format json (every
 * stderr line must be a JSON object) and, with no credentials, buries the one-line error under two lines of
 * google-auth-library noise. Warnings go through the log instead, in the chosen format, or are dropped when
 * they say nothing the user can act on.
 */
import { log } from './log.js';

/** gcp-metadata's "is this a Google VM?" probe failing: the credentials error already says what to do. */
const ALWAYS_DROPPED = new Set(['MetadataLookupWarning']);

/** Deprecations inside dependencies: for maintainers, shown with --verbose. */
const VERBOSE_ONLY = new Set(['DeprecationWarning']);

export function routeProcessWarnings(verbose: boolean): void {
  process.removeAllListeners('warning');
  process.on('warning', (w: Error) => {
    if (ALWAYS_DROPPED.has(w.name)) return;
    if (VERBOSE_ONLY.has(w.name) && !verbose) return;
    log('WARNING', `cloudrun-auditor: warning: ${w.name}: ${w.message}`, { warning: w.name });
  });
}
