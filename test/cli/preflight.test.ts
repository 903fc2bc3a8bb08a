/**
 * Output targets are checked before the first API request. The proof is the emulator's request log: a fresh
 * emulator per case, and zero requests in it after the run. Before this, an unwritable -o failed only after the
 * whole scan (11 minutes on a large organisation), naming a temporary file.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { runCli } from '../e2e/cli.js';

const ORG = '482915736104';
let scenario: Scenario;
let tmp: string;
const running: RunningEmulator[] = [];

beforeAll(() => {
  scenario = loadScenario(DEMO_SCENARIO_PATH);
  tmp = mkdtempSync(join(tmpdir(), 'cra-preflight-'));
});
afterEach(async () => {
  for (const e of running.splice(0)) await e.close();
});

async function freshEmulator(): Promise<RunningEmulator> {
  const emu = await startEmulator({ scenario });
  running.push(emu);
  return emu;
}

/** A regular file used as a directory: unwritable for every user, root included. */
function fileAsDirectory(): string {
  const f = join(mkdtempSync(join(tmp, 'plain-')), 'not-a-dir');
  writeFileSync(f, '');
  return f;
}

describe('an unwritable or wrong target exits 2 with zero API requests', () => {
  const cases: { name: string; args: (t: { fileDir: string; dir: string }) => string[]; line: (t: { fileDir: string; dir: string }) => string }[] = [
    {
      name: 'audit -o in /proc (no file can be created there, not even by root)',
      args: () => ['audit', '--organization', ORG, '--format', 'json', '-o', '/proc/cra-report.json'],
      line: () => '--output /proc/cra-report.json: cannot write in directory /proc: this file system does not allow creating files in it',
    },
    {
      name: 'audit -o under a regular file',
      args: (t) => ['audit', '--organization', ORG, '-o', join(t.fileDir, 'report.json')],
      line: (t) => `--output ${join(t.fileDir, 'report.json')}: cannot create directory ${t.fileDir}: ${t.fileDir} exists and is not a directory`,
    },
    {
      name: 'audit -o given a directory gets "did you mean --output-dir"',
      args: (t) => ['audit', '--organization', ORG, '--format', 'json', '-o', t.dir],
      line: (t) => `--output ${t.dir} is a directory: did you mean --output-dir ${t.dir}?`,
    },
    {
      name: 'audit --output-dir under /proc fails at once (Node\'s recursive mkdir spins there forever)',
      args: () => ['audit', '--organization', ORG, '--format', 'json', '--output-dir', '/proc/cra-reports'],
      line: () => '--output-dir /proc/cra-reports: cannot create directory /proc/cra-reports: this file system does not allow creating it',
    },
    {
      name: 'collect -o in /proc',
      args: () => ['collect', '--organization', ORG, '--output', '/proc/cra-snapshot.json'],
      line: () => '--output /proc/cra-snapshot.json: cannot write in directory /proc: this file system does not allow creating files in it',
    },
    {
      name: 'collect -o given a directory',
      args: (t) => ['collect', '--organization', ORG, '--output', t.dir],
      line: (t) => `--output ${t.dir} is a directory: give a file name`,
    },
    {
      name: 'permissions-of -o in /proc',
      args: () => ['permissions-of', 'acme-web-prod/us-central1/storefront', '-o', '/proc/cra-perms.txt'],
      line: () => '--output /proc/cra-perms.txt: cannot write in directory /proc: this file system does not allow creating files in it',
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const emu = await freshEmulator();
      const t = { fileDir: fileAsDirectory(), dir: mkdtempSync(join(tmp, 'dir-')) };
      const r = await runCli([...c.args(t), '--endpoint', emu.url]);
      expect(r).toEqual({ code: 2, stdout: '', stderr: `cloudrun-auditor: ${c.line(t)}\n` });
      expect(r.stderr).not.toMatch(/\.tmp\b/);
      expect(emu.requests).toEqual([]);
      expect(readdirSync(t.dir)).toEqual([]);
    });
  }

  test('with --log-format json the error is the one JSON closing line, exit code included', async () => {
    const emu = await freshEmulator();
    const r = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '-o', '/proc/cra-report.json', '--log-format', 'json']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        severity: 'ERROR',
        message: 'cloudrun-auditor: --output /proc/cra-report.json: cannot write in directory /proc: this file system does not allow creating files in it',
        exitCode: 2,
      },
    ]);
    expect(emu.requests).toEqual([]);
  });

  test('a writable -o in a directory that does not exist yet is made, and the scan runs', async () => {
    const emu = await freshEmulator();
    const out = join(tmp, 'new', 'deeper', 'report.json');
    const r = await runCli(['audit', '--project', 'acme-web-prod', '--endpoint', emu.url, '--format', 'json', '-o', out, '--quiet']);
    expect(r.code).toBe(1);
    expect(emu.requests.length).toBeGreaterThan(0);
    expect(readdirSync(join(tmp, 'new', 'deeper'))).toEqual(['report.json']);
  });
});
