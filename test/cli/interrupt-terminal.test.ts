/**
 * On a terminal, an interrupted run first erases the current line (the progress line, or the ^C the terminal
 * echoed) so its closing line starts clean; its temporary files are gone before it exits. The signal is
 * delivered to the handler in-process, with a stand-in for the terminal and for process.exit.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { endOnInterrupt } from '../../src/cli/interrupt.js';
import { configureLog, recordProgress } from '../../src/cli/log.js';
import { StagedFiles } from '../../src/files/safe-write.js';

let stop: () => void = () => {};
afterEach(() => stop());

function terminal(isTTY: boolean) {
  const out: string[] = [];
  const exits: number[] = [];
  const io = { stderr: { isTTY, write: (s: string) => out.push(s) > 0 }, exit: (c: number) => void exits.push(c) };
  return { out, exits, io };
}

test('SIGINT on a terminal: the line is erased, then one closing line with the progress, exit 130, no temporary file left', async () => {
  const t = terminal(true);
  configureLog('text', (line) => t.out.push(line));
  recordProgress({ projectsDone: 3, projectsTotal: 8 });
  const dir = mkdtempSync(join(tmpdir(), 'cra-int-'));
  const files = new StagedFiles();
  await files.add(join(dir, 'report.json'), ['half a report']);
  stop = endOnInterrupt('audit', t.io);

  process.emit('SIGINT', 'SIGINT');

  expect(t.out).toEqual(['\r\u001b[2K', 'cloudrun-auditor: audit interrupted by SIGINT after reading 3 of 8 projects; nothing was written (exit 130)\n']);
  expect(t.exits).toEqual([130]);
  expect(readdirSync(dir)).toEqual([]); // the staged temporary file is removed, and no report.json appeared
});

test('not a terminal (a pipe, a Cloud Run log): no control characters, just the line', () => {
  const t = terminal(false);
  configureLog('json', (line) => t.out.push(line));
  stop = endOnInterrupt('collect', t.io);

  process.emit('SIGTERM', 'SIGTERM');

  expect(t.out.map((l) => JSON.parse(l) as unknown)).toEqual([
    { severity: 'ERROR', message: 'cloudrun-auditor: collect interrupted by SIGTERM; nothing was written (exit 143)', exitCode: 143, signal: 'SIGTERM' },
  ]);
  expect(t.exits).toEqual([143]);
});
