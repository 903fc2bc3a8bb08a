import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import { displayWidth } from '../../src/report/text.js';
import { runCli } from '../e2e/cli.js';

/** Every string in the JSON report that is a command (wherever the report keeps them). */
function commandsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string' && /^(gcloud|terraform) /.test(value)) out.add(value);
  else if (Array.isArray(value)) for (const v of value) commandsIn(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) commandsIn(v, out);
  return out;
}

/** The command blocks of a table: a `$ ` line and the lines its trailing backslashes continue onto. */
function commandBlocks(table: string): string[][] {
  const lines = table.split('\n');
  const blocks: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^ +\$ /.test(lines[i]!)) continue;
    const block = [lines[i]!];
    while (block.at(-1)!.endsWith('\\') && i + 1 < lines.length) block.push(lines[++i]!);
    blocks.push(block);
  }
  return blocks;
}

/**
 * Undoes the wrapping as text: ` \` between words (the next line's indentation goes), `'\` + `'` where a
 * single-quoted part was closed and reopened, and a bare `\` inside a word.
 */
function rejoin(block: string[]): string {
  let out = '';
  let afterWordBreak = false;
  let dropQuote = false;
  block.forEach((raw, i) => {
    let line = i === 0 ? raw.replace(/^ +\$ /, '') : raw;
    if (afterWordBreak) line = line.replace(/^ +/, '');
    if (dropQuote) line = line.slice(1);
    const next = block[i + 1];
    afterWordBreak = false;
    dropQuote = false;
    if (next === undefined) out += line;
    else if (line.endsWith(' \\')) {
      out += line.slice(0, -2) + ' ';
      afterWordBreak = true;
    } else if (line.endsWith("'\\") && next.startsWith("'")) {
      out += line.slice(0, -2);
      dropQuote = true;
    } else out += line.slice(0, -1);
  });
  return out;
}

/** The words a POSIX shell makes of a command, one per line: proof the block runs as the command it stands for. */
function shellArgv(command: string): string {
  return execFileSync('sh', ['-c', `set -- ${command}\nprintf '%s\\n' "$@"`], { encoding: 'utf8' });
}

let json: Set<string>;

beforeAll(async () => {
  const res = await runCli(['demo', '--format', 'json']);
  expect(res.code).toBe(0);
  json = commandsIn(JSON.parse(res.stdout));
  expect(json.size).toBeGreaterThan(10);
}, 60_000);

describe('commands in the table are never cut', () => {
  test.each([
    ['COLUMNS=60 (piped)', 60, [], { COLUMNS: '60' }],
    ['COLUMNS=80 (piped)', 80, [], { COLUMNS: '80' }],
    ['--width 200', 200, ['--width', '200'], {}],
    ['--width 60 wins over COLUMNS=200', 60, ['--width', '60'], { COLUMNS: '200' }],
  ] as const)('%s: every command complete, as in the JSON report, and every line within the width', async (_name, width, args, env) => {
    const res = await runCli(['demo', ...args], env);
    expect(res.code).toBe(0);
    for (const line of res.stdout.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
    const blocks = commandBlocks(res.stdout);
    expect(blocks.length).toBeGreaterThan(10);
    const seen = new Set<string>();
    for (const block of blocks) {
      const command = rejoin(block);
      expect(command).toMatch(/^(gcloud|terraform) /);
      expect(block.at(-1)).not.toMatch(/…$/);
      expect(block.join('\n')).not.toContain('…');
      expect(json.has(command), `${command}\n${block.join('\n')}`).toBe(true);
      if (!seen.has(command)) expect(shellArgv(block.join('\n').replace(/^ +\$ /, ''))).toBe(shellArgv(command));
      seen.add(command);
    }
    // The CRITICAL finding's fix, whose condition is one word longer than any line here, is among them whole.
    expect([...seen].some((c) => c.includes("--condition='expression=request.time < timestamp"))).toBe(true);
  }, 60_000);

  test('--width below 40, or not a number: exit 2 with one line, before anything runs', async () => {
    for (const value of ['39', 'wide']) {
      const res = await runCli(['demo', '--width', value]);
      expect(res.code).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toBe(
        `cloudrun-auditor: --width must be a whole number of columns, at least 40, got ${value === '39' ? '39' : 'something that is not a number'}\n`,
      );
    }
  });
});
