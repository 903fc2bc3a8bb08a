import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { collectInventory } from '../../src/collect/collect.js';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator } from '../../src/emulator/server.js';
import { ORG_SCOPE, closedPort, collect } from './helpers.js';

const TOKEN = 'ya29.test-Token-7f3c9e1d2b';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('connecting', () => {
  test('an endpoint refusing connections is a UserError on the first call', async () => {
    const port = await closedPort();
    await expect(collect(`http://127.0.0.1:${port}`, { kind: 'projects', ids: ['acme-web-prod'], regions: [] })).rejects.toMatchObject({
      name: 'UserError',
      code: 'ENDPOINT',
      message: `cannot reach http://127.0.0.1:${port}: connection refused`,
    });
  });

  test('an endpoint that is not an origin is a usage error', async () => {
    await expect(collect('http://127.0.0.1:8080/prefix', ORG_SCOPE)).rejects.toMatchObject({ code: 'USAGE' });
    await expect(collect('ftp://127.0.0.1', ORG_SCOPE)).rejects.toMatchObject({ code: 'USAGE' });
  });

  test('no credentials are detected before any scanning', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cra-home-'));
    try {
      vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', join(home, 'missing.json'));
      vi.stubEnv('METADATA_SERVER_DETECTION', 'none');
      vi.stubEnv('CLOUDSDK_CONFIG', home);
      vi.stubEnv('HOME', home);
      const err = await collectInventory({ scope: ORG_SCOPE }).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'UserError', code: 'CREDENTIALS' });
      expect((err as Error).message).toMatch(
        /^no Google credentials found: run "gcloud auth application-default login" or set GOOGLE_APPLICATION_CREDENTIALS \(.+\); to try cloudrun-auditor without Google, run "npx cloudrun-auditor demo", or point --endpoint at `cloudrun-auditor emulator`$/,
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('a fixed token is sent to the endpoint and never appears in the inventory or its errors', async () => {
    const emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), requireToken: TOKEN });
    try {
      const inv = await collect(emu.url, ORG_SCOPE, { accessToken: TOKEN });
      expect(emu.requests.every((r) => r.status !== 401)).toBe(true);
      expect(inv.projects).toHaveLength(6);
      expect(inv.errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(inv)).not.toContain(TOKEN);
      expect(JSON.stringify(inv)).not.toContain('test-Token');
    } finally {
      await emu.close();
    }
  });

  test('credentials the endpoint rejects (401) abort with a UserError that holds no token', async () => {
    const emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH), requireToken: TOKEN });
    try {
      const err = await collect(emu.url, ORG_SCOPE, { accessToken: 'ya29.wrong-Token-000000' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'UserError', code: 'CREDENTIALS' });
      expect((err as Error).message).toContain('rejected the credentials (HTTP 401)');
      expect((err as Error).message).not.toContain('wrong-Token');
      expect(emu.requests).toHaveLength(1);
    } finally {
      await emu.close();
    }
  });
});
