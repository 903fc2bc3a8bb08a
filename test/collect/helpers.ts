import { createServer } from 'node:net';
import { collectInventory, type CollectOptions } from '../../src/collect/collect.js';
import type { RetryOptions } from '../../src/google/call.js';
import type { Inventory, Scope } from '../../src/model/inventory.js';
import type { RequestLogEntry } from '../../src/emulator/server.js';

/** Retry timing for tests: real behaviour, millisecond waits. */
export const FAST_RETRY: Partial<RetryOptions> = { baseDelayMs: 2, maxDelayMs: 10, deadlineMs: 10_000, attemptTimeoutMs: 5_000 };

export const DEMO_ORG = '482915736104';
export const ORG_SCOPE: Scope = { kind: 'organization', ids: [DEMO_ORG], regions: [] };

export function collect(endpoint: string, scope: Scope, extra: Partial<CollectOptions> = {}): Promise<Inventory> {
  return collectInventory({ scope, endpoint, retry: FAST_RETRY, ...extra });
}

/** The inventory with the collection time and tool version fixed, so collections compare equal across runs and releases. */
export function normalised(inv: Inventory): Inventory {
  return { ...inv, collectedAt: '<collectedAt>', toolVersion: '<toolVersion>' };
}

/** `METHOD path?query`, one per request, as the emulator saw them. */
export function lines(requests: RequestLogEntry[]): string[] {
  return requests.map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`);
}

export function count(requests: RequestLogEntry[], method: string, path: string | RegExp): number {
  return requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length;
}

/** A port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
