import { expect, test } from 'vitest';
import { collectInventory } from '../../src/collect/collect.js';
import type { CallStats } from '../../src/google/call.js';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator } from '../../src/emulator/server.js';

test('a quota exhausted past the per-call deadline is an error entry with its fix, and the scan completes', async () => {
  const path = '/v2/projects/acme-web-prod/locations/us-central1/services';
  const emu = await startEmulator({
    // us-central1 out of the cross-region list's reach, so it is listed on its own (the call the fault hits).
    scenario: { ...loadScenario(DEMO_SCENARIO_PATH), unreachable: { regions: ['us-central1'] } },
    faults: [{ method: 'GET', path: new RegExp(`^${path}$`), status: 429, retryAfter: 1 }],
  });
  let stats: CallStats | undefined;
  try {
    const inv = await collectInventory({
      scope: { kind: 'projects', ids: ['acme-web-prod'], regions: [] },
      endpoint: emu.url,
      // Retry-After (1 s) outweighs the backoff; a second wait would end past the 1.9 s deadline.
      retry: { baseDelayMs: 2, maxDelayMs: 10, deadlineMs: 1900 },
      onStats: (s) => (stats = s),
    });
    expect(emu.requests.filter((r) => r.path === path).map((r) => r.status)).toEqual([429, 429]);
    expect(inv.errors).toHaveLength(1);
    expect(inv.errors[0]).toMatchObject({ project: 'acme-web-prod', method: 'services.list', status: 429, reason: 'RATE_LIMIT_EXCEEDED' });
    expect(inv.errors[0]?.message).toMatch(
      /^services\.list on projects\/acme-web-prod\/locations\/us-central1: run\.googleapis\.com quota exhausted \(RATE_LIMIT_EXCEEDED\) \(2 attempts over [\d.]+ s\): rerun later, lower --qpm, or raise the quota$/,
    );
    const project = inv.projects[0]!;
    expect(project.complete).toBe(false);
    // The other region's services were still read.
    expect(project.services.map((s) => s.region)).toEqual(['europe-west1']);
    expect(stats?.run).toMatchObject({ retries: 1, failures: 1 });
  } finally {
    await emu.close();
  }
}, 20_000);
