import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { once } from 'node:events';
import { UserError } from '../errors.js';

/**
 * Writes chunks to `file` through a temporary file renamed into place at the end, so a failed run never
 * leaves a partial report behind. Without a file, chunks go to stdout.
 */
export async function writeChunks(chunks: Iterable<string>, file: string | undefined): Promise<void> {
  if (file === undefined || file === '-') {
    for (const chunk of chunks) {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    }
    return;
  }
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError('OUTPUT', `cannot create directory ${dir}: ${(e as Error).message}`);
  }
  const tmp = join(dir, `.${basename(file)}.${process.pid}.tmp`);
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  try {
    for (const chunk of chunks) {
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    renameSync(tmp, file);
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw new UserError('OUTPUT', `cannot write ${file}: ${(e as Error).message}`);
  }
}
