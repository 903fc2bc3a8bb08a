/**
 * Last line of defence against leaking credentials into messages, snapshots and reports: every message built from
 * something a client or server said passes through here.
 */

const knownSecrets = new Set<string>();

/** Registers a secret (e.g. a fixed access token) so that it is blanked wherever it appears. */
export function registerSecret(secret: string): void {
  if (secret.length >= 4) knownSecrets.add(secret);
}

export function redact(text: string): string {
  let out = text;
  for (const s of knownSecrets) out = out.split(s).join('[redacted]');
  return out
    .replace(/(authorization\s*[:=]\s*)(bearer\s+)?[^\s,;"'}]+/gi, '$1[redacted]')
    .replace(/bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/\bya29\.[A-Za-z0-9._-]+/g, '[redacted]')
    .replace(/([?&](?:access_token|key)=)[^&\s]+/gi, '$1[redacted]');
}

/** One line, bounded length, no secrets: what a server said, fit to quote in a message. */
export function oneLine(text: string, max = 300): string {
  const flat = redact(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
