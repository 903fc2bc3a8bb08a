/**
 * The safe writer in-process: what stands at the target, what a failure leaves behind, and what an all-or-nothing
 * commit restores. Every case here was a reproduction in issue 16 (item 2) against the old writer, which opened
 * `.NAME.PID.tmp` without O_EXCL, followed links, and renamed over whatever was at the target.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { StagedFiles, writeFileSafely } from '../../src/files/safe-write.js';
import { ensureDirectory } from '../../src/files/targets.js';
import { writeChunks } from '../../src/cli/output.js';
import { snapshotChunks, writeSnapshot } from '../../src/model/snapshot.js';
import type { Inventory } from '../../src/model/inventory.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cra-writes-'));
});

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** Every name in the directory: a temporary file left behind shows up here. */
const names = (d: string = dir): string[] => readdirSync(d).sort();

describe('what stands at the target', () => {
  test('a new file: written whole, and nothing else is left in the directory', async () => {
    const target = join(dir, 'report.json');
    await writeFileSafely(target, ['{"a":', '1}\n']);
    expect(readFileSync(target, 'utf8')).toBe('{"a":1}\n');
    expect(names()).toEqual(['report.json']);
  });

  test('an existing regular file is replaced by a new inode (renamed over, not rewritten in place)', async () => {
    const target = join(dir, 'report.json');
    writeFileSync(target, 'old');
    const before = lstatSync(target).ino;
    await writeFileSafely(target, ['new']);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(lstatSync(target).ino).not.toBe(before);
  });

  test('the replaced file\'s permission bits are kept: a report made private stays private', async () => {
    const target = join(dir, 'report.json');
    writeFileSync(target, 'old');
    chmodSync(target, 0o600);
    await writeFileSafely(target, ['new']);
    expect(lstatSync(target).mode & 0o777).toBe(0o600);
    const files = new StagedFiles();
    await files.add(join(dir, 'a.json'), ['a']);
    files.copyOf(join(dir, 'a.json'), target);
    files.commit();
    expect(lstatSync(target).mode & 0o777).toBe(0o600);
  });

  test('a FIFO is refused with one line and stays a FIFO; no temporary file is left', async () => {
    const fifo = join(dir, 'pipe');
    mkfifo(fifo);
    await expect(writeFileSafely(fifo, ['x'])).rejects.toMatchObject({ code: 'OUTPUT', message: `cannot write ${fifo}: it is a named pipe (FIFO), not a regular file` });
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(names()).toEqual(['pipe']);
  });

  test('a character device is refused and stays one (the old writer, as root, replaced /dev/null with a file)', async () => {
    // A private copy of /dev/null (same major/minor) where root may make one, so a broken writer harms only the test.
    const device = join(dir, 'null');
    let target = device;
    try {
      execFileSync('mknod', ['-m', '666', device, 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      target = '/dev/null'; // not root: the writer could not replace /dev/null anyway
    }
    expect(lstatSync(target).isCharacterDevice()).toBe(true);
    await expect(writeFileSafely(target, ['x'])).rejects.toMatchObject({
      code: 'OUTPUT',
      message: `cannot write ${target}: it is a character device, not a regular file`,
    });
    expect(lstatSync(target).isCharacterDevice()).toBe(true);
  });

  test('a directory is refused', async () => {
    mkdirSync(join(dir, 'sub'));
    await expect(writeFileSafely(join(dir, 'sub'), ['x'])).rejects.toMatchObject({ message: `cannot write ${join(dir, 'sub')}: it is a directory, not a regular file` });
  });

  test('a symbolic link at the target is replaced by the file; what it pointed at is untouched', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const target = join(dir, 'latest.json');
    symlinkSync(victim, target);
    await writeFileSafely(target, ['report']);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(target).isFile()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('report');
  });

  test('a symbolic link planted at the old predictable temporary name (.NAME.PID.tmp) is never written through', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const target = join(dir, 'report.json');
    const planted = join(dir, `.report.json.${process.pid}.tmp`);
    symlinkSync(victim, planted);
    await writeChunks(['report'], target);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(target, 'utf8')).toBe('report');
    expect(lstatSync(planted).isSymbolicLink()).toBe(true);
  });

  test('an fs failure names the user\'s file, never a temporary name', async () => {
    const missing = join(dir, 'no-such-dir', 'report.json');
    const err = (await writeFileSafely(missing, ['x']).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(`cannot write ${missing}: its directory does not exist`);
  });
});

