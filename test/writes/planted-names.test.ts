/**
 * Temporary names are random, so an attacker cannot know them in advance; this proves that even a correct guess
 * redirects nothing. The random source is made predictable here, a symbolic link is planted at the first name
 * the writer will draw, and the writer must refuse that name (O_EXCL | O_NOFOLLOW) and draw another.
 */
import { lstatSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';

let draws = 0;
vi.mock('node:crypto', async (original) => {
  const real = await original<typeof import('node:crypto')>();
  return { ...real, randomBytes: (n: number) => Buffer.alloc(n, ++draws) };
});

const { writeFileSafely } = await import('../../src/files/safe-write.js');

test('a symbolic link at the very name the writer draws is not followed: the writer takes another name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cra-planted-'));
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious');
  const next = Buffer.alloc(8, draws + 1).toString('hex');
  const planted = join(dir, `.report.json.${next}.tmp`);
  symlinkSync(victim, planted);

  await writeFileSafely(join(dir, 'report.json'), ['report']);

  expect(draws).toBeGreaterThanOrEqual(2); // the planted name was drawn, refused, and another drawn
  expect(readFileSync(victim, 'utf8')).toBe('precious');
  expect(lstatSync(planted).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('report');
  expect(readdirSync(dir).sort()).toEqual([`.report.json.${next}.tmp`, 'report.json', 'victim.txt']);
});
