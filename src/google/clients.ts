import { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';
import { OAuth2Client, type AuthClient } from 'google-auth-library';
import { cloudasset_v1 } from 'googleapis/build/src/apis/cloudasset/index.js';
import { cloudresourcemanager_v1 } from 'googleapis/build/src/apis/cloudresourcemanager/index.js';
import { iam_v1 } from 'googleapis/build/src/apis/iam/index.js';
import { recommender_v1 } from 'googleapis/build/src/apis/recommender/index.js';
import { run_v1, run_v2 } from 'googleapis/build/src/apis/run/index.js';
import { UserError } from '../errors.js';

/** The raw clients, configured for one endpoint and one identity, with every built-in retry switched off. */
export interface Clients {
  runV1: run_v1.Run;
  runV2: run_v2.Run;
  iam: iam_v1.Iam;
  crmV1: cloudresourcemanager_v1.Cloudresourcemanager;
  asset: cloudasset_v1.Cloudasset;
  recommender: recommender_v1.Recommender;
  projects: ProjectsClient;
  folders: FoldersClient;
  organizations: OrganizationsClient;
}

/**
 * What resource-manager's REST transport needs from "auth": headers, and a fetch it sends every request through.
 * Owning the fetch lets us bound each request in time and refuse redirects, which gax cannot do per call.
 */
interface GaxAuth {
  getRequestHeaders(url?: string | URL): Promise<Headers>;
  fetch(input: string | URL, init?: Record<string, unknown>): Promise<unknown>;
}

export function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UserError('USAGE', `--endpoint "${endpoint}" is not a URL; expected e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError('USAGE', `--endpoint "${endpoint}" must start with http:// or https://`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.username !== '' || url.password !== '') {
    throw new UserError('USAGE', `--endpoint "${endpoint}" must be an origin only (scheme, host, port), without a path, query or user`);
  }
  return url;
}

export function createClients(opts: {
  endpoint?: URL;
  auth: AuthClient | undefined;
  /** Hard ceiling per request for clients whose calls cannot be given a signal (a safety net behind Caller's own timer). */
  requestTimeoutMs: number;
}): Clients {
  const { endpoint, auth } = opts;
  const rootUrl = endpoint?.origin;
  // googleapis' typing lists a few AuthClient subclasses, but it only ever calls request(), which every AuthClient has.
  const gapiAuth = auth as OAuth2Client | undefined;
  const common = { retry: false, ...(rootUrl !== undefined ? { rootUrl } : {}), ...(gapiAuth !== undefined ? { auth: gapiAuth } : {}) };

  // A credential-less AuthClient still owns a plain transport: used when --endpoint is set without a token.
  const transport = auth ?? new OAuth2Client();
  const send = auth !== undefined ? auth.fetch.bind(auth) : transport.transporter.fetch.bind(transport.transporter);
  const gaxAuth: GaxAuth = {
    getRequestHeaders: async (url?: string | URL) => (auth !== undefined ? auth.getRequestHeaders(url) : new Headers()),
    fetch: (input, init) =>
      send(input, { ...(init ?? {}), timeout: opts.requestTimeoutMs, retry: false, redirect: 'manual' } as Parameters<typeof send>[1]),
  };
  const gaxOptions = {
    fallback: 'rest' as const,
    authClient: gaxAuth as unknown as AuthClient,
    ...(endpoint !== undefined
      ? {
          apiEndpoint: endpoint.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)),
          protocol: endpoint.protocol.replace(':', ''),
        }
      : {}),
  };

  return {
    runV1: new run_v1.Run(common),
    runV2: new run_v2.Run(common),
    iam: new iam_v1.Iam(common),
    crmV1: new cloudresourcemanager_v1.Cloudresourcemanager(common),
    asset: new cloudasset_v1.Cloudasset(common),
    recommender: new recommender_v1.Recommender(common),
    projects: new ProjectsClient(gaxOptions),
    folders: new FoldersClient(gaxOptions),
    organizations: new OrganizationsClient(gaxOptions),
  };
}

export async function closeClients(c: Clients): Promise<void> {
  await Promise.allSettled([c.projects.close(), c.folders.close(), c.organizations.close()]);
}
