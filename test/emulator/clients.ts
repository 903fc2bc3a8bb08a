import { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';
import { OAuth2Client } from 'google-auth-library';
import { cloudresourcemanager_v1 } from 'googleapis/build/src/apis/cloudresourcemanager/index.js';
import { iam_v1 } from 'googleapis/build/src/apis/iam/index.js';
import { run_v1, run_v2 } from 'googleapis/build/src/apis/run/index.js';
import { loadScenario, DEMO_SCENARIO_PATH } from '../../src/emulator/load.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import type { RunningEmulator } from '../../src/emulator/server.js';

/** The real client libraries, pointed at an emulator, with every retry off so errors surface at once. */
export interface RealClients {
  runV2: run_v2.Run;
  runV1: run_v1.Run;
  iam: iam_v1.Iam;
  crmV1: cloudresourcemanager_v1.Cloudresourcemanager;
  projects: ProjectsClient;
  folders: FoldersClient;
  organizations: OrganizationsClient;
}

export function tokenAuth(token = 'test-token'): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token, expiry_date: Date.now() + 3600_000 });
  return auth;
}

export function realClients(emu: RunningEmulator, token?: string): RealClients {
  const auth = token !== undefined ? tokenAuth(token) : undefined;
  const common = { rootUrl: emu.url, retry: false, retryConfig: { retry: 0 }, ...(auth ? { auth } : {}) };
  const gax = { fallback: 'rest' as const, apiEndpoint: '127.0.0.1', port: emu.port, protocol: 'http', authClient: auth ?? tokenAuth() };
  return {
    runV2: new run_v2.Run(common),
    runV1: new run_v1.Run(common),
    iam: new iam_v1.Iam(common),
    crmV1: new cloudresourcemanager_v1.Cloudresourcemanager(common),
    projects: new ProjectsClient(gax),
    folders: new FoldersClient(gax),
    organizations: new OrganizationsClient(gax),
  };
}

let demo: Scenario | undefined;
export function demoScenario(): Scenario {
  demo ??= loadScenario(DEMO_SCENARIO_PATH);
  return structuredClone(demo);
}

/** A GaxiosError's parts, as a collector sees them. */
export interface SeenError {
  status?: number;
  code?: unknown;
  message: string;
  data?: { error?: { code?: number; status?: string; message?: string; details?: { reason?: string; metadata?: Record<string, string> }[] } } | string;
  headers?: Record<string, string>;
}

export async function caught(p: Promise<unknown>): Promise<SeenError> {
  try {
    await p;
  } catch (e) {
    const err = e as { status?: number; code?: unknown; message: string; response?: { data?: SeenError['data']; headers?: Headers | Record<string, string> } };
    const h = err.response?.headers;
    const headers: Record<string, string> = {};
    if (h && typeof (h as Headers).forEach === 'function') (h as Headers).forEach((v, k) => (headers[k] = v));
    else if (h) Object.assign(headers, h);
    return { status: err.status, code: err.code, message: err.message, data: err.response?.data, headers };
  }
  throw new Error('expected the call to fail');
}
