import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mergeShards } from '../../src/audit/merge.js';
import { auditInventory } from '../../src/audit/pipeline.js';
import { collectInventory } from '../../src/collect/collect.js';
import { shardFrom, shardOfProject } from '../../src/collect/shard.js';
import { loadScenario } from '../../src/emulator/load.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { UserError } from '../../src/errors.js';
import type { Report } from '../../src/model/finding.js';
import type { Inventory, Scope, ShardInfo } from '../../src/model/inventory.js';
import { packagePath } from '../../src/paths.js';
import { defaultRules } from '../../src/rules/load.js';
import { DEMO_ORG, FAST_RETRY } from '../collect/helpers.js';

const ORG: Scope = { kind: 'organization', ids: [DEMO_ORG], regions: [] };
const CROSS_ORG = '100200300400';
const SA = 'api-runtime@team-a-prod.iam.gserviceaccount.com';

/** One identity runs a service in team-a-prod (shard 1 of 2) and one in team-b-prod (shard 0 of 2), and holds editor in team-b-prod. */
const cross: Scenario = {
  organization: { id: CROSS_ORG, displayName: 'cross.example' },
  projects: [
    {
      projectId: 'team-a-prod',
      number: '111111111111',
      parent: `organizations/${CROSS_ORG}`,
      iamPolicy: { bindings: [{ role: 'roles/iam.serviceAccountUser', members: ['user:dev@cross.example'] }] },
      serviceAccounts: [{ accountId: 'api-runtime' }],
      services: [{ name: 'api', region: 'us-central1', serviceAccount: SA }],
    },
    {
      projectId: 'team-b-prod',
      number: '222222222222',
      parent: `organizations/${CROSS_ORG}`,
      iamPolicy: { bindings: [{ role: 'roles/editor', members: [`serviceAccount:${SA}`] }] },
      services: [{ name: 'worker', region: 'europe-west1', serviceAccount: SA }],
    },
  ],
};

let demo: RunningEmulator;
let crossEmu: RunningEmulator;
beforeAll(async () => {
  demo = await startEmulator({ scenario: loadScenario(packagePath('src', 'emulator', 'scenarios', 'demo.yaml')), maxPageSize: 2 });
  crossEmu = await startEmulator({ scenario: cross });
});
afterAll(async () => {
  await demo.close();
  await crossEmu.close();
});

function collect(emu: RunningEmulator, scope: Scope, shard?: ShardInfo): Promise<Inventory> {
  return collectInventory({ scope, endpoint: emu.url, retry: FAST_RETRY, ...(shard ? { shard } : {}) });
}

const NOW = new Date('2026-03-01T00:00:00Z');
function audit(inv: Inventory): Report {
  return auditInventory(inv, defaultRules(), { startedAt: NOW.toISOString(), now: NOW });
}

async function shards(emu: RunningEmulator, scope: Scope, count: number): Promise<Inventory[]> {
  const out: Inventory[] = [];
  for (let index = 0; index < count; index++) out.push(await collect(emu, scope, { index, count }));
  return out;
}

const asInputs = (invs: Inventory[]) => invs.map((inventory, i) => ({ file: `s${i}.json`, inventory }));
const withoutTime = (inv: Inventory): Inventory => ({ ...inv, collectedAt: '<t>' });

describe('shard assignment', () => {
  test('depends only on the project ID, and every project is in exactly one shard', () => {
    expect([shardOfProject('team-a-prod', 2), shardOfProject('team-b-prod', 2)]).toEqual([1, 0]);
    expect([shardOfProject('acme-web-prod', 3), shardOfProject('acme-payments-prod', 3), shardOfProject('acme-shared-svcs', 3)]).toEqual([1, 0, 2]);
    const ids = Array.from({ length: 1000 }, (_, i) => `proj-${i}`);
    const sizes = [0, 0, 0, 0];
    for (const id of ids) sizes[shardOfProject(id, 4)]! += 1;
    expect(sizes.reduce((a, b) => a + b)).toBe(1000);
    // A hash, so no shard is starved: each holds a quarter give or take a few percent.
    for (const s of sizes) expect(Math.abs(s - 250)).toBeLessThan(50);
  });

  test('--shard is INDEX/COUNT from 0; CLOUD_RUN_TASK_INDEX/COUNT are the default; 1 shard is no sharding', () => {
    expect(shardFrom('0/4', {})).toEqual({ index: 0, count: 4 });
    expect(shardFrom(' 3 / 4 ', {})).toEqual({ index: 3, count: 4 });
    expect(shardFrom('0/1', {})).toBeUndefined();
    expect(shardFrom(undefined, {})).toBeUndefined();
    expect(shardFrom(undefined, { CLOUD_RUN_TASK_INDEX: '2', CLOUD_RUN_TASK_COUNT: '5' })).toEqual({ index: 2, count: 5 });
    expect(shardFrom('1/2', { CLOUD_RUN_TASK_INDEX: '2', CLOUD_RUN_TASK_COUNT: '5' })).toEqual({ index: 1, count: 2 });
    expect(shardFrom(undefined, { CLOUD_RUN_TASK_INDEX: '0', CLOUD_RUN_TASK_COUNT: '1' })).toBeUndefined();
    for (const bad of ['4/4', '1/0', 'a/b', '1', '-1/3', '1/2/3']) {
      expect(() => shardFrom(bad, {})).toThrow(
        `--shard ${JSON.stringify(bad)} must be INDEX/COUNT with 0 <= INDEX < COUNT <= 10000 (shards are numbered from 0, like CLOUD_RUN_TASK_INDEX)`,
      );
    }
    expect(() => shardFrom(undefined, { CLOUD_RUN_TASK_INDEX: '3' })).toThrow(
      'CLOUD_RUN_TASK_INDEX/CLOUD_RUN_TASK_COUNT ("3"/"") must be INDEX/COUNT with 0 <= INDEX < COUNT <= 10000',
    );
  });
});

