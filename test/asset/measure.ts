/**
 * The asset-inventory source's request count and wall time on a generated organisation, for the benchmark
 * (test/bench): `await measureAssetSource(shape, 25)`. Runs the collector in this process against its own emulator.
 */
import { collectInventory } from '../../src/collect/collect.js';
import { startEmulator } from '../../src/emulator/server.js';
import { generateOrg, ORG_ID, type OrgShape } from '../bench/org.js';

export interface AssetSourceFigures {
  calls: number;
  /** Requests by API host. */
  byApi: Record<string, number>;
  wallMs: number;
  services: number;
  errors: number;
}

export async function measureAssetSource(shape: OrgShape, latencyMs: number, concurrency = 16): Promise<AssetSourceFigures> {
  const emu = await startEmulator({ scenario: generateOrg(shape), latencyMs });
  try {
    const started = process.hrtime.bigint();
    const inv = await collectInventory({
      scope: { kind: 'organization', ids: [ORG_ID], regions: [] },
      endpoint: emu.url,
      source: 'asset-inventory',
      concurrency,
      qpm: { asset: 1e7, crm: 1e7, iam: 1e7, run: 1e7 },
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const byApi: Record<string, number> = {};
    for (const r of emu.requests) byApi[r.api] = (byApi[r.api] ?? 0) + 1;
    return { calls: emu.requests.length, byApi, wallMs, services: inv.projects.reduce((n, p) => n + p.services.length, 0), errors: inv.errors.length };
  } finally {
    await emu.close();
  }
}
