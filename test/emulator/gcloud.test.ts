import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Scenario, ScenarioProject } from '../../src/emulator/scenario.js';
import { startEmulator, type RequestLogEntry, type RunningEmulator } from '../../src/emulator/server.js';
import { demoScenario } from './clients.js';

/**
 * The real gcloud CLI (Cloud SDK 528 on this machine) against the emulator: if gcloud parses every answer,
 * the emulator speaks Google's wire format to a client we did not write.
 *
 * Set-up: every API gcloud calls here is overridden to the emulator (CLOUDSDK_API_ENDPOINT_OVERRIDES_*), with a
 * fixed access token and a throwaway config directory. `--region` commands derive a regional host by prefixing
 * the overridden host with `{region}-` (`us-central1-127.0.0.1`), which resolves nowhere. gcloud's own proxy
 * settings point at the emulator, which receives every request in absolute form with that Host and reads the
 * region from it (src/emulator/host.ts). The proxy also keeps gcloud on loopback: anything else it tried to reach
 * would arrive here too, and the test asserts that every request it made was one the emulator serves.
 *
 * gcloud takes 1–2 s to start, so the commands run at once in beforeAll, each against its own emulator
 * and config directory (so each command's requests are its own), and the tests then read their results.
 */

const GCLOUD = '/usr/bin/gcloud';
const present = existsSync(GCLOUD);
if (!present) console.log(`gcloud tests skipped: ${GCLOUD} is not installed`);

interface Run {
  stdout: string;
  stderr: string;
  code: number;
  requests: RequestLogEntry[];
}

type V1 = { metadata: { name: string; labels?: Record<string, string> }; spec: { template: { spec: { serviceAccountName?: string } } } };

const COMMANDS = {
  servicesList: ['run', 'services', 'list', '--project', 'acme-payments-prod'],
  jobsList: ['run', 'jobs', 'list', '--project', 'acme-data-prod'],
  servicesDescribe: ['run', 'services', 'describe', 'ledger', '--region', 'us-central1', '--project', 'acme-payments-prod'],
  servicesPolicy: ['run', 'services', 'get-iam-policy', 'payments-api', '--region', 'us-central1', '--project', 'acme-payments-prod'],
  projectPolicy: ['projects', 'get-iam-policy', 'acme-payments-prod'],
  accountsList: ['iam', 'service-accounts', 'list', '--project', 'acme-payments-prod'],
  keysList: ['iam', 'service-accounts', 'keys', 'list', '--iam-account', 'fraud-sa@acme-payments-prod.iam.gserviceaccount.com'],
  assetSearch: ['asset', 'search-all-resources', '--scope', 'projects/acme-payments-prod', '--asset-types', 'run.googleapis.com/Service'],
} as const;

function env(port: number, config: string): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CLOUDSDK_|https?_proxy$|no_proxy$|all_proxy$)/i.test(k)));
  const endpoint = `http://127.0.0.1:${port}/`;
  return {
    ...base,
    CLOUDSDK_CONFIG: config,
    CLOUDSDK_AUTH_ACCESS_TOKEN: 'gcloud-test-token',
    CLOUDSDK_CORE_PROJECT: 'acme-web-prod',
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
    CLOUDSDK_CORE_DISABLE_FILE_LOGGING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    CLOUDSDK_SURVEY_DISABLE_PROMPTS: 'true',
    CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: endpoint,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDRESOURCEMANAGER: endpoint,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM: endpoint,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDASSET: endpoint,
    CLOUDSDK_PROXY_TYPE: 'http',
    CLOUDSDK_PROXY_ADDRESS: '127.0.0.1',
    CLOUDSDK_PROXY_PORT: String(port),
  };
}

/** One gcloud command against its own emulator serving `scenario`. */
async function gcloud(scenario: Scenario, args: readonly string[]): Promise<Run> {
  const emu: RunningEmulator = await startEmulator({ scenario });
  const config = mkdtempSync(join(tmpdir(), 'gcloud-config-'));
  try {
    return await new Promise<Run>((resolve) => {
      execFile(GCLOUD, [...args, '--format=json'], { env: env(emu.port, config), timeout: 90_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ stdout, stderr, code, requests: [...emu.requests] });
      });
    });
  } finally {
    await emu.close();
    rmSync(config, { recursive: true, force: true });
  }
}

