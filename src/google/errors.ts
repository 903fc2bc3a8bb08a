import type { CollectionError } from '../model/inventory.js';
import { API_HOST, type CallContext } from './apis.js';
import { oneLine } from './redact.js';
import { deniedAdvice } from '../permissions/advice.js';

/** Failures that are not an HTTP status from Google. */
export type FailureKind = 'TIMEOUT' | 'NETWORK' | 'BAD_RESPONSE' | 'PAGING_LOOP' | 'REDIRECT';

/** What one failed attempt looked like, before deciding whether to retry. */
export interface Failure {
  /** HTTP status, or a kind for failures without one. */
  status: number | FailureKind;
  /** Google's status name (PERMISSION_DENIED, RESOURCE_EXHAUSTED, …). */
  googleStatus?: string;
  /** ErrorInfo reason (SERVICE_DISABLED, IAM_PERMISSION_DENIED, RATE_LIMIT_EXCEEDED, …). */
  reason?: string;
  /** ErrorInfo metadata (permission, service, consumer, …). */
  metadata: Record<string, string>;
  /** Google's own message, or the network error code, one line. */
  detail: string;
  /** Milliseconds the server asked us to wait (Retry-After). */
  retryAfterMs?: number;
  /** Network error code (ECONNRESET, ECONNREFUSED, …). */
  networkCode?: string;
  /** For redirects: where it pointed (origin only). */
  location?: string;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const RETRY_NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'SOCKET_HANG_UP', 'PREMATURE_CLOSE']);

export function isRetryable(f: Failure): boolean {
  if (typeof f.status === 'number') return RETRY_STATUSES.has(f.status);
  if (f.status === 'TIMEOUT') return true;
  return f.status === 'NETWORK' && f.networkCode !== undefined && RETRY_NETWORK.has(f.networkCode);
}

/** Thrown by every Google call once retries are exhausted (or not applicable). Carries the fix text. */
export class GoogleCallError extends Error {
  readonly failure: Failure;
  readonly ctx: CallContext;
  readonly attempts: number;

  constructor(ctx: CallContext, failure: Failure, attempts: number, elapsedMs: number) {
    super(describeFailure(ctx, failure, attempts, elapsedMs));
    this.name = 'GoogleCallError';
    this.ctx = ctx;
    this.failure = failure;
    this.attempts = attempts;
  }

  get status(): number | string {
    return this.failure.status;
  }

  toCollectionError(): CollectionError {
    const e: CollectionError = {
      api: API_HOST[this.ctx.api],
      method: this.ctx.method,
      resource: this.ctx.resource,
      status: this.failure.status,
      message: this.message,
    };
    if (this.ctx.project !== undefined) e.project = this.ctx.project;
    const reason = this.failure.reason ?? this.failure.googleStatus;
    if (reason !== undefined) e.reason = reason;
    return e;
  }
}

export function isGoogleCallError(e: unknown): e is GoogleCallError {
  return e instanceof GoogleCallError;
}

/** A response that arrived but cannot be what Google sends (truncated, not JSON, wrong shape). */
export class BadResponseError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'BadResponseError';
  }
}

/** An attempt that got no answer within the per-attempt timeout. */
export class AttemptTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/** Paging that would never end. */
export class PagingLoopError extends Error {
  constructor(readonly pages: number, detail: string) {
    super(detail);
    this.name = 'PagingLoopError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Classification of whatever a client threw.

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Google's JSON error body, wherever the client put it: parsed data, raw text, or (resource-manager) the message. */
function findErrorBody(err: Rec): Rec | undefined {
  const response = isRec(err['response']) ? err['response'] : undefined;
  const candidates: unknown[] = [response?.['data'], err['message']];
  for (const c of candidates) {
    let v: unknown = c;
    if (typeof v === 'string' && v.trimStart().startsWith('{')) {
      try {
        v = JSON.parse(v);
      } catch {
        continue;
      }
    }
    if (isRec(v) && isRec(v['error'])) return v['error'];
  }
  return undefined;
}

function headerOf(err: Rec, name: string): string | undefined {
  const response = isRec(err['response']) ? err['response'] : undefined;
  const headers = response?.['headers'];
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const v = (headers as { get(n: string): string | null }).get(name);
    return v ?? undefined;
  }
  if (isRec(headers)) {
    for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return str(v);
  }
  return undefined;
}

function parseRetryAfter(v: string | undefined, now: number): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const secs = Number(v.trim());
  if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function httpStatusOf(err: Rec): number | undefined {
  const response = isRec(err['response']) ? err['response'] : undefined;
  const candidates = [response?.['status'], err['status'], err['code']];
  for (const c of candidates) if (typeof c === 'number' && c >= 100 && c < 600) return c;
  return undefined;
}

const NETWORK_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
];