describe('sharded collection, merged', () => {
  test('the demo organisation in 3 shards merges into the unsharded inventory and report', async () => {
    const whole = await collect(demo, ORG);
    const parts = await shards(demo, ORG, 3);
    expect(parts.map((p) => p.projects.map((x) => x.projectId))).toEqual([
      ['acme-payments-prod', 'acme-web-staging'],
      ['acme-data-prod', 'acme-legacy-billing', 'acme-web-prod'],
      ['acme-shared-svcs'],
    ]);
    expect(parts.map((p) => p.shard)).toEqual([{ index: 0, count: 3 }, { index: 1, count: 3 }, { index: 2, count: 3 }]);
    const merged = mergeShards(asInputs(parts.reverse()));
    expect(withoutTime(merged)).toEqual(withoutTime(whole));
    expect(audit(merged)).toEqual(audit(whole));
  });

  test('an identity shared across shards: findings come from the merged inventory, exactly as unsharded', async () => {
    const whole = audit(await collect(crossEmu, { kind: 'organization', ids: [CROSS_ORG], regions: [] }));
    const parts = await shards(crossEmu, { kind: 'organization', ids: [CROSS_ORG], regions: [] }, 2);
    expect(parts.map((p) => p.projects.map((x) => x.projectId))).toEqual([['team-b-prod'], ['team-a-prod']]);
    const merged = audit(mergeShards(asInputs(parts)));
    expect(merged).toEqual(whole);

    const shared = merged.findings.filter((f) => f.ruleId === 'shared-identity').map((f) => [f.resource, f.evidence['others']]);
    expect(shared).toEqual([
      ['projects/team-a-prod/locations/us-central1/services/api', ['projects/team-b-prod/locations/europe-west1/services/worker']],
      ['projects/team-b-prod/locations/europe-west1/services/worker', ['projects/team-a-prod/locations/us-central1/services/api']],
    ]);
    // The grant of serviceAccountUser on team-a-prod lets dev@ act as the identity worker runs as in team-b-prod.
    const actors = (r: Report) =>
      r.findings.filter((f) => f.ruleId === 'identity-impersonation').map((f) => [f.resource, JSON.stringify(f.evidence).includes('user:dev@cross.example')]);
    expect(actors(merged)).toEqual([
      ['projects/team-a-prod/locations/us-central1/services/api', true],
      ['projects/team-b-prod/locations/europe-west1/services/worker', true],
    ]);
    // Why shards are joined before auditing: alone, team-b-prod's shard sees neither the other workload nor
    // team-a-prod's policy, so two findings of the unsharded run would be missing from it.
    const alone = audit(parts[0]!);
    expect(alone.findings.filter((f) => f.ruleId === 'shared-identity')).toEqual([]);
    expect(actors(alone)).toEqual([]);
  });

  test('merge refuses a missing, repeated, foreign or unsharded shard', async () => {
    const parts = await shards(demo, ORG, 3);
    const [a, b, c] = asInputs(parts) as [ReturnType<typeof asInputs>[number], ReturnType<typeof asInputs>[number], ReturnType<typeof asInputs>[number]];
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err(() => mergeShards([a, c]))).toBe('shard 1/3 missing: merge needs all 3, or the report would silently leave projects out');
    expect(err(() => mergeShards([a, b, { ...b, file: 'copy.json' }, c]))).toBe('copy.json and s1.json are both shard 1/3');
    expect(err(() => mergeShards([a, b, { file: 'x.json', inventory: { ...c.inventory, scope: { kind: 'folder', ids: ['1'], regions: [] } } }]))).toBe(
      `x.json scanned folder 1, but s0.json scanned organization ${DEMO_ORG}`,
    );
    const { shard: _unused, ...plain } = c.inventory;
    expect(err(() => mergeShards([a, b, { file: 'full.json', inventory: plain }]))).toBe(
      'full.json is not a shard: it was collected without --shard (audit it with `audit --snapshot full.json`)',
    );
    expect(err(() => mergeShards([a, { file: 'two.json', inventory: { ...b.inventory, shard: { index: 1, count: 2 } } }]))).toBe(
      'two.json is shard 1/2, but s0.json is one of 3 shards',
    );
  });
});
