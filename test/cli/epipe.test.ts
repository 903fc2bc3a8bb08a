/**
 * `cloudrun-auditor demo | head`: the reader closes the pipe early. That is the reader's choice, so the run ends
 * with its usual exit code and summary, and never with "internal error: write EPIPE".
 */
import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';
import { CLI } from '../e2e/cli.js';

test('a closed stdout pipe stops the report quietly: same exit code, no internal error', async () => {
  const child = spawn(process.execPath, [CLI, 'demo', '--format', 'html'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Close the reading end before the report is written: every write to it now fails with EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(stderr).not.toMatch(/internal error|EPIPE/);
  expect(stderr).toMatch(/A real `cloudrun-auditor audit` of this organisation would exit 1/);
  expect(code).toBe(0);
});
