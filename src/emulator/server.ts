import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { MediaBody, type RequestContext } from './context.js';
import { ApiError, errorForStatus, hostRefused, invalidArgument, notFound, payloadTooLarge, unauthenticated } from './google-errors.js';
import { checkHost, originForm } from './host.js';
import { QuotaLimiter } from './quotas.js';
import { apiForPath, matchRoute, type RouteMatch } from './routes.js';
import type { Scenario } from './scenario.js';
import { World } from './world.js';

export interface FaultRule {
  /** HTTP method to match; any if absent. */
  method?: string;
  /** Matched against the request pathname (string = substring, RegExp = test). */
  path: string | RegExp;
  kind?: 'status' | 'reset' | 'hang' | 'truncated' | 'wrong-shape' | 'empty' | 'redirect' | 'repeat-token';
  /** For kind 'status' (429, 500, 502, 503, 504, 403...), answered with the real Google error body for that status. */
  status?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** How many matching requests it hits; default unlimited. */
  times?: number;
}

export interface EmulatorOptions {
  scenario: Scenario;
  host?: string;
  port?: number;
  /** Page cap applied on top of the client's pageSize (default 1000; tests use small caps so paging is always exercised). */
  maxPageSize?: number;
  /** Added to every response. */
  latencyMs?: number;
  faults?: FaultRule[];
  /** When set, only these permissions are granted to the caller everywhere; anything else → 403 PERMISSION_DENIED. */
  allowedPermissions?: ReadonlySet<string>;
  /** When set, every request must carry `Authorization: Bearer <token>` or gets 401 UNAUTHENTICATED. */
  requireToken?: string;
  /** Largest request body accepted (bytes): JSON calls default to Google's 10 MiB, media uploads to 64 MiB. Larger: 413. */
  maxBodyBytes?: { json?: number; media?: number };
  /** The clock quotas are counted on (ms); tests pass their own to step through a window without waiting. */
  now?: () => number;
}

/** Google's limit on a JSON request payload ("Request payload size exceeds the limit: 10485760 bytes."). */
const DEFAULT_JSON_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_MEDIA_BODY_BYTES = 64 * 1024 * 1024;

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  /** The HTTP status sent; 0 while unanswered (a 'hang' fault never answers). */
  status: number;
  /** e.g. 'run.googleapis.com'; '' for a path that belongs to no API. */
  api: string;
  permission?: string;
}

export interface RunningEmulator {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  port: number;
  /** Every request served, in arrival order. */
  requests: RequestLogEntry[];
  /** Most requests ever in flight (arrived, not yet answered) at once, per API host: how a client's pools are checked. */
  peakInFlight: Record<string, number>;
  addFault(f: FaultRule): void;
  clearFaults(): void;
  close(): Promise<void>;
}

interface ActiveFault {
  rule: FaultRule;
  remaining: number;
}

const BASE_HEADERS: Record<string, string> = {
  vary: 'Origin, X-Origin, Referer',
  server: 'ESF',
  'cache-control': 'private',
  'x-xss-protection': '0',
  'x-frame-options': 'SAMEORIGIN',
  'x-content-type-options': 'nosniff',
};
const JSON_TYPE = 'application/json; charset=UTF-8';

function faultMatches(f: FaultRule, method: string, pathname: string): boolean {
  if (f.method && f.method.toUpperCase() !== method) return false;
  return typeof f.path === 'string' ? pathname.includes(f.path) : f.path.test(pathname);
}

/** Google pretty-prints JSON unless told otherwise. */
function jsonText(body: unknown): string {
  return JSON.stringify(body, null, 2) + '\n';
}

class BodyTooLarge extends Error {}

/** Reads the body, refusing (without holding it) one larger than `limit` bytes, declared or streamed. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The answer a request would get without faults: status, body text and extra headers. */
interface Answer {
  status: number;
  body: unknown;
  text: string;
  contentType: string;
  headers: Record<string, string>;
  /** Sent instead of `text` for a media download. */
  bytes?: Buffer;
}

function errorAnswer(e: ApiError): Answer {
  const isText = typeof e.body === 'string';
  return {
    status: e.httpStatus,
    body: e.body,
    text: isText ? (e.body as string) : jsonText(e.body),
    contentType: isText ? 'text/html; charset=UTF-8' : JSON_TYPE,
    headers: e.headers,
  };
}

