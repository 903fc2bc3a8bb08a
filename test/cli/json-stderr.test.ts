/**
 * Under --log-format json every stderr line is a JSON object, including the warnings that used to be written
 * raw: here, a week-old role cache whose refresh fails (roles.list answers 403), which the audit works around
 * and says so. The cache file is written by the safe writer, like every file the tool writes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { bundledPredefinedRoles, cachePath, writeRoleCache } from '../../src/least/role-cache.js';
import { runCli } from '../e2e/cli.js';

let emu: RunningEmulator;
let cacheDir: string;

beforeAll(async () => {
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), faults: [{ method: 'GET', path: /^\/v1\/roles$/, status: 403 }] });
  cacheDir = mkdtempSync(join(tmpdir(), 'cra-cache-'));
  writeRoleCache(emu.url, bundledPredefinedRoles(), new Date('2020-01-01T00:00:00Z'), { CLOUDRUN_AUDITOR_CACHE_DIR: cacheDir });
});
afterAll(async () => {
  await emu.close();
});

test('a stale role cache that cannot be refreshed: the warning is a JSON line, and the exit line is last', async () => {
  const r = await runCli(['audit', '--project', 'acme-web-prod', '--endpoint', emu.url, '--format', 'json', '--log-format', 'json'], {
    CLOUDRUN_AUDITOR_CACHE_DIR: cacheDir,
  });
  expect(r.code).toBe(1);
  const lines = r.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as { severity: string; message: string; exitCode?: number });
  const warning = lines.find((l) => l.severity === 'WARNING' && l.message.includes('role cache'));
  expect(warning?.message).toMatch(
    new RegExp(`^cloudrun-auditor: the role cache ${cachePath(emu.url, { CLOUDRUN_AUDITOR_CACHE_DIR: cacheDir }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is \\d+ days old and could not be refreshed \\(.+\\); reading roles one by one instead$`),
  );
  expect(lines.at(-1)).toMatchObject({ exitCode: 1 });
});
