import { collectInventory, type CollectOptions } from '../../src/collect/collect.js';
import { auditInventory } from '../../src/audit/pipeline.js';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { ROUTES, matchRoute, type RouteSpec } from '../../src/emulator/routes.js';
import { startEmulator, type FaultRule, type RequestLogEntry, type RunningEmulator } from '../../src/emulator/server.js';
import type { CallStats, RetryOptions } from '../../src/google/call.js';
import type { Finding, Report } from '../../src/model/finding.js';
import type { Inventory, Scope } from '../../src/model/inventory.js';
import { defaultRules } from '../../src/rules/load.js';

/**
 * The fault matrix's plumbing: a clean scan of the whole demo organisation is the baseline; each case injects
 * one fault into the first request of one kind of call and compares the result with that baseline.
 */

export const DEMO = loadScenario(DEMO_SCENARIO_PATH);
export const ORG_SCOPE: Scope = { kind: 'organization', ids: ['482915736104'], regions: [] };
/** Small pages, so every list call really pages and a repeating token is noticed on page 2. */
export const PAGE_CAP = 2;

/** Real backoff logic with no real waiting: retries sleep at most a few ms, and every wait asked for is recorded. */
export interface Clock {
  waits: number[];
  sleep(ms: number): Promise<void>;
}

export function clock(): Clock {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms) => {
      if (ms > 0) waits.push(ms);
      return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
    },
  };
}

/** Long enough that a loaded machine never times out an honest request; only 'hang' cases shorten it. */
export const RETRY: Partial<RetryOptions> = { baseDelayMs: 50, maxDelayMs: 200, deadlineMs: 60_000, attemptTimeoutMs: 15_000, maxAttempts: 5 };
/** For faults that never answer: a short per-attempt timeout, three attempts. */
export const HANG_RETRY: Partial<RetryOptions> = { ...RETRY, attemptTimeoutMs: 500, maxAttempts: 2 };

export interface Scan {
  emu: RunningEmulator;
  inventory: Inventory;
  report: Report;
  stats: CallStats;
  clock: Clock;
}

export async function scan(faults: FaultRule[], retry: Partial<RetryOptions> = RETRY, extra: Partial<CollectOptions> = {}): Promise<Scan> {
  const emu = await startEmulator({ scenario: DEMO, maxPageSize: PAGE_CAP, faults });
  try {
    const c = clock();
    let stats: CallStats | undefined;
    const inventory = await collectInventory({
      scope: ORG_SCOPE,
      endpoint: emu.url,
      retry,
      qpm: { run: 600_000, iam: 600_000, crm: 600_000 },
      random: () => 0,
      sleep: c.sleep,
      onStats: (s) => (stats = s),
      ...extra,
    });
    const now = new Date('2026-01-01T00:00:00Z');
    const report = auditInventory(inventory, defaultRules(), { startedAt: now.toISOString(), now });
    return { emu, inventory, report, stats: stats!, clock: c };
  } finally {
    await emu.close();
  }
}

/** The inventory without what differs between two runs of the same cloud. */
export function normalised(inv: Inventory): Inventory {
  return { ...inv, collectedAt: '<collectedAt>', toolVersion: '<toolVersion>' };
}

export function exactPath(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

export interface CallKind {
  route: RouteSpec;
  /** The first request of this kind in the clean scan: the one each fault is aimed at. */
  method: string;
  path: string;
  /** How many requests the clean scan sent to exactly this path. */
  cleanCount: number;
  /** The collector pages this list (asks with pageSize); unpaged lists such as keys.list cannot loop. */
  paged: boolean;
}

/**
 * Every kind of call the clean scan made, read from the emulator's log, so a new kind is covered without edits
 * here. The target is the first request of the kind that succeeded (a fault on an already-denied call proves nothing).
 */
export function callKinds(log: readonly RequestLogEntry[]): CallKind[] {
  const out = new Map<string, CallKind>();
  for (const r of log) {
    const m = matchRoute(r.method, r.path);
    if (!m) throw new Error(`the clean scan made a request no route serves: ${r.method} ${r.path}`);
    if (out.has(m.spec.id) || r.status !== 200) continue;
    out.set(m.spec.id, {
      route: m.spec,
      method: r.method,
      path: r.path,
      cleanCount: log.filter((x) => x.method === r.method && x.path === r.path).length,
      paged: new URLSearchParams(r.query).has('pageSize'),
    });
  }
  return [...out.values()].sort((a, b) => ROUTES.indexOf(a.route) - ROUTES.indexOf(b.route));
}

export function requestsTo(log: readonly RequestLogEntry[], k: CallKind): RequestLogEntry[] {
  return log.filter((r) => r.method === k.method && r.path === k.path);
}

export const findingKey = (f: Finding): string => `${f.ruleId} ${f.resource} ${f.serviceAccount}`;
