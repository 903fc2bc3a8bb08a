/**
 * What the CLI says on stderr besides the report. `--log-format text` (the default) writes plain lines for
 * people; `--log-format json` writes one JSON object per line with a `severity` field, which Cloud Logging
 * (Cloud Run jobs, GKE, Cloud Build) files as a structured entry at that severity. In JSON mode the run ends
 * with exactly one line carrying the exit code and the summary, so an alert or a log-based metric needs no parsing.
 */
import { MESSAGE_MAX, safeLine } from '../report/sanitize.js';
import { EXIT } from './exit-codes.js';

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR';

export interface RunSummary {
  /** One line for people, e.g. "3 findings: 1 critical, 2 high in 6 projects". */
  message: string;
  fields: Record<string, unknown>;
}

interface LogState {
  format: LogFormat;
  summary: RunSummary | undefined;
  /** The last progress seen, so that an interrupted run can say how far it got. */
  progress: { projectsDone: number; projectsTotal: number } | undefined;
  write: (line: string) => void;
}

const state: LogState = { format: 'text', summary: undefined, progress: undefined, write: (line) => void process.stderr.write(line) };

/**
 * The format is read from argv before yargs runs, so that even a usage error (which yargs raises before any
 * handler) is reported in the requested format. yargs still validates the flag's value.
 */
export function logFormatFromArgv(argv: readonly string[]): LogFormat {
  let format: LogFormat = 'text';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const value = a === '--log-format' ? argv[i + 1] : a.startsWith('--log-format=') ? a.slice('--log-format='.length) : undefined;
    if (value === 'json' || value === 'text') format = value;
  }
  return format;
}

export function configureLog(format: LogFormat, write?: (line: string) => void): void {
  state.format = format;
  state.summary = undefined;
  state.progress = undefined;
  if (write !== undefined) state.write = write;
}

export function isJsonLog(): boolean {
  return state.format === 'json';
}

/**
 * Every line this module writes passes through here. Messages quote what users and servers sent (an input
 * file's keys, a rule id, an HTML error page), so each becomes one line with its control characters as
 * visible escapes (src/report/sanitize.ts) and is cut at MESSAGE_MAX: no ANSI or OSC sequence reaches the
 * terminal, and a 10 MB value does not become a 10 MB line.
 */
const clean = (text: string): string => safeLine(text, MESSAGE_MAX);

/** One message: plain text, or one JSON line with its severity and any extra fields. */
export function log(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
  if (state.format === 'json') state.write(JSON.stringify({ severity, message: clean(message), ...fields }) + '\n');
  else state.write(clean(message) + '\n');
}

/** Kept for the closing line of a JSON-logged run; text mode prints its own summary where it always has. */
export function recordSummary(summary: RunSummary): void {
  state.summary = summary;
}

export function recordProgress(p: { projectsDone: number; projectsTotal: number }): void {
  state.progress = { projectsDone: p.projectsDone, projectsTotal: p.projectsTotal };
}

/** Cloud Logging severity for an exit code: findings are a warning about the organisation, not a failure of the run. */
export function severityForExit(code: number): Severity {
  if (code === EXIT.OK) return 'INFO';
  if (code === EXIT.FINDINGS) return 'WARNING';
  return 'ERROR';
}

const EXIT_WORDS: Record<number, string> = {
  [EXIT.OK]: 'complete, nothing at or above --fail-on',
  [EXIT.FINDINGS]: 'findings at or above --fail-on',
  [EXIT.USAGE]: 'usage, input or credentials error',
  [EXIT.INCOMPLETE]: 'incomplete: some projects or APIs could not be read',
  [EXIT.SIGINT]: 'interrupted by SIGINT',
  [EXIT.SIGTERM]: 'interrupted by SIGTERM',
};

/** The closing JSON line of a run that ended normally (errors write their own, see `logError`). */
export function logExit(code: number, command: string): void {
  if (state.format !== 'json') return;
  const words = EXIT_WORDS[code] ?? 'finished';
  const s = state.summary;
  const message = s !== undefined ? `${command}: ${s.message} (exit ${code}: ${words})` : `${command}: exit ${code}: ${words}`;
  log(severityForExit(code), message, { exitCode: code, ...(s !== undefined ? s.fields : {}) });
}

/** A run that ended in an error: in JSON mode this is the closing line, with the exit code. */
export function logError(message: string, details: readonly string[], code: number, hint?: string): void {
  if (state.format === 'json') {
    log('ERROR', message, { exitCode: code, ...(details.length > 0 ? { details: details.map(clean) } : {}), ...(hint !== undefined ? { hint: clean(hint) } : {}) });
    return;
  }
  state.write(clean(message) + '\n');
  for (const line of details) state.write(`  ${clean(line)}\n`);
  if (hint !== undefined) state.write(clean(hint) + '\n');
}

/**
 * The closing line of a run stopped by a signal: how far it got, whether a report had been written, and the
 * exit code. In JSON mode it is the `{"exitCode":…}` line every run ends with, so a job killed at its timeout
 * still leaves one.
 */
export function logInterrupted(signal: 'SIGINT' | 'SIGTERM', code: number, command: string): void {
  const p = state.progress;
  const s = state.summary;
  const progress = p !== undefined ? ` after reading ${p.projectsDone} of ${p.projectsTotal} project${p.projectsTotal === 1 ? '' : 's'}` : '';
  const outcome = s !== undefined ? `; it had finished: ${s.message}` : '; nothing was written';
  const message = `cloudrun-auditor: ${command} interrupted by ${signal}${progress}${outcome} (exit ${code})`;
  if (state.format === 'json') {
    log('ERROR', message, { exitCode: code, signal, ...(p !== undefined ? { progress: p } : {}), ...(s !== undefined ? s.fields : {}) });
    return;
  }
  state.write(message + '\n');
}
