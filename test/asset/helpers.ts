import type { RequestLogEntry } from '../../src/emulator/server.js';

/** Requests the emulator saw, counted by API host. */
export function callsByApi(requests: readonly RequestLogEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) out[r.api] = (out[r.api] ?? 0) + 1;
  return out;
}
