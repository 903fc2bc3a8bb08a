import type { RequestContext } from './context.js';
import { invalidArgument } from './google-errors.js';
import { hexOf } from './ids.js';

/** Parameters that may change between the pages of one listing (AIP-158) or that only shape the transport. */
const NOT_PART_OF_QUERY = new Set(['pageSize', 'pageToken', 'limit', 'continue', '$alt', 'alt', 'key', 'prettyPrint', 'fields', '$fields']);

function queryFingerprint(ctx: RequestContext): string {
  const entries = [...ctx.query.entries()].filter(([k]) => !NOT_PART_OF_QUERY.has(k)).sort(([a, x], [b, y]) => (a + x < b + y ? -1 : 1));
  return hexOf(12, ctx.pathname, JSON.stringify(entries));
}

function encodeToken(fingerprint: string, offset: number): string {
  return Buffer.from(`${offset}.${fingerprint}`).toString('base64url');
}

function decodeToken(token: string, fingerprint: string): number | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const m = /^(\d+)\.([0-9a-f]+)$/.exec(text);
  if (!m || m[2] !== fingerprint) return undefined;
  return Number(m[1]);
}

export interface PageLimits {
  defaultSize: number;
  maxSize: number;
  /** The query parameters carrying the page size and the token: AIP-158's by default, Kubernetes' (`limit`, `continue`) for Run v1. */
  sizeParam?: string;
  tokenParam?: string;
}

/**
 * One page of `items`. The effective size is min(requested or default, API max, emulator cap). Tokens are
 * opaque and bound to the query: a token from another listing is rejected with 400, as Google does.
 */
export function pageOf<T>(items: readonly T[], ctx: RequestContext, limits: PageLimits): { page: T[]; nextPageToken?: string } {
  const sizeParam = limits.sizeParam ?? 'pageSize';
  const tokenParam = limits.tokenParam ?? 'pageToken';
  const rawSize = ctx.query.get(sizeParam);
  let size = limits.defaultSize;
  if (rawSize !== null && rawSize !== '') {
    const n = Number(rawSize);
    const field = sizeParam === 'pageSize' ? 'page_size' : sizeParam;
    if (!Number.isInteger(n) || n < 0) throw invalidArgument(`Invalid value at '${field}' (TYPE_INT32), "${rawSize}"`, field, `Invalid value at '${field}' (TYPE_INT32), "${rawSize}"`);
    if (n > 0) size = n;
  }
  size = Math.max(1, Math.min(size, limits.maxSize, ctx.maxPageSize));
  const fp = queryFingerprint(ctx);
  let offset = 0;
  const token = ctx.query.get(tokenParam);
  if (token) {
    const o = decodeToken(token, fp);
    const field = tokenParam === 'pageToken' ? 'page_token' : tokenParam;
    if (o === undefined) throw invalidArgument('The provided page token is invalid.', field, 'Invalid page token.');
    offset = o;
  }
  const page = items.slice(offset, offset + size);
  if (ctx.repeatToken) return { page, nextPageToken: encodeToken(fp, Math.min(size, items.length)) };
  const next = offset + size;
  return next < items.length ? { page, nextPageToken: encodeToken(fp, next) } : { page };
}

/** A list body as Google writes it: empty collections and the last page's token are left out. */
export function listBody<T>(key: string, items: readonly T[], ctx: RequestContext, limits: PageLimits, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { page, nextPageToken } = pageOf(items, ctx, limits);
  const out: Record<string, unknown> = {};
  if (page.length > 0) out[key] = page;
  if (nextPageToken) out['nextPageToken'] = nextPageToken;
  return { ...out, ...extra };
}
