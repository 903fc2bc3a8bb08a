/**
 * A scan stopped by a signal still ends with its closing line. Cloud Run jobs send SIGTERM at their timeout;
 * the README promises that every JSON-logged run ends with one `{"exitCode":…}` line, which alerts are built on.
 * The emulator is made slow (every answer held back) or stalls one project, the CLI is signalled once the scan
 * is visibly under way (a request in the log, or a progress line), and nothing here waits on a clock.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { CLI } from '../e2e/cli.js';

const ORG = '482915736104';
const running: RunningEmulator[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.close();
});

interface Spawned {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnCli(args: string[]): Spawned {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', CLOUDRUN_AUDITOR_ENDPOINT: '' } });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdout.resume();
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, done };
}

/** Polls a condition on the event loop; the test's own timeout is the only limit, never an assertion on time. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 25));
}

test('SIGTERM mid-scan (--log-format json): exit 143, the last stderr line is the JSON exit line, no file left in --output-dir', async () => {
  // Every answer held back far longer than the test runs: the scan is certainly in flight when the signal comes.
  const emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), latencyMs: 3_600_000 });
  running.push(emu);
  const dir = mkdtempSync(join(tmpdir(), 'cra-sigterm-'));
  const run = spawnCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--log-format', 'json', '--format', 'json', '--output-dir', dir]);
  await until(() => emu.requests.length > 0);
  run.child.kill('SIGTERM');
  const { code } = await run.done;

  expect(code).toBe(143);
  const lines = run.stderr().trimEnd().split('\n');
  for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
  expect(JSON.parse(lines.at(-1)!)).toEqual({
    severity: 'ERROR',
    message: 'cloudrun-auditor: audit interrupted by SIGTERM; nothing was written (exit 143)',
    exitCode: 143,
    signal: 'SIGTERM',
  });
  expect(readdirSync(dir)).toEqual([]);
});

test('SIGINT after some projects were read: exit 130, and the JSON exit line says how far the scan got', async () => {
  const emu = await startEmulator({
    scenario: loadScenario(DEMO_SCENARIO_PATH),
    // One project never answers, so the scan stops part way with the others done.
    faults: [{ path: '/projects/acme-payments-prod/', kind: 'hang' }],
  });
  running.push(emu);
  const run = spawnCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--log-format', 'json', '--format', 'json']);
  await until(() => run.stderr().split('\n').some((l) => /"projectsDone":[1-9]/.test(l)));
  run.child.kill('SIGINT');
  const { code } = await run.done;

  expect(code).toBe(130);
  const last = JSON.parse(run.stderr().trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
  expect(last).toMatchObject({ severity: 'ERROR', exitCode: 130, signal: 'SIGINT', progress: { projectsTotal: 6 } });
  const done = (last['progress'] as { projectsDone: number }).projectsDone;
  expect(done).toBeGreaterThan(0);
  expect(done).toBeLessThan(6);
  expect(last['message']).toBe(`cloudrun-auditor: audit interrupted by SIGINT after reading ${done} of 6 projects; nothing was written (exit 130)`);
});

test('SIGTERM in text mode: the last stderr line says what happened, and the exit code is 143', async () => {
  const emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), latencyMs: 3_600_000 });
  running.push(emu);
  const run = spawnCli(['collect', '--organization', ORG, '--endpoint', emu.url, '--output', join(mkdtempSync(join(tmpdir(), 'cra-sigterm-')), 'snap.json')]);
  await until(() => emu.requests.length > 0);
  run.child.kill('SIGTERM');
  const { code } = await run.done;
  expect(code).toBe(143);
  expect(run.stderr()).toBe('cloudrun-auditor: collect interrupted by SIGTERM; nothing was written (exit 143)\n');
});
