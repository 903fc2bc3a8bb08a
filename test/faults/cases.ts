import { expect } from 'vitest';
import { API_HOST } from '../../src/google/apis.js';
import type { FaultRule } from '../../src/emulator/server.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import type { RetryOptions } from '../../src/google/call.js';
import { findingKey, normalised, requestsTo, type CallKind, type Scan } from './matrix.js';

export type FaultSpec = Omit<FaultRule, 'path' | 'method'>;

/** Faults a client must ride out: retried within limits, and the scan ends exactly as a clean one. */
export const RETRIED: { name: string; fault: FaultSpec; extra: number; hang?: true; retryAfterMs?: number }[] = [
  { name: '429 with Retry-After: 1', fault: { kind: 'status', status: 429, retryAfter: 1, times: 1 }, extra: 1, retryAfterMs: 1000 },
  { name: '429 without Retry-After', fault: { kind: 'status', status: 429, times: 2 }, extra: 2 },
  { name: '500', fault: { kind: 'status', status: 500, times: 2 }, extra: 2 },
  { name: '502 (front-end HTML page)', fault: { kind: 'status', status: 502, times: 2 }, extra: 2 },
  { name: '503', fault: { kind: 'status', status: 503, times: 2 }, extra: 2 },
  { name: '504', fault: { kind: 'status', status: 504, times: 2 }, extra: 2 },
  { name: 'connection reset mid-response', fault: { kind: 'reset', times: 1 }, extra: 1 },
  { name: 'no answer once (per-attempt timeout)', fault: { kind: 'hang', times: 1 }, extra: 1, hang: true },
];

/** Faults that cannot be ridden out: each must become an error entry naming the project or resource and the API. */
export const RECORDED: { name: string; fault: FaultSpec; status: string; listOnly?: true; hang?: true; message: RegExp }[] = [
  { name: 'never answers', fault: { kind: 'hang' }, status: 'TIMEOUT', hang: true, message: /: no answer from [a-z.]+ \(2 attempts over [\d.]+ (ms|s)\): rerun later, or raise the per-request timeout$/ },
  { name: 'truncated JSON', fault: { kind: 'truncated' }, status: 'BAD_RESPONSE', message: / sent a response that is not valid \(.+\): rerun; if it persists, / },
  { name: 'valid JSON of the wrong shape', fault: { kind: 'wrong-shape' }, status: 'BAD_RESPONSE', message: / sent a response that is not valid \(.+\): rerun; if it persists, / },
  { name: 'empty 200', fault: { kind: 'empty' }, status: 'BAD_RESPONSE', message: / sent a response that is not valid \(.+\): rerun; if it persists, / },
  { name: 'unexpected redirect', fault: { kind: 'redirect' }, status: 'REDIRECT', message: / answered with an unexpected redirect \(HTTP 302\), which was not followed: check --endpoint and any proxy$/ },
  { name: 'nextPageToken repeating forever', fault: { kind: 'repeat-token' }, status: 'PAGING_LOOP', listOnly: true, message: /: the server sent page token "[^"]+" again after 2 pages; paging stopped and this list is missing from the results: rerun later$/ },
];

export function retryFor(hang: boolean | undefined, base: Partial<RetryOptions>, hangRetry: Partial<RetryOptions>): Partial<RetryOptions> {
  return hang ? hangRetry : base;
}

export function expectSameAsClean(clean: Scan, s: Scan, k: CallKind, c: (typeof RETRIED)[number]): void {
  expect(normalised(s.inventory)).toEqual(normalised(clean.inventory));
  expect(s.report.findings.map(findingKey)).toEqual(clean.report.findings.map(findingKey));
  expect(s.report.errors).toEqual(clean.report.errors);
  const hit = requestsTo(s.emu.requests, k);
  const total = Object.values(s.stats).reduce((n, a) => n + a.retries, 0);
  if (c.hang) {
    // A loaded machine may time out an honest request too (it is then retried): at least the planned repeats.
    expect(hit.length).toBeGreaterThanOrEqual(k.cleanCount + c.extra);
    expect(total).toBeGreaterThanOrEqual(c.extra);
  } else {
    expect(hit.length).toBe(k.cleanCount + c.extra);
    expect(total).toBe(c.extra);
    expect(s.stats[apiName(k)].retries).toBe(c.extra);
  }
  // The server's Retry-After is what was waited for; without one, backoff (jitter pinned to 0 here) waits nothing.
  expect(s.clock.waits.filter((w) => w >= 1000)).toEqual(c.retryAfterMs !== undefined ? [c.retryAfterMs] : []);
}

function apiName(k: CallKind): 'run' | 'iam' | 'crm' {
  const e = Object.entries(API_HOST).find(([, host]) => host === k.route.api);
  return e![0] as 'run' | 'iam' | 'crm';
}

export function expectRecorded(clean: Scan, s: Scan, k: CallKind, c: (typeof RECORDED)[number]): void {
  const before = new Set(clean.inventory.errors.map((e) => JSON.stringify(e)));
  const added = s.inventory.errors.filter((e) => !before.has(JSON.stringify(e)));
  // Never a silent pass: the fault is in the inventory and in the report.
  expect(added.length).toBeGreaterThan(0);
  for (const e of added) {
    expect(e.api).toBe(k.route.api);
    expect(e.status).toBe(c.status);
    const where = e.project ?? e.resource;
    expect(where).toBeTruthy();
    expect(e.message).toContain(e.resource ?? e.project ?? '');
    expect(e.message).toMatch(c.message);
  }
  expect(s.report.errors.length).toBe(s.inventory.errors.length);
  if (c.status === 'REDIRECT') expect(s.emu.requests.filter((r) => r.path.startsWith('/redirected'))).toEqual([]);
  // A body that cannot be right, or a redirect, would be the same again: never retried.
  if (c.status === 'BAD_RESPONSE' || c.status === 'REDIRECT') expect(Object.values(s.stats).reduce((n, a) => n + a.retries, 0)).toBe(0);

  // Findings elsewhere complete: every project still marked complete is exactly as in the clean scan, with the same findings.
  const cleanProjects = new Map(clean.inventory.projects.map((p) => [p.projectId, p]));
  const complete = s.inventory.projects.filter((p) => p.complete);
  for (const p of complete) expect(p).toEqual(cleanProjects.get(p.projectId));
  const cleanComplete = clean.inventory.projects.filter((p) => p.complete).map((p) => p.projectId);
  for (const e of added) {
    if (e.project !== undefined) {
      // The project the error names is marked incomplete (or could not be listed at all).
      expect(s.inventory.projects.find((p) => p.projectId === e.project)?.complete ?? false).toBe(false);
    } else {
      // Above the projects: some project is now incomplete, or fewer projects were found.
      expect(complete.length < cleanComplete.length || s.inventory.projects.length < clean.inventory.projects.length).toBe(true);
    }
  }
  const completeIds = new Set(complete.map((p) => p.projectId));
  const of = (sc: Scan): string[] => sc.report.findings.filter((f) => completeIds.has(f.project)).map(findingKey);
  expect(of(s)).toEqual(of(clean));

  // The documented exit codes: 3 when nothing gates, 0 with --allow-incomplete, 1 when findings gate anyway.
  const base = { findings: s.report.findings, errorCount: s.report.errors.length };
  expect(exitCodeFor({ ...base, failOn: 'none', allowIncomplete: false })).toBe(3);
  expect(exitCodeFor({ ...base, failOn: 'none', allowIncomplete: true })).toBe(0);
}
