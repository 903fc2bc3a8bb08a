import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { validateReport } from '../../src/report/index.js';
import type { Report } from '../../src/model/finding.js';
import { runCli } from './cli.js';

// Two complete projects (no unreadable ones), so a run with nothing new exits 0.
const SCOPE = ['--project', 'acme-web-prod', '--project', 'acme-web-staging'];
let emu: RunningEmulator;
let changed: RunningEmulator;
let tmp: string;

beforeAll(async () => {
  const scenario = loadScenario(DEMO_SCENARIO_PATH);
  emu = await startEmulator({ scenario, maxPageSize: 3 });
  // The same organisation a week later: someone deployed a service with no identity set.
  const later = structuredClone(scenario) as Scenario;
  later.projects.find((p) => p.projectId === 'acme-web-staging')!.services!.push({ name: 'new-api', region: 'us-central1' });
  changed = await startEmulator({ scenario: later, maxPageSize: 3 });
  tmp = mkdtempSync(join(tmpdir(), 'cra-history-'));
});
afterAll(async () => {
  await emu.close();
  await changed.close();
});

describe('history, diff and baseline', () => {
  test('two runs on an unchanged cloud: diff is empty and a baseline run exits 0; one new default-identity service is exactly the new finding and gates', async () => {
    const first = join(tmp, 'first.json');
    const second = join(tmp, 'second.json');
    expect((await runCli(['audit', ...SCOPE, '--endpoint', emu.url, '--format', 'json', '-o', first, '--quiet'])).code).toBe(1);
    expect((await runCli(['audit', ...SCOPE, '--endpoint', emu.url, '--format', 'json', '-o', second, '--quiet'])).code).toBe(1);

    const textDiff = await runCli(['diff', first, second]);
    expect(textDiff).toMatchObject({ code: 0, stdout: '0 new, 0 resolved, 0 changed\n' });
    const jsonDiff = await runCli(['diff', first, second, '--format', 'json']);
    expect(JSON.parse(jsonDiff.stdout)).toEqual({ new: [], resolved: [], changed: [] });

    const baselined = await runCli(['audit', ...SCOPE, '--endpoint', emu.url, '--format', 'json', '--baseline', first, '--quiet']);
    expect(baselined.code).toBe(0);
    const same = JSON.parse(baselined.stdout) as Report;
    expect(validateReport(same).valid).toBe(true);
    expect(same.findings.length).toBeGreaterThan(0);
    expect(same.findings.every((f) => f.new === false)).toBe(true);

    const later = await runCli(['audit', ...SCOPE, '--endpoint', changed.url, '--format', 'json', '--baseline', first, '--quiet']);
    expect(later.code).toBe(1);
    const report = JSON.parse(later.stdout) as Report;
    expect(report.findings.filter((f) => f.new).map((f) => `${f.severity} ${f.ruleId} ${f.resource}`)).toEqual([
      'high default-identity projects/acme-web-staging/locations/us-central1/services/new-api',
    ]);
    // Only that new finding gates: at --fail-on critical nothing new reaches the threshold.
    const critical = await runCli(['audit', ...SCOPE, '--endpoint', changed.url, '--baseline', first, '--fail-on', 'critical', '--quiet', '--format', 'json']);
    expect(critical.code).toBe(0);

    const after = join(tmp, 'after.json');
    await runCli(['audit', ...SCOPE, '--endpoint', changed.url, '--format', 'json', '-o', after, '--quiet']);
    const diff = await runCli(['diff', first, after, '--format', 'json']);
    const d = JSON.parse(diff.stdout) as { new: { resource: string }[]; resolved: unknown[]; changed: unknown[] };
    expect(d.new.map((f) => f.resource)).toEqual(['projects/acme-web-staging/locations/us-central1/services/new-api']);
    expect(d.resolved).toEqual([]);
  });

  test('a baseline run says on stderr how many new findings are at or above --fail-on', async () => {
    const first = join(tmp, 'baseline-for-summary.json');
    expect((await runCli(['audit', ...SCOPE, '--endpoint', emu.url, '--format', 'json', '-o', first, '--quiet'])).code).toBe(1);
    // The summary on stderr says how many new findings reach the gate.
    const told = await runCli(['audit', ...SCOPE, '--endpoint', changed.url, '--format', 'json', '-o', join(tmp, 'told.json'), '--baseline', first]);
    expect(told.code).toBe(1);
    expect(told.stderr).toMatch(/; 1 new at or above --fail-on high\n$/);
    const toldCritical = await runCli(['audit', ...SCOPE, '--endpoint', changed.url, '--format', 'json', '-o', join(tmp, 'told.json'), '--baseline', first, '--fail-on', 'critical']);
    expect(toldCritical.code).toBe(0);
    expect(toldCritical.stderr).toMatch(/; 0 new at or above --fail-on critical\n$/);
  });

  test('--output-dir writes every --format with a timestamped name and a latest copy', async () => {
    const dir = join(tmp, 'scheduled');
    const res = await runCli([
      'audit', ...SCOPE, '--endpoint', emu.url, '--output-dir', dir,
      '--format', 'json', '--format', 'csv', '--format', 'sarif', '--format', 'markdown', '--format', 'html', '--format', 'junit', '--format', 'table',
    ]);
    expect(res.code).toBe(1);
    const files = readdirSync(dir).sort();
    const latest = files.filter((f) => f.startsWith('latest.'));
    expect(latest).toEqual(['latest.csv', 'latest.html', 'latest.json', 'latest.md', 'latest.sarif', 'latest.txt', 'latest.xml']);
    const stamped = files.filter((f) => !f.startsWith('latest.'));
    expect(stamped).toHaveLength(7);
    for (const f of stamped) expect(f).toMatch(/^cloudrun-audit-\d{8}T\d{6}Z\.(csv|html|json|md|sarif|txt|xml)$/);
    const json = stamped.find((f) => f.endsWith('.json'))!;
    expect(readFileSync(join(dir, json), 'utf8')).toBe(readFileSync(join(dir, 'latest.json'), 'utf8'));
    expect(validateReport(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'))).valid).toBe(true);
    expect(res.stderr).toMatch(/^\d+ findings from \d+ causes /);
    expect(existsSync(join(dir, 'latest.tmp'))).toBe(false);
  });

  test('a baseline that is not a report is refused before scanning', async () => {
    const before = emu.requests.length;
    const res = await runCli(['audit', ...SCOPE, '--endpoint', emu.url, '--baseline', DEMO_SCENARIO_PATH]);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toMatch(/^cloudrun-auditor: --baseline .*demo\.yaml: not valid JSON/);
    expect(emu.requests.length).toBe(before);
  });
});
