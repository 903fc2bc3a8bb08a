/**
 * Words for a failed file-system call. Node's own messages name the path the call used, which for our writes
 * is a temporary file the user never asked for; these words name no path, so each message can name the file
 * the user gave instead.
 */
const WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file is too large for the file system',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'input/output error',
  ENOENT: 'no such file or directory',
  EEXIST: 'it already exists',
  EXDEV: 'it is on another file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'it is busy',
};

export function errnoCode(err: unknown): string | undefined {
  const c = (err as NodeJS.ErrnoException | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** True for an error raised by a file-system call (it carries an errno code), as opposed to a bug or a renderer's throw. */
export function isFsError(err: unknown): boolean {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).errno === 'number' && errnoCode(err) !== undefined;
}

export function fsReason(err: unknown): string {
  const c = errnoCode(err);
  if (c === undefined) return 'unexpected error';
  return WORDS[c] ?? `system error ${c}`;
}