describe('a failure leaves the previous file whole', () => {
  test('a renderer that throws half way: the exact error passes through, the old file is unchanged, no temporary file remains', async () => {
    const target = join(dir, 'report.html');
    writeFileSync(target, 'previous report');
    function* failing(): Iterable<string> {
      yield '<html>';
      throw new Error('render failed');
    }
    await expect(writeFileSafely(target, failing())).rejects.toThrow(/^render failed$/);
    expect(readFileSync(target, 'utf8')).toBe('previous report');
    expect(names()).toEqual(['report.html']);
  });

  test('the previous snapshot survives a snapshot write that fails part way (the old `collect --output` truncated it first)', async () => {
    const target = join(dir, 'snapshot.json');
    writeFileSync(target, '{"previous":true}');
    // A value JSON cannot serialise in the second project: the first project's chunks are written, then it throws.
    const good = { projectId: 'a', services: [], jobs: [] };
    const bad = { projectId: 'b', services: [], jobs: [], n: 1n };
    const inv = { version: 3, projects: [good, bad], errors: [] } as unknown as Inventory;
    expect(() => writeSnapshot(inv, target)).toThrow(/BigInt/);
    expect(readFileSync(target, 'utf8')).toBe('{"previous":true}');
    await expect(writeChunks(snapshotChunks(inv), target)).rejects.toThrow(/BigInt/);
    expect(readFileSync(target, 'utf8')).toBe('{"previous":true}');
    expect(names()).toEqual(['snapshot.json']);
  });
});

describe('several files staged together change together or not at all', () => {
  test('a rename that fails on the second file puts the first one back and removes every temporary file', async () => {
    writeFileSync(join(dir, 'latest.json'), 'old json');
    writeFileSync(join(dir, 'latest.html'), 'old html');
    let calls = 0;
    const files = new StagedFiles((from, to) => {
      if (++calls === 2) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO', errno: -5 });
      renameSync(from, to);
    });
    await files.add(join(dir, 'latest.json'), ['new json']);
    await files.add(join(dir, 'latest.html'), ['new html']);
    await files.add(join(dir, 'new.csv'), ['new csv']);
    expect(() => files.commit()).toThrow(`cannot write ${join(dir, 'latest.html')}: input/output error; the files replaced before it were put back`);
    expect(readFileSync(join(dir, 'latest.json'), 'utf8')).toBe('old json');
    expect(readFileSync(join(dir, 'latest.html'), 'utf8')).toBe('old html');
    expect(names()).toEqual(['latest.html', 'latest.json']);
  });

  test('a file that did not exist before is removed again when a later rename fails', async () => {
    let calls = 0;
    const files = new StagedFiles((from, to) => {
      if (++calls === 2) throw Object.assign(new Error('EIO'), { code: 'EIO', errno: -5 });
      renameSync(from, to);
    });
    await files.add(join(dir, 'a.json'), ['a']);
    await files.add(join(dir, 'b.json'), ['b']);
    expect(() => files.commit()).toThrow(/put back$/);
    expect(names()).toEqual([]);
  });

  test('a target turned into a FIFO during the scan is caught at commit, before any file changes', async () => {
    writeFileSync(join(dir, 'latest.json'), 'old json');
    const files = new StagedFiles();
    await files.add(join(dir, 'latest.json'), ['new json']);
    await files.add(join(dir, 'latest.csv'), ['new csv']);
    mkfifo(join(dir, 'latest.csv'));
    expect(() => files.commit()).toThrow(`cannot write ${join(dir, 'latest.csv')}: it is a named pipe (FIFO), not a regular file`);
    expect(readFileSync(join(dir, 'latest.json'), 'utf8')).toBe('old json');
    expect(names()).toEqual(['latest.csv', 'latest.json']);
  });

  test('copyOf stages a byte-identical second file (the latest.* copy)', async () => {
    const files = new StagedFiles();
    const big = 'x'.repeat(3 << 20) + 'é';
    await files.add(join(dir, 'cloudrun-audit-1.json'), [big]);
    files.copyOf(join(dir, 'cloudrun-audit-1.json'), join(dir, 'latest.json'));
    files.commit();
    expect(readFileSync(join(dir, 'latest.json'), 'utf8')).toBe(big);
    expect(names()).toEqual(['cloudrun-audit-1.json', 'latest.json']);
  });
});

describe('directories', () => {
  test('ensureDirectory makes every missing level, and accepts what exists', () => {
    ensureDirectory(join(dir, 'a', 'b', 'c'));
    ensureDirectory(join(dir, 'a', 'b', 'c'));
    expect(lstatSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
  });

  test('ensureDirectory under /proc fails with one line instead of looping (Node\'s recursive mkdir spins there)', () => {
    expect(() => ensureDirectory('/proc/cra-test/x')).toThrow('cannot create directory /proc/cra-test/x: this file system does not allow creating it');
  });

  test('ensureDirectory through a regular file says which part is not a directory', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(() => ensureDirectory(join(dir, 'file', 'sub'))).toThrow(`cannot create directory ${join(dir, 'file', 'sub')}: ${join(dir, 'file')} exists and is not a directory`);
  });
});
