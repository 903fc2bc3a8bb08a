/**
 * The one way cloudrun-auditor writes a file (reports, latest.*, snapshots, the role cache):
 *
 * 1. a temporary file is created beside the target, exclusively, under a random name, never through a link;
 * 2. the content is written and fsync'd;
 * 3. only then is it renamed over the target, which is refused if it is a device, FIFO, socket or directory.
 *
 * A reader therefore sees the old file or the new one, never half of one, and a failure leaves the old file as
 * it was. Several files staged together are put in place together or not at all (`StagedFiles.commit`).
 */
import { closeSync, constants, fchmodSync, fsyncSync, linkSync, lstatSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { errnoCode, fsReason, isFsError } from './fs-reason.js';
import { EXCLUSIVE_CREATE, modeToKeep, refuseSpecialTarget, tempNameFor } from './targets.js';

/** Temporary files this process created and has neither renamed nor removed: an interrupted run removes them. */
const liveTemps = new Set<string>();

/** Removes every temporary file still in flight (synchronous: it runs from a signal handler just before exit). */
export function removeLiveTemps(): void {
  for (const path of liveTemps) removeQuietly(path);
  liveTemps.clear();
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or never created: nothing to clean.
  }
}

/** Bytes gathered before each write call: snapshot chunks are small, and one syscall per chunk is slow. */
const WRITE_BATCH = 1 << 20;

/** An open with EEXIST means someone already holds that random name: draw another, never reuse theirs. */
const NAME_ATTEMPTS = 8;

async function createTemp(target: string): Promise<{ path: string; handle: FileHandle }> {
  for (let i = 0; i < NAME_ATTEMPTS; i++) {
    const path = tempNameFor(target);
    // Registered before the open: a signal handled while it is in flight must still find the file to remove.
    liveTemps.add(path);
    try {
      const handle = await open(path, EXCLUSIVE_CREATE, 0o666);
      return { path, handle };
    } catch (e) {
      liveTemps.delete(path);
      if (errnoCode(e) !== 'EEXIST') throw e;
    }
  }
  throw Object.assign(new Error('no free temporary name'), { code: 'EEXIST', errno: -17 });
}

function createTempSync(target: string): { path: string; fd: number } {
  for (let i = 0; i < NAME_ATTEMPTS; i++) {
    const path = tempNameFor(target);
    try {
      const fd = openSync(path, EXCLUSIVE_CREATE, 0o666);
      liveTemps.add(path);
      return { path, fd };
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw e;
    }
  }
  throw Object.assign(new Error('no free temporary name'), { code: 'EEXIST', errno: -17 });
}