/** Parses gcloud's JSON after checking the run was clean: exit 0 and only requests the emulator answered with 200. */
function parsed<T>(r: Run | undefined): T {
  expect(r).toBeDefined();
  expect({ code: r!.code, stderr: r!.code === 0 ? '' : r!.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r!.requests.filter((q) => q.status !== 200).map((q) => `${q.status} ${q.method} ${q.path}`)).toEqual([]);
  return JSON.parse(r!.stdout) as T;
}

describe.skipIf(!present)('the gcloud CLI reads the emulator', () => {
  const scenario = demoScenario();
  const project = (id: string): ScenarioProject => scenario.projects.find((p) => p.projectId === id)!;
  const runs: Partial<Record<keyof typeof COMMANDS | 'unreachable', Run>> = {};
  // The same list where one region of the project does not answer.
  const partial = demoScenario();
  partial.projects.find((p) => p.projectId === 'acme-payments-prod')!.unreachable = { regions: ['europe-west1'] };

  beforeAll(async () => {
    await Promise.all([
      ...(Object.entries(COMMANDS) as [keyof typeof COMMANDS, readonly string[]][]).map(async ([k, args]) => {
        runs[k] = await gcloud(scenario, args);
      }),
      gcloud(partial, COMMANDS.servicesList).then((r) => (runs.unreachable = r)),
    ]);
  }, 180_000);

  it('run services list: one cross-region call, every service of the project', () => {
    const items = parsed<V1[]>(runs.servicesList);
    expect(items.map((s) => s.metadata.name).sort()).toEqual(project('acme-payments-prod').services!.map((s) => s.name).sort());
    expect(runs.servicesList!.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /v1/projects/acme-payments-prod/locations/-/services']);
  });

  it('run services list: gcloud reads `unreachable` and warns that the list may be incomplete', () => {
    const r = runs.unreachable!;
    expect(r.stderr).toContain('WARNING: The following Cloud Run regions did not respond: europe-west1. List results may be incomplete.');
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as V1[];
    const want = project('acme-payments-prod').services!.filter((s) => s.region !== 'europe-west1').map((s) => s.name);
    expect(items.map((s) => s.metadata.name).sort()).toEqual(want.sort());
  });

  it('run jobs list: the v1 global jobs list', () => {
    const items = parsed<{ metadata: { name: string } }[]>(runs.jobsList);
    expect(items.map((j) => j.metadata.name).sort()).toEqual(project('acme-data-prod').jobs!.map((j) => j.name).sort());
    expect(runs.jobsList!.requests.map((q) => q.path)).toEqual(['/apis/run.googleapis.com/v1/namespaces/acme-data-prod/jobs']);
  });

  it('run services describe: on the regional endpoint, with the runtime identity', () => {
    const svc = parsed<V1>(runs.servicesDescribe);
    const want = project('acme-payments-prod').services!.find((s) => s.name === 'ledger')!;
    expect([svc.metadata.name, svc.metadata.labels?.['cloud.googleapis.com/location'], svc.spec.template.spec.serviceAccountName]).toEqual(['ledger', 'us-central1', want.serviceAccount]);
    expect(runs.servicesDescribe!.requests.map((q) => q.path)).toEqual(['/apis/serving.knative.dev/v1/namespaces/acme-payments-prod/services/ledger']);
  });

  it('run services get-iam-policy: the v1 policy read', () => {
    const policy = parsed<{ bindings: { role: string; members: string[] }[]; etag: string }>(runs.servicesPolicy);
    const want = project('acme-payments-prod').services!.find((s) => s.name === 'payments-api')!.iamPolicy!.bindings;
    expect(policy.bindings).toEqual(want.map((b) => ({ role: b.role, members: [...b.members].sort() })));
    expect(runs.servicesPolicy!.requests.map((q) => `${q.path}?${q.query}`)).toEqual([
      '/v1/projects/acme-payments-prod/locations/us-central1/services/payments-api:getIamPolicy?alt=json&options.requestedPolicyVersion=3',
    ]);
  });

  it('projects get-iam-policy', () => {
    const policy = parsed<{ bindings: { role: string; members: string[] }[] }>(runs.projectPolicy);
    expect(policy.bindings.map((b) => b.role).sort()).toEqual(project('acme-payments-prod').iamPolicy!.bindings.map((b) => b.role).sort());
  });

  it('iam service-accounts list', () => {
    const accounts = parsed<{ email: string }[]>(runs.accountsList);
    const want = project('acme-payments-prod').serviceAccounts!.map((a) => a.email ?? `${a.accountId}@acme-payments-prod.iam.gserviceaccount.com`);
    expect(accounts.map((a) => a.email).sort()).toEqual(want.sort());
  });

  it('iam service-accounts keys list', () => {
    const keys = parsed<{ name: string; keyType: string }[]>(runs.keysList);
    const want = project('acme-payments-prod').serviceAccounts!.find((a) => a.accountId === 'fraud-sa')!.keys!;
    expect(keys.map((k) => [k.name.split('/').pop(), k.keyType]).sort()).toEqual(want.map((k) => [k.keyId, k.keyType]).sort());
  });

  it('asset search-all-resources', () => {
    const results = parsed<{ name: string; assetType: string }[]>(runs.assetSearch);
    const want = project('acme-payments-prod').services!.map((s) => `//run.googleapis.com/projects/acme-payments-prod/locations/${s.region}/services/${s.name}`);
    expect(results.map((x) => x.name).sort()).toEqual(want.sort());
  });
});
