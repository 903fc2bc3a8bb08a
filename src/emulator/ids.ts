import { createHash } from 'node:crypto';

/**
 * Deterministic identifiers. Everything the emulator invents (uids, etags, numbers, timestamps) is derived
 * from resource names so that two runs over the same scenario answer byte-for-byte the same.
 */

export function digest(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

export function hexOf(len: number, ...parts: string[]): string {
  return digest(...parts).toString('hex').slice(0, len);
}

/** A version-4-shaped UUID, stable for a given name. */
export function uuidFor(name: string): string {
  const b = digest('uuid', name);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Decimal digits (first digit non-zero), e.g. for a service account's 21-digit uniqueId. */
export function digitsFor(len: number, ...parts: string[]): string {
  const b = digest('digits', ...parts);
  let out = String(1 + ((b[0] ?? 0) % 9));
  for (let i = 1; out.length < len; i++) out += String((b[i % b.length] ?? 0) % 10);
  return out;
}

/** Lower-case letters, as in the random suffix of a revision id (`svc-00001-abc`). */
export function lettersFor(len: number, ...parts: string[]): string {
  const b = digest('letters', ...parts);
  let out = '';
  for (let i = 0; i < len; i++) out += String.fromCharCode(97 + ((b[i] ?? 0) % 26));
  return out;
}

/** IAM policy etags are 8 opaque bytes, base64; real ones start with "Bw". */
export function policyEtag(content: string): string {
  const b = digest('policy-etag', content).subarray(0, 8);
  b[0] = 0x07;
  b[1] = (b[1] ?? 0) & 0x0f;
  return b.toString('base64');
}

/** Cloud Run etags are quoted base64 strings. */
export function runEtag(name: string, generation: string): string {
  return '"' + digest('run-etag', name, generation).subarray(0, 24).toString('base64url') + '"';
}

/** Resource Manager v3 etags are weak HTTP etags over a hex digest. */
export function crmEtag(name: string): string {
  return `W/"${hexOf(16, 'crm-etag', name)}"`;
}

const BASE_TIME = Date.UTC(2024, 0, 8, 9, 0, 0);
const DAY = 86_400_000;

/**
 * An RFC3339 timestamp with microseconds, as Google writes them, a stable number of days after a base date
 * (plus `offsetDays`), with a stable time of day.
 */
export function timestampFor(name: string, offsetDays = 0): string {
  const b = digest('time', name);
  const days = ((b[0] ?? 0) * 256 + (b[1] ?? 0)) % 400;
  const ms = ((b[2] ?? 0) * 65536 + (b[3] ?? 0) * 256 + (b[4] ?? 0)) % DAY;
  const micros = ((b[5] ?? 0) * 256 + (b[6] ?? 0)) % 1000;
  const t = new Date(BASE_TIME + (days + offsetDays) * DAY + ms);
  return t.toISOString().replace(/\.(\d{3})Z$/, (_m, frac: string) => `.${frac}${String(micros).padStart(3, '0')}Z`);
}

/** Adds whole seconds to an RFC3339 timestamp, keeping the microsecond format. */
export function addSeconds(ts: string, seconds: number): string {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(ts);
  const base = Date.parse((m?.[1] ?? ts) + 'Z');
  const frac = (m?.[2] ?? '000000').padEnd(6, '0').slice(0, 6);
  return new Date(base + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}
