/**
 * The reproductions of issue 16 item 2 through the built CLI: what was at the output path afterwards, and what
 * the user was told. Each one replaced or wrote through something it should not have before the safe writer.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectInventory } from '../../src/collect/collect.js';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { writeSnapshot } from '../../src/model/snapshot.js';
import { runCli } from '../e2e/cli.js';

let emu: RunningEmulator;
let tmp: string;
let snapshot: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cra-cli-writes-'));
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH) });
  snapshot = join(tmp, 'snapshot.json');
  writeSnapshot(await collectInventory({ scope: { kind: 'projects', ids: ['acme-web-prod'], regions: [] }, endpoint: emu.url }), snapshot);
});
afterAll(async () => {
  await emu.close();
});

describe('special files at --output are refused before anything is read, and left as they were', () => {
  // Skipped when /dev/null is already a regular file (another process as root broke it): writing to it then would
  // only make that worse, and the refusal is also covered on a private device in safe-write.test.ts.
  test.skipIf(!lstatSync('/dev/null').isCharacterDevice())('/dev/null stays a character device (as root the old writer renamed a regular file over it)', async () => {
    const r = await runCli(['audit', '--snapshot', snapshot, '--format', 'json', '--output', '/dev/null']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'cloudrun-auditor: --output /dev/null is a character device, not a regular file: reports are written to regular files only (leave out --output, or give -, for stdout)\n',
    });
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  test('a FIFO stays a FIFO', async () => {
    const dir = mkdtempSync(join(tmp, 'fifo-'));
    const fifo = join(dir, 'report.json');
    execFileSync('mkfifo', [fifo]);
    const r = await runCli(['audit', '--snapshot', snapshot, '--format', 'json', '-o', fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `cloudrun-auditor: --output ${fifo} is a named pipe (FIFO), not a regular file: reports are written to regular files only (leave out --output, or give -, for stdout)\n`,
    );
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  test('collect --output onto a FIFO is refused the same way', async () => {
    const dir = mkdtempSync(join(tmp, 'fifo-'));
    const fifo = join(dir, 'snap.json');
    execFileSync('mkfifo', [fifo]);
    const r = await runCli(['collect', '--project', 'acme-web-prod', '--endpoint', emu.url, '--output', fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cloudrun-auditor: --output .+ is a named pipe \(FIFO\), not a regular file: /);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });
});

describe('symbolic links are replaced, never written through', () => {
  test('latest.json in --output-dir pointing at another file: the link is replaced by the report and that file is untouched', async () => {
    const dir = mkdtempSync(join(tmp, 'links-'));
    const victim = join(tmp, `victim-${Date.now()}.txt`);
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'latest.json'));
    const r = await runCli(['audit', '--snapshot', snapshot, '--format', 'json', '--output-dir', dir, '--quiet']);
    expect(r.code).toBe(1);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'latest.json')).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'))).toHaveProperty('findings');
  });

  test('--output that is a link: the link is replaced, the file it pointed at is untouched', async () => {
    const dir = mkdtempSync(join(tmp, 'links-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'report.json'));
    const r = await runCli(['audit', '--snapshot', snapshot, '--format', 'json', '-o', join(dir, 'report.json')]);
    expect(r.code).toBe(1);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'report.json')).isFile()).toBe(true);
  });

  test('a directory at latest.* is refused before the scan, naming it', async () => {
    const dir = mkdtempSync(join(tmp, 'links-'));
    execFileSync('mkdir', [join(dir, 'latest.csv')]);
    const r = await runCli(['audit', '--snapshot', snapshot, '--format', 'csv', '--output-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cloudrun-auditor: --output-dir ${dir}: ${join(dir, 'latest.csv')} is a directory, not a regular file: remove it or choose another directory\n`);
    expect(readdirSync(dir)).toEqual(['latest.csv']);
  });
});

describe('collect --output', () => {
  test('a second collect replaces the snapshot whole, with no temporary file left beside it', async () => {
    const dir = mkdtempSync(join(tmp, 'collect-'));
    const out = join(dir, 'snap.json');
    writeFileSync(out, 'previous snapshot');
    const r = await runCli(['collect', '--project', 'acme-web-prod', '--endpoint', emu.url, '--output', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ projects: [{ projectId: 'acme-web-prod' }] });
    expect(readdirSync(dir)).toEqual(['snap.json']);
  });
});