/** writeSync may write less than asked (a full disk, a signal): loop until all of it is written or it throws. */
function writeAllSync(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

/** An fs failure becomes one line naming the user's file; anything else (a renderer that threw) passes unchanged. */
function asWriteError(target: string, e: unknown): unknown {
  if (e instanceof UserError) return e;
  if (!isFsError(e)) return e;
  // The temporary file is created in the target's directory, so ENOENT there means that directory is missing.
  const why = errnoCode(e) === 'ENOENT' ? 'its directory does not exist' : fsReason(e);
  return new UserError('OUTPUT', `cannot write ${target}: ${why}`);
}

/** Makes a rename durable: the directory entry is on disk too. Some file systems refuse fsync on a directory; that is fine. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Best effort.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Closes (if still open) and removes a temporary file that will not be used. */
function abandonSync(temp: { path: string; fd: number }): void {
  try {
    closeSync(temp.fd);
  } catch {
    // Closed already.
  }
  removeQuietly(temp.path);
  liveTemps.delete(temp.path);
}

interface Staged {
  target: string;
  temp: string;
}

/** The renames a commit makes; a test replaces it to prove that a failed rename puts every earlier file back. */
export type RenameFn = (from: string, to: string) => void;

export class StagedFiles {
  private readonly staged: Staged[] = [];

  constructor(private readonly rename: RenameFn = renameSync) {}

  /** Writes `chunks` to a new temporary file for `target`. On any failure the temporary file is gone. */
  async add(target: string, chunks: Iterable<string>): Promise<void> {
    const mode = modeToKeep(refuseSpecialTarget(target));
    let temp: { path: string; handle: FileHandle } | undefined;
    try {
      temp = await createTemp(target);
      if (mode !== undefined) await temp.handle.chmod(mode);
      let pending = '';
      for (const chunk of chunks) {
        pending += chunk;
        if (pending.length >= WRITE_BATCH) {
          await temp.handle.write(pending, null, 'utf8');
          pending = '';
        }
      }
      if (pending !== '') await temp.handle.write(pending, null, 'utf8');
      await temp.handle.sync();
      await temp.handle.close();
      this.staged.push({ target, temp: temp.path });
    } catch (e) {
      if (temp !== undefined) {
        await temp.handle.close().catch(() => undefined);
        removeQuietly(temp.path);
        liveTemps.delete(temp.path);
      }
      throw asWriteError(target, e);
    }
  }

  /** Synchronous `add`, for callers that are synchronous themselves (snapshots, the role cache). */
  addSync(target: string, chunks: Iterable<string> | string): void {
    this.stageSync(target, (fd) => {
      let pending = '';
      for (const chunk of typeof chunks === 'string' ? [chunks] : chunks) {
        pending += chunk;
        if (pending.length >= WRITE_BATCH) {
          writeAllSync(fd, pending);
          pending = '';
        }
      }
      if (pending !== '') writeAllSync(fd, pending);
    });
  }

  /** Stages `target` with the same content as the already staged `from` (the latest.* copy of a timestamped report). */
  copyOf(from: string, target: string): void {
    const source = this.staged.find((s) => s.target === from);
    if (source === undefined) throw new Error(`${from} is not staged`);
    this.stageSync(target, (fd) => {
      // Copied through the descriptor we created, never by name, so nothing put at that name meanwhile is written to.
      const input = openSync(source.temp, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const buf = Buffer.allocUnsafe(WRITE_BATCH);
        for (let n = readSync(input, buf); n > 0; n = readSync(input, buf)) {
          for (let off = 0; off < n; ) off += writeSync(fd, buf, off, n - off);
        }
      } finally {
        closeSync(input);
      }
    });
  }

  /** One staged file: an exclusive temp beside `target` (its mode kept), filled by `fill`, flushed and closed. */
  private stageSync(target: string, fill: (fd: number) => void): void {
    const mode = modeToKeep(refuseSpecialTarget(target));
    let temp: { path: string; fd: number } | undefined;
    try {
      temp = createTempSync(target);
      if (mode !== undefined) fchmodSync(temp.fd, mode);
      fill(temp.fd);
      fsyncSync(temp.fd);
      closeSync(temp.fd);
      this.staged.push({ target, temp: temp.path });
    } catch (e) {
      if (temp !== undefined) abandonSync(temp);
      throw asWriteError(target, e);
    }
  }

  /**
   * Puts every staged file in place, or none. Each target is checked again first (it may have changed during a
   * long scan). The old files are kept as hard links until every rename has worked, so a rename that fails half
   * way puts the earlier ones back. All synchronous: no signal handler can run between two renames.
   */
  commit(): void {
    try {
      for (const s of this.staged) refuseSpecialTarget(s.target);
    } catch (e) {
      this.discard();
      throw e;
    }
    // One file needs no backup: if its rename fails, nothing has changed.
    const backups = this.staged.map((s) => (this.staged.length > 1 ? keepOld(s.target) : undefined));
    let done = 0;
    try {
      for (const s of this.staged) {
        this.rename(s.temp, s.target);
        liveTemps.delete(s.temp);
        done++;
      }
    } catch (e) {
      const failed = this.staged[done]!;
      const restored = this.rollBack(done, backups);
      this.discard();
      dropBackups(backups);
      const after = done === 0 ? '' : restored ? '; the files replaced before it were put back' : '; some files replaced before it could not be put back';
      throw new UserError('OUTPUT', `cannot write ${failed.target}: ${fsReason(e)}${after}`);
    }
    dropBackups(backups);
    for (const dir of new Set(this.staged.map((s) => dirname(s.target)))) syncDirectory(dir);
    this.staged.length = 0;
  }

  /** Undoes the first `count` renames; true when every one was undone. */
  private rollBack(count: number, backups: readonly Backup[]): boolean {
    let all = true;
    for (let i = count - 1; i >= 0; i--) {
      const s = this.staged[i]!;
      const b = backups[i];
      try {
        if (b === null) unlinkSync(s.target); // there was no file before
        else if (b !== undefined) {
          renameSync(b, s.target);
          liveTemps.delete(b);
        } else all = false; // there was one, but no backup could be made
      } catch {
        all = false;
      }
    }
    return all;
  }

  /** Removes every staged temporary file; the targets are untouched. */
  discard(): void {
    for (const s of this.staged) {
      removeQuietly(s.temp);
      liveTemps.delete(s.temp);
    }
    this.staged.length = 0;
  }
}

/**
 * The old file kept as a hard link, so a failed commit can put it back: null when there was no file, undefined
 * when the file system cannot link (then a failed commit cannot restore this one, and says so).
 */
type Backup = string | null | undefined;

function dropBackups(backups: readonly Backup[]): void {
  for (const b of backups) {
    if (typeof b !== 'string') continue;
    removeQuietly(b);
    liveTemps.delete(b);
  }
}

function keepOld(target: string): Backup {
  try {
    lstatSync(target);
  } catch {
    return null;
  }
  const backup = tempNameFor(target);
  try {
    linkSync(target, backup);
    liveTemps.add(backup);
    return backup;
  } catch {
    return undefined;
  }
}

/** Writes one file safely (see the top of this file). */
export async function writeFileSafely(target: string, chunks: Iterable<string>): Promise<void> {
  const files = new StagedFiles();
  await files.add(target, chunks);
  files.commit();
}

export function writeFileSafelySync(target: string, chunks: Iterable<string> | string): void {
  const files = new StagedFiles();
  files.addSync(target, chunks);
  files.commit();
}
