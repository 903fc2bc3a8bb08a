import { REGION_PATTERN } from './regions.js';

/**
 * Which Host names the emulator answers. It serves loopback only, so a page in a browser cannot reach it
 * through a DNS name that resolves to 127.0.0.1 (DNS rebinding): such a request carries the attacker's
 * name in Host and is refused.
 *
 * Also accepted: `{region}-127.0.0.1` and `{region}-localhost`. The gcloud CLI derives a regional endpoint
 * by prefixing the overridden host name with `{region}-` (`https://us-central1-run.googleapis.com` in
 * production). Those names resolve nowhere, so the gcloud tests set gcloud's own proxy settings to the
 * emulator, which then receives the request in absolute form with that Host. No public DNS name can take
 * either form (a single label ending in a loopback address), so they open nothing to a browser.
 */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type HostCheck = { ok: true; region?: string } | { ok: false; host: string };

/** The host name without its port, lower-cased: `[::1]:8085` → `[::1]`, `localhost:80` → `localhost`. */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  return h.replace(/:\d*$/, '');
}

/**
 * Checks a request's Host header. `extra` names one more host the server was told to listen on
 * (e.g. `0.0.0.0` inside a container, where clients name the container instead; then pass that name).
 */
export function checkHost(header: string | undefined, extra?: string): HostCheck {
  if (header === undefined || header === '') return { ok: false, host: '' };
  const name = hostName(header);
  if (LOOPBACK.has(name) || (extra !== undefined && name === extra.toLowerCase())) return { ok: true };
  const m = /^(.+)-(127\.0\.0\.1|localhost)$/.exec(name);
  if (m && REGION_PATTERN.test(m[1] ?? '')) return { ok: true, region: m[1] ?? '' };
  return { ok: false, host: name };
}

/**
 * The path and query of a request target, in origin form (`/v1/...`) or absolute form
 * (`http://us-central1-127.0.0.1:8085/v1/...`, as sent to a proxy). Parsed by hand: WHATWG URL rejects
 * `us-central1-127.0.0.1` (a name ending in a number must be an IPv4 address).
 */
export function originForm(target: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(target);
  if (!m) return target;
  const rest = m[1] ?? '';
  return rest.startsWith('/') ? rest : `/${rest}`;
}