function okAnswer(body: unknown): Answer {
  if (body instanceof MediaBody) {
    return { status: 200, body, text: body.content.toString('utf8'), bytes: body.content, contentType: body.contentType, headers: {} };
  }
  return { status: 200, body, text: jsonText(body), contentType: JSON_TYPE, headers: {} };
}

function resourceOf(pathname: string): string {
  return pathname.replace(/^\/v\d+\//, '').replace(/:[A-Za-z]+$/, '');
}

/** Starts the emulator on 127.0.0.1 (by default on a free port). */
export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const world = new World(opts.scenario, opts.allowedPermissions);
  const quotas = opts.scenario.quotas ? new QuotaLimiter(opts.scenario.quotas, opts.now) : undefined;
  const listenHost = opts.host !== undefined && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : undefined;
  const maxPageSize = opts.maxPageSize ?? 1000;
  let faults: ActiveFault[] = (opts.faults ?? []).map((rule) => ({ rule, remaining: rule.times ?? Infinity }));
  const requests: RequestLogEntry[] = [];
  const inFlight: Record<string, number> = {};
  const peakInFlight: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  function takeFault(method: string, pathname: string): FaultRule | undefined {
    const f = faults.find((x) => x.remaining > 0 && faultMatches(x.rule, method, pathname));
    if (!f) return undefined;
    f.remaining -= 1;
    return f.rule;
  }

  function answer(route: RouteMatch | undefined, req: IncomingMessage, url: URL, rawBody: Buffer, repeatToken: boolean, endpointRegion: string | undefined): Answer {
    const method = (req.method ?? 'GET').toUpperCase();
    const bodyText = rawBody.toString('utf8');
    try {
      if (!route) throw notFound(`Method not found.`);
      let body: unknown;
      if (route.spec.body !== 'media' && bodyText.trim() !== '') {
        try {
          body = JSON.parse(bodyText);
        } catch {
          throw invalidArgument(`Invalid JSON payload received. Unexpected token.\n${bodyText.slice(0, 40)}\n^`);
        }
      }
      const ctx: RequestContext = {
        method,
        pathname: url.pathname,
        query: url.searchParams,
        body,
        rawBody,
        headers: req.headers,
        params: route.params,
        world,
        maxPageSize,
        repeatToken,
        api: route.spec.api,
        ...(route.spec.permission !== null ? { permission: route.spec.permission } : {}),
        ...(endpointRegion !== undefined ? { endpointRegion } : {}),
      };
      return okAnswer(route.spec.handler(ctx));
    } catch (e) {
      if (e instanceof ApiError) return errorAnswer(e);
      return errorAnswer(errorForStatus(500, { api: route?.spec.api ?? '', resource: '', consumerNumber: '0' }));
    }
  }

  function send(req: IncomingMessage, res: ServerResponse, a: Answer, entry: RequestLogEntry): void {
    const headers: Record<string, string> = { ...BASE_HEADERS, 'content-type': a.contentType, ...a.headers };
    let payload = a.bytes ?? Buffer.from(a.text, 'utf8');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      payload = gzipSync(payload);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(payload.length);
    entry.status = a.status;
    res.writeHead(a.status, headers);
    res.end(payload);
  }

  /** Answers and drops the connection: the rest of a refused request is never read. */
  function sendAndClose(req: IncomingMessage, res: ServerResponse, a: Answer, entry: RequestLogEntry): void {
    res.setHeader('connection', 'close');
    res.once('finish', () => req.socket.destroySoon?.());
    send(req, res, a, entry);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    // A request through a proxy names the whole URL (gcloud's regional hosts reach us that way; see host.ts).
    const url = new URL(originForm(req.url ?? '/'), 'http://emulator.invalid');
    const route = matchRoute(method, url.pathname);
    const entry: RequestLogEntry = {
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      status: 0,
      api: route?.spec.api ?? apiForPath(url.pathname),
      ...(route?.spec.permission ? { permission: route.spec.permission } : {}),
    };
    requests.push(entry);
    inFlight[entry.api] = (inFlight[entry.api] ?? 0) + 1;
    peakInFlight[entry.api] = Math.max(peakInFlight[entry.api] ?? 0, inFlight[entry.api] ?? 0);
    res.once('close', () => {
      inFlight[entry.api] = (inFlight[entry.api] ?? 1) - 1;
    });
    // Only loopback names: a browser page that rebinds its own DNS name to 127.0.0.1 is refused.
    const host = checkHost(req.headers.host, listenHost);
    if (!host.ok) {
      sendAndClose(req, res, errorAnswer(hostRefused(host.host)), entry);
      return;
    }
    const limit = route?.spec.body === 'media' ? (opts.maxBodyBytes?.media ?? DEFAULT_MEDIA_BODY_BYTES) : (opts.maxBodyBytes?.json ?? DEFAULT_JSON_BODY_BYTES);
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req, limit);
    } catch (e) {
      if (!(e instanceof BodyTooLarge)) throw e;
      sendAndClose(req, res, errorAnswer(payloadTooLarge(limit)), entry);
      return;
    }
    if (opts.latencyMs) {
      const ms = opts.latencyMs;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, ms);
        timers.add(t);
      });
    }

    if (opts.requireToken !== undefined) {
      const auth = String(req.headers['authorization'] ?? '');
      const m = /^Bearer\s+(.+)$/i.exec(auth);
      if (!m || m[1] !== opts.requireToken) {
        send(req, res, errorAnswer(unauthenticated(!m, entry.api || 'googleapis.com')), entry);
        return;
      }
    }

    if (quotas && route) {
      const userProject = req.headers['x-goog-user-project'];
      const consumer = world.consumerNumber(typeof userProject === 'string' ? userProject : undefined);
      const loc = route.params['location'];
      const location = loc !== undefined && loc !== '-' ? loc : host.region;
      const refused = quotas.take(route.spec.api, consumer, location);
      if (refused) {
        send(req, res, errorAnswer(refused), entry);
        return;
      }
    }

    const fault = takeFault(method, url.pathname);
    const kind = fault ? (fault.kind ?? 'status') : undefined;
    if (fault && kind === 'hang') return; // never answered; closed with the server
    if (fault && kind === 'status') {
      const project = route?.params['project'];
      const consumer = (project !== undefined ? world.project(project)?.number : undefined) ?? world.projects[0]?.number ?? '0';
      const err = errorForStatus(fault.status ?? 503, {
        api: entry.api,
        ...(route?.spec.permission ? { permission: route.spec.permission } : {}),
        resource: resourceOf(url.pathname),
        consumerNumber: consumer,
        quotaLocation: route?.params['location'] !== undefined && route.params['location'] !== '-' ? route.params['location'] : (host.region ?? 'global'),
        ...(fault.retryAfter !== undefined ? { retryAfter: fault.retryAfter } : {}),
      });
      send(req, res, errorAnswer(err), entry);
      return;
    }
    if (fault && kind === 'redirect') {
      entry.status = 302;
      res.writeHead(302, { ...BASE_HEADERS, location: `/redirected${url.pathname}${url.search}`, 'content-length': '0' });
      res.end();
      return;
    }
    if (fault && kind === 'empty') {
      entry.status = 200;
      res.writeHead(200, { ...BASE_HEADERS, 'content-type': JSON_TYPE, 'content-length': '0' });
      res.end();
      return;
    }

    const a = answer(route, req, url, rawBody, kind === 'repeat-token', host.region);
    if (fault && kind === 'wrong-shape') {
      const key = route?.spec.listKey;
      const wrong = key ? { [key]: 'oops' } : ['oops'];
      send(req, res, okAnswer(wrong), entry);
      return;
    }
    if (fault && (kind === 'truncated' || kind === 'reset')) {
      const half = a.text.slice(0, Math.max(1, Math.floor(a.text.length / 2)));
      entry.status = a.status;
      res.writeHead(a.status, { ...BASE_HEADERS, 'content-type': a.contentType, ...a.headers });
      if (kind === 'truncated') {
        res.end(half);
      } else {
        // Headers and part of the body are on the wire when the connection dies.
        res.write(half, () => {
          res.socket?.destroy();
        });
      }
      return;
    }
    send(req, res, a, entry);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': JSON_TYPE });
        res.end(jsonText({ error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } }));
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    peakInFlight,
    addFault(f: FaultRule): void {
      faults.push({ rule: f, remaining: f.times ?? Infinity });
    },
    clearFaults(): void {
      faults = [];
    },
    close(): Promise<void> {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
