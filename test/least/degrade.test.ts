import { afterEach, describe, expect, test } from 'vitest';
import { loadScenario, DEMO_SCENARIO_PATH } from '../../src/emulator/load.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { startEmulator, type FaultRule, type RunningEmulator } from '../../src/emulator/server.js';
import type { Report } from '../../src/model/finding.js';
import { runCli } from '../e2e/cli.js';

const ORG = '482915736104';
let emu: RunningEmulator | undefined;

afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function serve(scenario: Scenario, faults: FaultRule[] = []): Promise<RunningEmulator> {
  emu = await startEmulator({ scenario, faults });
  return emu;
}

async function audit(url: string, extra: string[]): Promise<{ code: number | null; report: Report; stderr: string }> {
  const r = await runCli(['audit', '--organization', ORG, '--endpoint', url, '--format', 'json', '--quiet', '--fail-on', 'none', ...extra]);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

function recommenderRequests(e: RunningEmulator): number {
  return e.requests.filter((r) => r.api === 'recommender.googleapis.com').length;
}

function withoutUsage(r: Report): string[] {
  return r.findings.filter((f) => f.ruleId !== 'unused-permissions').map((f) => f.id);
}

describe('--usage-insights degrades cleanly', () => {
  test('Recommender API disabled in every project: one note, the same exit code and findings as without it', async () => {
    const scenario = loadScenario(DEMO_SCENARIO_PATH);
    for (const p of scenario.projects) p.disabledApis = [...(p.disabledApis ?? []), 'recommender.googleapis.com'];
    const e = await serve(scenario);
    const plain = await audit(e.url, []);
    const usage = await audit(e.url, ['--usage-insights']);
    expect(plain.code).toBe(3);
    expect(usage.code).toBe(plain.code);
    expect(usage.report.errors).toEqual(plain.report.errors);
    expect(withoutUsage(usage.report)).toEqual(withoutUsage(plain.report));
    expect(usage.report.notes).toEqual([
      'Usage evidence is missing for projects/acme-data-prod, projects/acme-payments-prod, projects/acme-shared-svcs and 2 more: recommender.googleapis.com is disabled in project acme-data-prod: enable it with "gcloud services enable recommender.googleapis.com --project=acme-data-prod".',
    ]);
    // The folder's insights still came through: payments-runtime's Editor is granted there.
    expect(usage.report.findings.filter((f) => f.ruleId === 'unused-permissions').map((f) => f.resource)).toEqual([
      'projects/acme-payments-prod/locations/us-central1/services/payments-api',
    ]);
    const allowed = await audit(e.url, ['--usage-insights', '--allow-incomplete']);
    expect(allowed.code).toBe(0);
  });

  test('quota exhausted (429): the first refusal stops all further reads; one note; same exit code', async () => {
    const e = await serve(loadScenario(DEMO_SCENARIO_PATH), [{ path: /^\/v1\/(projects|folders|organizations)\/[^/]+\/locations\//, status: 429 }]);
    const plain = await audit(e.url, []);
    const before = recommenderRequests(e);
    const usage = await audit(e.url, ['--usage-insights']);
    expect(recommenderRequests(e) - before).toBe(1);
    expect(usage.code).toBe(plain.code);
    expect(withoutUsage(usage.report)).toEqual(withoutUsage(plain.report));
    expect(usage.report.findings.filter((f) => f.ruleId === 'unused-permissions')).toEqual([]);
    expect(usage.report.notes).toEqual([
      'Usage evidence is incomplete: the Recommender API answered 429 RESOURCE_EXHAUSTED (its free tier allows 100 reads a day per organisation) at projects/acme-data-prod; at least 11 further reads were not attempted. Rerun tomorrow, or raise the quota.',
    ]);
  });

  test('the read cap is honoured exactly and reported', async () => {
    const e = await serve(loadScenario(DEMO_SCENARIO_PATH));
    const usage = await audit(e.url, ['--usage-insights', '--usage-insights-cap', '3']);
    expect(recommenderRequests(e)).toBe(3);
    expect(usage.report.notes).toEqual([
      'Usage evidence is incomplete: the Recommender read cap (3, --usage-insights-cap) was reached; at least 10 reads were not made.',
    ]);
    expect(usage.report.findings.filter((f) => f.ruleId === 'unused-permissions').map((f) => f.resource)).toEqual([
      'projects/acme-data-prod/locations/us-central1/jobs/cleanup',
      'projects/acme-data-prod/locations/us-central1/services/reporting',
    ]);
  });

  test('a bad cap is a usage error (exit 2)', async () => {
    const r = await runCli(['audit', '--project', 'x-project', '--endpoint', 'http://127.0.0.1:9', '--usage-insights', '--usage-insights-cap', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--usage-insights-cap must be a whole number of at least 1, got 0');
  });
});