/** Walks `cause` chains: node-fetch, undici and gaxios each wrap the socket error differently. */
function networkCodeOf(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 6 && isRec(cur); depth++) {
    const code = str(cur['code']) ?? str(cur['errno']);
    if (code && NETWORK_CODES.includes(code)) return code;
    const msg = str(cur['message']) ?? '';
    if (/socket hang up/i.test(msg)) return 'SOCKET_HANG_UP';
    for (const c of NETWORK_CODES) if (msg.includes(c)) return c;
    cur = cur['cause'] ?? cur['error'];
  }
  return undefined;
}

function isPrematureClose(err: unknown): boolean {
  let cur: unknown = err;
  for (let depth = 0; depth < 6 && isRec(cur); depth++) {
    const code = str(cur['code']) ?? '';
    const msg = str(cur['message']) ?? '';
    if (code === 'ERR_STREAM_PREMATURE_CLOSE' || /premature close/i.test(msg)) return true;
    cur = cur['cause'];
  }
  return false;
}

function readErrorInfo(body: Rec | undefined): { reason?: string; metadata: Record<string, string> } {
  const metadata: Record<string, string> = {};
  const details = Array.isArray(body?.['details']) ? (body['details'] as unknown[]) : [];
  for (const d of details) {
    if (!isRec(d)) continue;
    const type = str(d['@type']) ?? '';
    if (!type.endsWith('google.rpc.ErrorInfo')) continue;
    if (isRec(d['metadata'])) {
      for (const [k, v] of Object.entries(d['metadata'])) if (typeof v === 'string') metadata[k] = v;
    }
    const reason = str(d['reason']);
    return reason !== undefined ? { reason, metadata } : { metadata };
  }
  // The legacy `errors[].reason` carries the same idea on older APIs.
  const legacy = Array.isArray(body?.['errors']) ? (body['errors'] as unknown[]) : [];
  for (const l of legacy) {
    if (isRec(l) && str(l['reason']) === 'accessNotConfigured') return { reason: 'SERVICE_DISABLED', metadata };
  }
  return { metadata };
}

export function classify(err: unknown, now: number = Date.now()): Failure {
  if (err instanceof AttemptTimeoutError) {
    return { status: 'TIMEOUT', metadata: {}, detail: err.message };
  }
  if (err instanceof BadResponseError) {
    return { status: 'BAD_RESPONSE', metadata: {}, detail: oneLine(err.message, 160) };
  }
  if (err instanceof PagingLoopError) {
    return { status: 'PAGING_LOOP', metadata: {}, detail: err.message };
  }
  if (!isRec(err)) return { status: 'BAD_RESPONSE', metadata: {}, detail: oneLine(String(err), 160) };

  const status = httpStatusOf(err);
  if (status !== undefined && status >= 300 && status < 400) {
    const loc = headerOf(err, 'location');
    let location: string | undefined;
    if (loc !== undefined) {
      try {
        location = new URL(loc).origin;
      } catch {
        location = undefined;
      }
    }
    const f: Failure = { status: 'REDIRECT', metadata: {}, detail: `HTTP ${status}` };
    if (location !== undefined) f.location = location;
    return f;
  }
  if (status !== undefined) {
    const body = findErrorBody(err);
    const info = readErrorInfo(body);
    const message = str(body?.['message']) ?? str(err['message']) ?? `HTTP ${status}`;
    const f: Failure = { status, metadata: info.metadata, detail: oneLine(message) };
    const googleStatus = str(body?.['status']);
    if (googleStatus !== undefined) f.googleStatus = googleStatus;
    if (info.reason !== undefined) f.reason = info.reason;
    else if (status === 403 && /has not been used in project|is disabled/i.test(message)) f.reason = 'SERVICE_DISABLED';
    const retryAfterMs = parseRetryAfter(headerOf(err, 'retry-after'), now);
    if (retryAfterMs !== undefined) f.retryAfterMs = retryAfterMs;
    return f;
  }
  // The connection died before the body was complete: a reset, worth another attempt (a body that arrives
  // complete but cut short is caught later, as BAD_RESPONSE, when it fails to parse).
  if (isPrematureClose(err)) {
    return { status: 'NETWORK', metadata: {}, detail: 'connection closed mid-response', networkCode: 'PREMATURE_CLOSE' };
  }
  const networkCode = networkCodeOf(err);
  if (networkCode !== undefined) {
    return { status: 'NETWORK', metadata: {}, detail: networkCode === 'SOCKET_HANG_UP' ? 'socket hang up' : networkCode, networkCode };
  }
  if (str(err['name']) === 'AbortError' || str(err['name']) === 'TimeoutError' || str(err['type']) === 'aborted') {
    return { status: 'TIMEOUT', metadata: {}, detail: 'the request was aborted' };
  }
  // Anything else a client throws while decoding is a response it could not make sense of.
  return { status: 'BAD_RESPONSE', metadata: {}, detail: oneLine(str(err['message']) ?? 'unreadable response', 160) };
}

