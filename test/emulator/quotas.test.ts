import { afterEach, describe, expect, it } from 'vitest';
import type { Scenario, ScenarioQuotas } from '../../src/emulator/scenario.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { caught, demoScenario, realClients } from './clients.js';
import { raw } from './raw.js';

/** A clock the test moves by hand: windows are crossed without waiting, and nothing depends on real time. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function withQuotas(quotas: ScenarioQuotas): Scenario {
  return { ...demoScenario(), quotas };
}

const HELP = { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Request a higher quota limit.', url: 'https://cloud.google.com/docs/quotas/help/request_increase' }] };

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const a = await raw(emu!, { path, headers: { host: `127.0.0.1:${emu!.port}`, ...headers } });
  return { status: a.status, json: a.json };
}

describe('per-minute quotas, enforced as Google does', () => {
  it('refuses the 41st Run read in a region with Google\'s exact 429, while other regions and the global bucket still answer', async () => {
    const clock = manualClock();
    emu = await startEmulator({ scenario: withQuotas({ consumer: '731180445672', run: { readsPerMinutePerRegion: 40 } }), now: clock.now });
    for (let i = 0; i < 40; i++) expect((await get('/v2/projects/acme-web-prod/locations/us-central1/services')).status).toBe(200);
    const refused = await get('/v2/projects/acme-payments-prod/locations/us-central1/services');
    expect(refused).toEqual({
      status: 429,
      json: {
        error: {
          code: 429,
          message:
            "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per region' of service 'run.googleapis.com' for consumer 'project_number:731180445672'.",
          status: 'RESOURCE_EXHAUSTED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'RATE_LIMIT_EXCEEDED',
              domain: 'googleapis.com',
              metadata: {
                consumer: 'projects/731180445672',
                quota_limit: 'ReadPerMinutePerProjectRegion',
                quota_limit_value: '40',
                quota_location: 'us-central1',
                quota_metric: 'run.googleapis.com/read_regional',
                service: 'run.googleapis.com',
              },
            },
            HELP,
          ],
        },
      },
    });
    // Each region is its own bucket; cross-region and global-endpoint lists share the `global` one.
    expect((await get('/v2/projects/acme-web-prod/locations/europe-west1/services')).status).toBe(200);
    expect((await get('/v2/projects/acme-web-prod/locations/-/services')).status).toBe(200);
    expect((await get('/apis/run.googleapis.com/v1/namespaces/acme-web-prod/jobs')).status).toBe(200);
    // A regional endpoint counts against its region.
    const regional = await get('/apis/serving.knative.dev/v1/namespaces/acme-web-prod/services', { host: `us-central1-127.0.0.1:${emu.port}` });
    expect(regional.status).toBe(429);
    // Other APIs have no quota in this scenario.
    expect((await get('/v1/projects/acme-web-prod/serviceAccounts')).status).toBe(200);
  });

  it('counts cross-region and global-endpoint reads against location global', async () => {
    emu = await startEmulator({ scenario: withQuotas({ consumer: '731180445672', run: { readsPerMinutePerRegion: 2 } }), now: manualClock().now });
    expect((await get('/v1/projects/acme-web-prod/locations/-/services')).status).toBe(200);
    expect((await get('/apis/serving.knative.dev/v1/namespaces/acme-web-prod/revisions')).status).toBe(200);
    const refused = await get('/v2/projects/acme-web-prod/locations/-/services');
    expect(refused.status).toBe(429);
    const info = (refused.json as { error: { details: { metadata: Record<string, string> }[] } }).error.details[0]?.metadata;
    expect(info).toMatchObject({ quota_location: 'global', quota_limit_value: '2', quota_metric: 'run.googleapis.com/read_regional' });
    expect((await get('/v2/projects/acme-web-prod/locations/us-central1/services')).status).toBe(200);
  });

  it('answers Resource Manager and IAM with their own global quota names, through the real clients', async () => {
    emu = await startEmulator({ scenario: withQuotas({ consumer: '731180445672', crm: { readsPerMinute: 1 }, iam: { readsPerMinute: 1 } }), now: manualClock().now });
    const c = realClients(emu);
    await c.crmV1.projects.get({ projectId: 'acme-web-prod' });
    const crm = await caught(c.crmV1.projects.get({ projectId: 'acme-web-prod' }));
    expect(crm.status).toBe(429);
    expect(crm.message).toBe(
      "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'cloudresourcemanager.googleapis.com' for consumer 'project_number:731180445672'.",
    );
    expect(typeof crm.data === 'object' ? crm.data.error?.details?.[0]?.metadata : undefined).toEqual({
      consumer: 'projects/731180445672',
      quota_limit: 'ReadRequestsPerMinutePerProject',
      quota_limit_value: '1',
      quota_location: 'global',
      quota_metric: 'cloudresourcemanager.googleapis.com/read_requests',
      service: 'cloudresourcemanager.googleapis.com',
    });
    // A POST read (getIamPolicy) draws on the same bucket.
    const post = await caught(c.crmV1.projects.getIamPolicy({ resource: 'acme-web-prod', requestBody: {} }));
    expect(post.status).toBe(429);
    await c.iam.projects.serviceAccounts.list({ name: 'projects/acme-web-prod' });
    const iam = await caught(c.iam.projects.serviceAccounts.list({ name: 'projects/acme-web-prod' }));
    expect(typeof iam.data === 'object' ? iam.data.error?.details?.[0]?.metadata : undefined).toMatchObject({
      quota_limit: 'ReadRequestsPerMinutePerProject',
      quota_location: 'global',
      quota_metric: 'iam.googleapis.com/read_requests',
      service: 'iam.googleapis.com',
    });
  });

  it('keeps one bucket per consumer: x-goog-user-project picks it, by project ID or number', async () => {
    emu = await startEmulator({ scenario: withQuotas({ run: { readsPerMinutePerRegion: 1 } }), now: manualClock().now });
    const path = '/v2/projects/acme-web-prod/locations/us-central1/services';
    expect((await get(path)).status).toBe(200);
    const refused = await get(path);
    // Without a `consumer`, the first project of the scenario is billed.
    expect((refused.json as { error: { message: string } }).error.message).toContain("for consumer 'project_number:415104041262'");
    expect((await get(path, { 'x-goog-user-project': 'acme-data-prod' })).status).toBe(200);
    const byNumber = await get(path, { 'x-goog-user-project': '207384615950' });
    expect([byNumber.status, (byNumber.json as { error: { details: { metadata: { consumer: string } }[] } }).error.details[0]?.metadata.consumer]).toEqual([
      429,
      'projects/207384615950',
    ]);
  });

  it('slides its window: refused reads are not counted, and each read is freed a window after it was made', async () => {
    const clock = manualClock();
    emu = await startEmulator({ scenario: withQuotas({ windowSeconds: 10, run: { readsPerMinutePerRegion: 2 } }), now: clock.now });
    const path = '/v2/projects/acme-web-prod/locations/us-central1/services';
    expect((await get(path)).status).toBe(200); // t = 0
    clock.advance(4_000);
    expect((await get(path)).status).toBe(200); // t = 4 s
    clock.advance(5_999);
    expect((await get(path)).status).toBe(429); // t = 9.999 s: both still in the window
    expect((await get(path)).status).toBe(429);
    clock.advance(1);
    expect((await get(path)).status).toBe(200); // t = 10 s: the first read has left the window
    expect((await get(path)).status).toBe(429);
    clock.advance(4_000);
    expect((await get(path)).status).toBe(200); // t = 14 s: the second has left too
  });

  it('with a short windowSeconds and the real clock, recovers once the window has passed', async () => {
    emu = await startEmulator({ scenario: withQuotas({ windowSeconds: 0.05, iam: { readsPerMinute: 1 } }) });
    const path = '/v1/projects/acme-web-prod/serviceAccounts';
    expect((await get(path)).status).toBe(200);
    // Refused or not (that depends on the machine's speed), a second read never holds the window open: had the
    // knob been ignored (60 s), the read below would be refused.
    await get(path);
    await new Promise((r) => setTimeout(r, 120));
    expect((await get(path)).status).toBe(200);
  });

  it('rejects a quota of zero and an unknown quota key in the scenario', async () => {
    const { parseScenario } = await import('../../src/emulator/load.js');
    const base = 'organization: { id: "100000000001", displayName: x.example }\nprojects: []\n';
    expect(() => parseScenario(base + 'quotas: { run: { readsPerMinutePerRegion: 0 } }\n', 'q.yaml')).toThrow('q.yaml:3:43: quotas.run.readsPerMinutePerRegion: must be >= 1');
    expect(() => parseScenario(base + 'quotas: { cloudrun: { reads: 1 } }\n', 'q.yaml')).toThrow('unknown property "cloudrun"');
  });
});
