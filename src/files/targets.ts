/**
 * What may stand where we are about to write, and the directories we write into. Checked before a scan (so a
 * bad path fails in a second, not after an hour of reading) and again just before each file is put in place.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, parse, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { errnoCode, fsReason } from './fs-reason.js';

/** Create exclusively and never through a symbolic link: a name someone planted makes the open fail, not redirect it. */
export const EXCLUSIVE_CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * A fresh, unguessable name beside `target`. The base is cut so the name stays within the 255-byte limit of
 * common file systems, whatever the target is called.
 */
export function tempNameFor(target: string): string {
  return join(dirname(target), `.${basename(target).slice(0, 100)}.${randomBytes(8).toString('hex')}.tmp`);
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw new UserError('OUTPUT', `cannot write ${path}: ${fsReason(e)}`);
  }
}

/** "a character device", … for anything that is not a regular file or a symbolic link; undefined for those two. */
export function specialKind(st: Stats): string | undefined {
  if (st.isFile() || st.isSymbolicLink()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Refuses a target that exists and is not a regular file. Renaming over a device, a FIFO or a socket would
 * replace it with a regular file (as root, /dev/null itself). A symbolic link is allowed: the rename replaces
 * the link and never writes through it, so what it points at is untouched.
 */
export function refuseSpecialTarget(target: string): Stats | undefined {
  const st = lstatOrUndefined(target);
  if (st === undefined) return undefined;
  const kind = specialKind(st);
  if (kind !== undefined) throw new UserError('OUTPUT', `cannot write ${target}: it is ${kind}, not a regular file`);
  return st;
}

/**
 * The permission bits the new file should carry: those of the regular file it replaces (a report someone made
 * private stays private), else undefined for the default.
 */
export function modeToKeep(st: Stats | undefined): number | undefined {
  return st?.isFile() === true ? st.mode & 0o777 : undefined;
}

/** True when `path` is a directory, or a symbolic link to one. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * mkdir -p, one component at a time, so it ends after as many steps as the path has parts. Node's recursive
 * mkdir retries forever on file systems that answer ENOENT for a parent that exists (procfs does: /proc/x).
 */
export function ensureDirectory(dir: string): void {
  const abs = resolve(dir);
  const root = parse(abs).root;
  let current = root;
  for (const part of abs.slice(root.length).split(sep).filter((p) => p !== '')) {
    current = join(current, part);
    let st: Stats | undefined;
    try {
      st = statSync(current);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw new UserError('OUTPUT', `cannot create directory ${dir}: ${current}: ${fsReason(e)}`);
    }
    if (st !== undefined) {
      if (st.isDirectory()) continue;
      throw new UserError('OUTPUT', `cannot create directory ${dir}: ${current} exists and is not a directory`);
    }
    try {
      mkdirSync(current);
    } catch (e) {
      if (errnoCode(e) === 'EEXIST' && isDirectory(current)) continue;
      // ENOENT after its parent was found: the file system (procfs, sysfs) allows no new entries there.
      const why = errnoCode(e) === 'ENOENT' ? 'this file system does not allow creating it' : fsReason(e);
      throw new UserError('OUTPUT', `cannot create directory ${dir}: ${why}`);
    }
  }
}

/** Proves files can be created in `dir` the way the writer creates them: one exclusive temporary file, removed at once. */
export function probeWritable(dir: string): void {
  const probe = tempNameFor(join(dir, 'write-test'));
  let fd: number;
  try {
    fd = openSync(probe, EXCLUSIVE_CREATE, 0o600);
  } catch (e) {
    // ENOENT for a directory that exists: procfs and the like allow no new files.
    const why = errnoCode(e) === 'ENOENT' ? 'this file system does not allow creating files in it' : fsReason(e);
    throw new UserError('OUTPUT', `cannot write in directory ${dir}: ${why}`);
  }
  closeSync(fd);
  unlinkSync(probe);
}