// ---------------------------------------------------------------------------------------------------------------
// Messages that say what to do.

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function projectFromConsumer(consumer: string | undefined): string | undefined {
  return consumer?.replace(/^projects\//, '');
}

export function describeFailure(ctx: CallContext, f: Failure, attempts: number, elapsedMs: number): string {
  const host = API_HOST[ctx.api];
  const what = `${ctx.method} on ${ctx.resource}`;
  const tries = attempts > 1 ? ` (${attempts} attempts over ${seconds(elapsedMs)})` : '';
  switch (f.status) {
    case 'TIMEOUT':
      return `${what}: no answer from ${host}${tries || ` (${f.detail})`}: rerun later, or raise the per-request timeout`;
    case 'NETWORK':
      return `${what}: connection to ${host} failed (${f.detail})${tries}: check the network and rerun`;
    case 'BAD_RESPONSE':
      return `${what}: ${host} sent a response that is not valid (${f.detail}): rerun; if it persists, something between the scanner and Google is rewriting responses`;
    case 'PAGING_LOOP':
      return `${what}: ${f.detail}; paging stopped and this list is missing from the results: rerun later`;
    case 'REDIRECT':
      return `${what}: ${host} answered with an unexpected redirect (${f.detail}${f.location ? ` to ${f.location}` : ''}), which was not followed: check --endpoint and any proxy`;
    default:
      break;
  }
  const status = f.status;
  if (status === 403 && f.reason === 'SERVICE_DISABLED') {
    const service = f.metadata['service'] ?? host;
    const project = ctx.project ?? projectFromConsumer(f.metadata['consumer']) ?? 'the project';
    return `${service} is disabled in project ${project}: enable it with "gcloud services enable ${service} --project=${project}"`;
  }
  if (status === 403) {
    const permission = f.metadata['permission'] ?? ctx.permission;
    // The same role `doctor` names for the same gap (src/permissions/advice.ts).
    return `permission ${permission} denied on ${ctx.target}: ${deniedAdvice(permission)}`;
  }
  if (status === 401) {
    return `${what}: ${host} rejected the credentials (HTTP 401): run "gcloud auth application-default login" or check GOOGLE_APPLICATION_CREDENTIALS`;
  }
  if (status === 429) {
    const why = f.reason ?? f.googleStatus ?? 'RESOURCE_EXHAUSTED';
    return `${what}: ${host} quota exhausted (${why})${tries}: rerun later, lower --qpm, or raise the quota`;
  }
  if (status >= 500) {
    return `${what}: ${host} failed with HTTP ${status}${f.googleStatus ? ` ${f.googleStatus}` : ''}${tries}: rerun later`;
  }
  if (status === 404) {
    return `${what}: not found (HTTP 404${f.detail ? `: ${f.detail}` : ''})`;
  }
  return `${what}: HTTP ${status}${f.googleStatus ? ` ${f.googleStatus}` : ''}: ${f.detail}`;
}
