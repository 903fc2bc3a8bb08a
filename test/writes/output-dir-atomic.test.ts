/**
 * `--output-dir` changes every file or none. The HTML renderer is made to fail half way (in-process, by
 * replacing it in the formatter registry the CLI renders through), after the JSON report has been rendered:
 * the run must exit 2 and leave the directory byte for byte as it was. The old code had already replaced
 * latest.json by then, so exit 2 ("no report written") was untrue.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import { run } from '../../src/cli/cli.js';
import { collectInventory } from '../../src/collect/collect.js';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { writeSnapshot } from '../../src/model/snapshot.js';
import { formatters } from '../../src/report/index.js';

let emu: RunningEmulator;
let tmp: string;
let snapshot: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cra-atomic-'));
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH) });
  snapshot = join(tmp, 'snapshot.json');
  writeSnapshot(await collectInventory({ scope: { kind: 'projects', ids: ['acme-web-prod'], regions: [] }, endpoint: emu.url }), snapshot);
});
afterAll(async () => {
  await emu.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

test('an HTML render that fails after the JSON report is ready: exit 2, and not one file in --output-dir changed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cra-atomic-out-'));
  writeFileSync(join(dir, 'latest.json'), '{"the":"previous report"}');
  writeFileSync(join(dir, 'latest.html'), '<p>previous report</p>');
  const before = contents(dir);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(formatters, 'html').mockImplementation(function* () {
    yield '<!doctype html><html>';
    throw new Error('the HTML renderer failed');
  });

  const code = await run(['audit', '--snapshot', snapshot, '--output-dir', dir, '--format', 'json', '--format', 'html']);

  expect(code).toBe(2);
  expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toBe('cloudrun-auditor: internal error: the HTML renderer failed\n');
  expect(contents(dir)).toEqual(before);
});

test('the same run without the failure replaces both latest files and adds the timestamped ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cra-atomic-out-'));
  writeFileSync(join(dir, 'latest.json'), '{"the":"previous report"}');
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

  const code = await run(['audit', '--snapshot', snapshot, '--output-dir', dir, '--format', 'json', '--format', 'html']);

  expect(code).toBe(1);
  const names = readdirSync(dir).sort();
  expect(names).toHaveLength(4);
  expect(names.filter((n) => n.startsWith('latest.'))).toEqual(['latest.html', 'latest.json']);
  const stamped = names.find((n) => /^cloudrun-audit-\d{8}T\d{6}Z\.json$/.test(n))!;
  expect(readFileSync(join(dir, 'latest.json'), 'utf8')).toBe(readFileSync(join(dir, stamped), 'utf8'));
  expect(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'))).toHaveProperty('findings');
});

test('--verbose --log-format json: the stack of that failure is a JSON line too, and the exit line is last', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cra-atomic-out-'));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(formatters, 'html').mockImplementation(function* () {
    throw new Error('the HTML renderer failed');
  });

  const code = await run(['audit', '--snapshot', snapshot, '--output-dir', dir, '--format', 'html', '--verbose', '--log-format', 'json']);

  expect(code).toBe(2);
  const lines = stderr.mock.calls.map((c) => String(c[0])).join('').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.at(-1)).toEqual({ severity: 'ERROR', message: 'cloudrun-auditor: internal error: the HTML renderer failed', exitCode: 2 });
  expect(lines.at(-2)).toMatchObject({ severity: 'DEBUG', stack: expect.stringMatching(/^Error: the HTML renderer failed\n\s+at /) });
  expect(readdirSync(dir)).toEqual([]);
});
