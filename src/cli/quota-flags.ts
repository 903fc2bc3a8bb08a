import { UserError } from '../errors.js';
import { API_HOST, API_NAMES, type ApiName } from '../google/apis.js';
import type { CallStats } from '../google/call.js';

/**
 * `--qpm run=600,iam=3000`: a ceiling in requests per minute for some APIs, over each of their quota buckets (one per
 * region for Cloud Run); the others go as fast as Google's published quotas, or the limit a 429 names, allow.
 */
export function qpmFrom(raw: string | string[] | undefined): Partial<Record<ApiName, number>> | undefined {
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((r) => String(r).split(',')).map((p) => p.trim()).filter((p) => p !== '');
  const usage = 'expected e.g. --qpm run=1000,iam=6000,crm=600';
  if (parts.length === 0) throw new UserError('USAGE', `--qpm needs API=REQUESTS_PER_MINUTE pairs: ${usage}`);
  const out: Partial<Record<ApiName, number>> = {};
  for (const part of parts) {
    const m = /^([a-z]+)=(\d+)$/.exec(part);
    const api = m?.[1] as ApiName | undefined;
    if (m === null || api === undefined || !API_NAMES.includes(api)) {
      throw new UserError('USAGE', `--qpm ${JSON.stringify(part)} is not API=N with API one of ${API_NAMES.join(', ')}: ${usage}`);
    }
    const n = Number(m[2]);
    if (!Number.isSafeInteger(n) || n < 1) throw new UserError('USAGE', `--qpm ${api} must be at least 1 request per minute, got ${m[2] ?? ''}`);
    if (out[api] !== undefined) throw new UserError('USAGE', `--qpm gives ${api} twice`);
    out[api] = n;
  }
  return out;
}

/** What --verbose prints at the end: every request sent (retries included) per API, so a user can check quota use. */
export function statsLines(stats: CallStats): string[] {
  // The three APIs every scan reads are always listed (a 0 there is news); others only when used.
  const shown = API_NAMES.filter((api) => api === 'run' || api === 'iam' || api === 'crm' || stats[api].attempts > 0);
  return shown.map((api) => {
    const s = stats[api];
    return `${API_HOST[api]}: ${s.attempts} request${s.attempts === 1 ? '' : 's'}, ${s.retries} retr${s.retries === 1 ? 'y' : 'ies'}, ${s.failures} failed call${s.failures === 1 ? '' : 's'}`;
  });
}
