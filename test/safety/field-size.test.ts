import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { Report } from '../../src/model/finding.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { FIELD_MAX } from '../../src/report/sanitize.js';
import { validateReport } from '../../src/report/index.js';
import { runCli } from '../e2e/cli.js';

/**
 * A 20 MB IAM condition description (and, on another binding, a 20 MB title) is copied into the messages,
 * evidence and commands of several findings. Every report format cuts each value at FIELD_MAX characters and notes the full length, so the
 * reports stay small (before, the JSON report could not even be built: "Invalid string length").
 */

const ORG = '666000111222';
const BIG = 20 * 1024 * 1024;
const FORMATS = ['table', 'json', 'csv', 'sarif', 'markdown', 'html', 'junit'];
const EXTENSIONS = ['txt', 'json', 'csv', 'sarif', 'md', 'html', 'xml'];
const CUT = /… \((\d+) chars, cut\)$/;

let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  const scenario = loadScenario(join(PACKAGE_ROOT, 'src/emulator/scenarios/hostile.yaml'));
  const bindings = scenario.projects![0]!.iamPolicy!.bindings!;
  const owner = bindings.find((b) => b.role === 'roles/owner')!;
  owner.condition = { ...owner.condition!, description: 'D'.repeat(BIG) };
  const tokens = bindings.find((b) => b.role === 'roles/iam.serviceAccountTokenCreator')!;
  tokens.condition = { ...tokens.condition!, title: 'T'.repeat(BIG) };
  emu = await startEmulator({ scenario });
  dir = mkdtempSync(join(tmpdir(), 'cra-field-size-'));
  const res = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--output-dir', dir, '--quiet', ...FORMATS.flatMap((f) => ['--format', f])]);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(1);
}, 300_000);

afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('per-field size in reports', () => {
  test('every format stays under 3 MB', () => {
    for (const ext of EXTENSIONS) expect(statSync(join(dir, `latest.${ext}`)).size, ext).toBeLessThan(3 * 1024 * 1024);
  });

  test('the JSON report is valid, and each cut value keeps FIELD_MAX characters and says how long it was', () => {
    const report = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as Report;
    expect(validateReport(report)).toEqual({ valid: true, errors: [] });
    const strings: string[] = [];
    JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'), (key, value: unknown) => (strings.push(key, typeof value === 'string' ? value : ''), value));
    const cut = strings.filter((x) => CUT.test(x));
    for (const x of strings) expect(x.length).toBeLessThanOrEqual(FIELD_MAX + '… (99999999 chars, cut)'.length);
    for (const x of cut) {
      expect(Number(CUT.exec(x)![1])).toBeGreaterThanOrEqual(BIG);
      expect(x.replace(CUT, '').length).toBe(FIELD_MAX);
    }
    // The title reaches messages and evidence; the description reaches the commands that remove the binding.
    expect(report.findings.some((f) => CUT.test(f.message) && f.message.includes('TTTT'))).toBe(true);
    expect(report.findings.some((f) => f.remediation.commands.some((c) => CUT.test(c) && c.includes('DDDD')))).toBe(true);
    expect(cut.some((x) => x === 'T'.repeat(FIELD_MAX) + `… (${BIG} chars, cut)`)).toBe(true);
  });

  test('the text formats say where a value was cut', () => {
    for (const ext of ['csv', 'md', 'xml']) expect(readFileSync(join(dir, `latest.${ext}`), 'utf8'), ext).toMatch(/… \(\d{8} chars, cut\)/);
  });
});
