import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditInventory } from '../../src/audit/pipeline.js';
import { collectInventory } from '../../src/collect/collect.js';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { classify, GoogleCallError } from '../../src/google/errors.js';
import type { Inventory } from '../../src/model/inventory.js';
import { writeSnapshot } from '../../src/model/snapshot.js';
import { FORMATS, renderToString } from '../../src/report/index.js';
import { defaultRules } from '../../src/rules/load.js';
import { runCli } from '../e2e/cli.js';

/**
 * A known fake token goes through the emulator (which refuses any request without it), and every byte the tool
 * produces from that scan is searched for it. The demo's checkout service carries env values and a secret
 * reference: none of them may be copied anywhere either.
 */

const TOKEN = 'ya29.a0FakeKnownToken-' + 'Zq8xK2vLmN4pRtYw'.repeat(4);
/** Values and secret names the demo serves in checkout's container env (src/emulator/scenarios/demo.yaml). */
const ENV_SECRETS = ['10.20.0.5', 'pk_live_51HxAcmeDemoValue', 'stripe-secret-key'];
const ORG = { kind: 'organization' as const, ids: ['482915736104'], regions: [] };

let emu: RunningEmulator;
let tmp: string;
let inventory: Inventory;

beforeAll(async () => {
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), requireToken: TOKEN, maxPageSize: 2 });
  tmp = mkdtempSync(join(tmpdir(), 'cra-secrets-'));
  inventory = await collectInventory({ scope: ORG, endpoint: emu.url, accessToken: TOKEN, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
}, 60_000);

afterAll(async () => {
  await emu.close();
});

describe('the access token', () => {
  test('was really sent: every request was answered, none refused for credentials', () => {
    expect(emu.requests.length).toBeGreaterThan(50);
    expect(emu.requests.filter((r) => r.status === 401)).toEqual([]);
    expect(inventory.errors.map((e) => e.status)).toEqual([403, 403]);
  });

  test('appears in no byte of the inventory, the snapshot or any report format', () => {
    const file = join(tmp, 'snapshot.json');
    writeSnapshot(inventory, file);
    const now = new Date('2026-01-01T00:00:00Z');
    const report = auditInventory(inventory, defaultRules(), { startedAt: now.toISOString(), now });
    const outputs = [JSON.stringify(inventory), readFileSync(file, 'utf8'), ...FORMATS.map((f) => renderToString(f, report))];
    expect(FORMATS.length).toBeGreaterThanOrEqual(7);
    for (const text of outputs) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(TOKEN.slice(5, 30));
    }
  });

  test('a wrong token is a credentials error that does not quote either token', async () => {
    const wrong = 'ya29.a0WrongToken-' + 'Hh3JkLp9'.repeat(5);
    const err = await collectInventory({ scope: ORG, endpoint: emu.url, accessToken: wrong }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toMatchObject({ name: 'UserError', code: 'CREDENTIALS' });
    expect(err?.message).toMatch(/rejected the credentials \(HTTP 401\)/);
    expect(err?.message).not.toContain(wrong);
    expect(err?.message).not.toContain(TOKEN);
  });

  test('a server echoing the token, an Authorization header or a key= parameter has it redacted from the error', () => {
    const f = classify({
      response: {
        status: 400,
        data: { error: { code: 400, status: 'INVALID_ARGUMENT', message: `upstream said Authorization: Bearer ${TOKEN} for https://run.googleapis.com/v2/x?key=AIzaSyFAKEKEY123&alt=json` } },
      },
    });
    const e = new GoogleCallError({ api: 'run', method: 'services.list', resource: 'projects/p/locations/r', permission: 'run.services.list', target: 'project p' }, f, 1, 0);
    expect(e.message).not.toContain(TOKEN);
    expect(e.message).not.toContain('AIzaSyFAKEKEY123');
    expect(e.message).toBe('services.list on projects/p/locations/r: HTTP 400 INVALID_ARGUMENT: upstream said Authorization: [redacted] for https://run.googleapis.com/v2/x?key=[redacted]&alt=json');
    expect(JSON.stringify(e.toCollectionError())).not.toContain(TOKEN);
  });
});

describe('container env values and secret references', () => {
  test('the emulator really serves them (so their absence below means something)', async () => {
    const res = await fetch(`${emu.url}/v2/projects/acme-web-prod/locations/europe-west1/services/checkout`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    for (const s of ENV_SECRETS) expect(text).toContain(s);
  });

  test('never reach the inventory, the snapshot or any report', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const report = auditInventory(inventory, defaultRules(), { startedAt: now.toISOString(), now });
    const outputs = [JSON.stringify(inventory), ...FORMATS.map((f) => renderToString(f, report))];
    for (const text of outputs) for (const s of [...ENV_SECRETS, 'STRIPE_SECRET_KEY', 'valueSource', 'secretKeyRef']) expect(text).not.toContain(s);
  });
});

describe('through the CLI', () => {
  test('--verbose prints request counts per API, never a URL, header or key= parameter; env values appear nowhere', async () => {
    const open = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH) });
    try {
      const dir = join(tmp, 'cli');
      const res = await runCli(['audit', '--organization', '482915736104', '--endpoint', open.url, '--verbose', '--output-dir', dir, ...FORMATS.flatMap((f) => ['--format', f])]);
      const snap = await runCli(['collect', '--organization', '482915736104', '--endpoint', open.url, '--verbose', '--output', join(tmp, 'cli-snapshot.json')]);
      expect(res.code).toBe(1);
      expect(snap.code).toBe(3);
      const stderr = res.stderr + snap.stderr;
      expect(stderr).not.toMatch(/authorization|bearer|[?&]key=|access_token|ya29\./i);
      expect(stderr).not.toMatch(/https?:\/\/\S+\/v\d\//);
      const written = [res.stdout, stderr, readFileSync(join(tmp, 'cli-snapshot.json'), 'utf8'), ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))];
      expect(written.length).toBe(3 + 2 * FORMATS.length);
      for (const text of written) for (const s of [...ENV_SECRETS, 'STRIPE_SECRET_KEY']) expect(text).not.toContain(s);
    } finally {
      await open.close();
    }
  }, 120_000);
});
