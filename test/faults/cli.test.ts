import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type FaultRule, type RunningEmulator } from '../../src/emulator/server.js';
import type { Report } from '../../src/model/finding.js';
import { runCli } from '../e2e/cli.js';
import { exactPath } from './matrix.js';

/** The same faults through the built CLI: what a user sees on stdout, stderr and in the exit code. */

/**
 * The demo with its two regions out of the cross-region lists' reach: the collector lists each on its own, so a
 * fault can hit one region's services or jobs list (and the fallback path is exercised through the CLI).
 */
const demo = { ...loadScenario(DEMO_SCENARIO_PATH), unreachable: { regions: ['europe-west1', 'us-central1'] } };
const SERVICES = '/v2/projects/acme-web-prod/locations/europe-west1/services';
const JOBS = '/v2/projects/acme-web-prod/locations/us-central1/jobs';
const running: RunningEmulator[] = [];
let tmp: string;
let cleanFindings: string[];

async function audit(faults: FaultRule[], extra: string[] = []): Promise<{ code: number | null; report: Report | undefined; stderr: string; emu: RunningEmulator }> {
  const emu = await startEmulator({ scenario: demo, maxPageSize: 1, faults });
  running.push(emu);
  const res = await runCli(['audit', '--project', 'acme-web-prod', '--endpoint', emu.url, '--format', 'json', ...extra]);
  const report = res.stdout.trim() === '' ? undefined : (JSON.parse(res.stdout) as Report);
  return { code: res.code, report, stderr: res.stderr, emu };
}

const keyOf = (r: Report): string[] => r.findings.map((f) => `${f.severity} ${f.ruleId} ${f.resource}`);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cra-faults-cli-'));
  const clean = await audit([], ['--fail-on', 'none']);
  expect(clean.code).toBe(0);
  expect(clean.report?.errors).toEqual([]);
  cleanFindings = keyOf(clean.report!);
  expect(cleanFindings.length).toBeGreaterThan(0);
}, 60_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

describe('faults through the CLI', () => {
  test('503 twice then success: exit 0, the clean findings, no errors', async () => {
    const r = await audit([{ method: 'GET', path: exactPath(SERVICES), status: 503, times: 2 }], ['--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.report?.errors).toEqual([]);
    expect(keyOf(r.report!)).toEqual(cleanFindings);
    expect(r.emu.requests.filter((q) => q.path === SERVICES).map((q) => q.status)).toEqual([503, 503, 200]);
  }, 60_000);

  test('429 with Retry-After: 1 is waited out: exit 0', async () => {
    const r = await audit([{ method: 'GET', path: exactPath(SERVICES), status: 429, retryAfter: 1, times: 1 }], ['--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(keyOf(r.report!)).toEqual(cleanFindings);
  }, 60_000);

  test('a truncated body: exit 3, one error naming the project and API, the rest of the project still audited', async () => {
    const r = await audit([{ method: 'GET', path: exactPath(SERVICES), kind: 'truncated' }], ['--fail-on', 'none']);
    expect(r.code).toBe(3);
    expect(r.report?.errors.map((e) => [e.project, e.api, e.status])).toEqual([['acme-web-prod', 'run.googleapis.com', 'BAD_RESPONSE']]);
    expect(r.report?.errors[0]?.message).toMatch(/^services\.list on projects\/acme-web-prod\/locations\/europe-west1: run\.googleapis\.com sent a response that is not valid /);
    // us-central1 was read: its findings are all there; only europe-west1's services are missing.
    expect(keyOf(r.report!)).toEqual(cleanFindings.filter((f) => !f.includes('/locations/europe-west1/services/')));
    // One summary line on stderr, saying the project could not be read whole.
    expect(r.stderr).toMatch(/^\d+ findings from \d+ causes [^\n]*; 1 project could not be read\n$/);
  }, 60_000);

  test('the same with --allow-incomplete: exit 0; with the default --fail-on high the findings gate: exit 1', async () => {
    const fault: FaultRule = { method: 'GET', path: exactPath(SERVICES), kind: 'truncated' };
    expect((await audit([fault], ['--fail-on', 'none', '--allow-incomplete'])).code).toBe(0);
    expect((await audit([fault])).code).toBe(1);
  }, 60_000);

  test('a repeating page token: paging stops, exit 3 with PAGING_LOOP, and the report file is written whole', async () => {
    const out = join(tmp, 'loop.json');
    const emu = await startEmulator({ scenario: demo, maxPageSize: 1, faults: [{ method: 'GET', path: exactPath(JOBS), kind: 'repeat-token' }] });
    running.push(emu);
    const res = await runCli(['audit', '--project', 'acme-web-prod', '--endpoint', emu.url, '--format', 'json', '--fail-on', 'none', '--output', out]);
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('');
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.errors.map((e) => [e.project, e.api, e.status])).toEqual([['acme-web-prod', 'run.googleapis.com', 'PAGING_LOOP']]);
    expect(emu.requests.filter((q) => q.path === JOBS)).toHaveLength(2);
  }, 60_000);

  test('an unexpected redirect: not followed, exit 3, REDIRECT', async () => {
    const r = await audit([{ method: 'GET', path: exactPath(SERVICES), kind: 'redirect' }], ['--fail-on', 'none']);
    expect(r.code).toBe(3);
    expect(r.report?.errors.map((e) => [e.project, e.api, e.status])).toEqual([['acme-web-prod', 'run.googleapis.com', 'REDIRECT']]);
    expect(r.emu.requests.filter((q) => q.path.startsWith('/redirected'))).toEqual([]);
  }, 60_000);

  test('no stack trace and no partial file when the endpoint is wrong', async () => {
    const out = join(tmp, 'never.json');
    const res = await runCli(['audit', '--project', 'acme-web-prod', '--endpoint', 'http://127.0.0.1:9', '--format', 'json', '--output', out]);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('cloudrun-auditor: cannot reach http://127.0.0.1:9: connection refused\n');
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
