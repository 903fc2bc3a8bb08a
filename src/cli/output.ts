/**
 * Where reports and other command output go: stdout, or files written by the one safe writer
 * (src/files/safe-write.ts). The targets are checked before any work starts, so a path that cannot be written
 * fails in a second with exit 2, not after an hour of scanning.
 */
import { lstatSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileSafely } from '../files/safe-write.js';
import { ensureDirectory, isDirectory, probeWritable, specialKind } from '../files/targets.js';
import { isGcsUrl } from '../google/gcs-url.js';

/** `-` and no file at all both mean stdout. */
export function isStdout(file: string | undefined): file is undefined | '-' {
  return file === undefined || file === '-';
}

/**
 * Set once the reader of stdout has gone (`… | head`): what is left of the report has nowhere to go, which is
 * the reader's choice, not a failure of the scan. The run ends with its usual exit code and stderr summary.
 */
let stdoutGone = false;

/**
 * Called once at start-up: a closed pipe on stdout (EPIPE) stops report output quietly instead of surfacing as
 * an "internal error" (or an uncaught one, when Node reports it after the last write).
 */
export function guardStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') stdoutGone = true;
    else throw e;
  });
}

/** Writes chunks to `file` safely (all or nothing, never through a link or onto a device), or to stdout. */
export async function writeChunks(chunks: Iterable<string>, file: string | undefined): Promise<void> {
  if (isStdout(file)) {
    for (const chunk of chunks) {
      if (stdoutGone) return;
      if (process.stdout.write(chunk)) continue;
      try {
        await once(process.stdout, 'drain');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') return;
        throw e;
      }
    }
    return;
  }
  ensureDirectory(dirname(file));
  await writeFileSafely(file, chunks);
}

export interface OutputFileCheck {
  /** How the user named it, for the message: `--output` (default). */
  flag?: string;
  /** When it is a directory, suggest --output-dir (report commands have it; `collect` does not). */
  suggestOutputDir?: boolean;
}

/**
 * Checks a file target before any work: not a directory, device, FIFO or socket; its directory exists or can
 * be made, and a file can be created in it. Messages name the user's path, never a temporary file.
 */
export function checkOutputFile(file: string | undefined, check: OutputFileCheck = {}): void {
  if (isStdout(file)) return;
  const flag = check.flag ?? '--output';
  if (file === '') throw new UserError('USAGE', `${flag} needs a file name (or - for stdout)`);
  if (isDirectory(file)) {
    throw new UserError(
      'OUTPUT',
      check.suggestOutputDir === true ? `${flag} ${file} is a directory: did you mean --output-dir ${file}?` : `${flag} ${file} is a directory: give a file name`,
    );
  }
  let kind: string | undefined;
  try {
    kind = specialKind(lstatSync(file));
  } catch {
    kind = undefined; // absent, or unreadable: the probe below says why if it matters
  }
  if (kind !== undefined) {
    throw new UserError('OUTPUT', `${flag} ${file} is ${kind}, not a regular file: reports are written to regular files only (leave out ${flag}, or give -, for stdout)`);
  }
  const dir = dirname(file);
  try {
    ensureDirectory(dir);
    probeWritable(dir);
  } catch (e) {
    if (e instanceof UserError) throw new UserError('OUTPUT', `${flag} ${file}: ${e.message}`);
    throw e;
  }
}

/** Checks `--output-dir DIR` before any work: it is (or can be made) a writable directory, and no latest.* in it is a device or directory. */
export function checkOutputDir(dir: string | undefined, extensions: readonly string[]): void {
  if (dir === undefined || isGcsUrl(dir)) return;
  if (dir === '') throw new UserError('USAGE', '--output-dir needs a directory name');
  try {
    ensureDirectory(dir);
    probeWritable(dir);
  } catch (e) {
    if (e instanceof UserError) throw new UserError('OUTPUT', `--output-dir ${dir}: ${e.message}`);
    throw e;
  }
  for (const ext of extensions) {
    const latest = join(dir, `latest.${ext}`);
    let kind: string | undefined;
    try {
      kind = specialKind(lstatSync(latest));
    } catch {
      kind = undefined;
    }
    if (kind !== undefined) throw new UserError('OUTPUT', `--output-dir ${dir}: ${latest} is ${kind}, not a regular file: remove it or choose another directory`);
  }
}
