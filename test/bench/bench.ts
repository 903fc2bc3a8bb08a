/**
 * `npm run bench`: scans generated organisations through the emulator with the built CLI at default flags, the
 * emulator enforcing Google's per-minute quotas, and prints the figures the README's benchmark section records.
 * Options: `--only default|c1|10k|asset` (repeatable) to run some rows.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { RequestLogEntry } from '../../src/emulator/server.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { generateOrg, minimumCalls, ORG_ID, type OrgShape } from './org.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const REGIONS = ['us-central1', 'europe-west1', 'asia-northeast1'] as const;

/**
 * What the emulator enforces, per consumer project and minute: Google's published read quotas for Resource
 * Manager (600) and IAM (6,000). Cloud Run publishes none; its read quota is per region, and 1,000 a minute per
 * region is the value assumed here (the scanner does not know it: it learns it from the first 429).
 */
const QUOTAS = { run: { readsPerMinutePerRegion: 1000 }, crm: { readsPerMinute: 600 }, iam: { readsPerMinute: 6000 } } as const;
const WINDOW_MS = 60_000;
/** The CLI's default --concurrency: each API has a pool of this many requests in flight. */
const CONCURRENCY = 16;

/** Google's quota bucket a request counted against: Run by the region it names (`global` across regions), others global. */
function bucketOf(r: RequestLogEntry): { key: string; limit: number } | undefined {
  if (r.api === 'run.googleapis.com') {
    const region = /\/locations\/([^/]+)\//.exec(r.path + '/')?.[1];
    return { key: `run ${region !== undefined && region !== '-' ? region : 'global'}`, limit: QUOTAS.run.readsPerMinutePerRegion };
  }
  if (r.api === 'cloudresourcemanager.googleapis.com') return { key: 'crm', limit: QUOTAS.crm.readsPerMinute };
  if (r.api === 'iam.googleapis.com') return { key: 'iam', limit: QUOTAS.iam.readsPerMinute };
  return undefined;
}

/**
 * The least time the quotas allow: in a sliding window of a minute, the n-th accepted request of a bucket limited
 * to L a minute cannot start before floor((n − 1) / L) minutes, plus one response time.
 */
function quotaBoundMs(requests: RequestLogEntry[], latencyMs: number): { ms: number; bucket: string } {
  const counts = new Map<string, { n: number; limit: number }>();
  for (const r of requests) {
    if (r.status === 429) continue;
    const b = bucketOf(r);
    if (!b) continue;
    const c = counts.get(b.key) ?? { n: 0, limit: b.limit };
    c.n++;
    counts.set(b.key, c);
  }
  let best = { ms: 0, bucket: '—' };
  for (const [key, c] of counts) {
    const ms = Math.floor((c.n - 1) / c.limit) * WINDOW_MS + latencyMs;
    if (ms > best.ms) best = { ms, bucket: `${key}: ${c.n} at ${c.limit}/min` };
  }
  return best;
}

interface Row {
  name: string;
  concurrency: number;
  latencyMs: number;
  services: number;
  calls: number;
  minimum: number;
  duplicates: number;
  refused: number;
  wallMs: number;
  boundMs: number;
  latencyBoundMs: number;
  quotaBound: { ms: number; bucket: string };
  maxRssMb: number;
  exit: number;
  scannerCpuMs: number;
  emulatorCpuMs: number;
}

function runChild(args: string[]): Promise<{ wallMs: number; code: number; maxRssKb: number; cpuMs: number; stderr: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', () => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const m = /BENCH (\{.*\})\s*$/.exec(stderr);
      if (!m) return reject(new Error(`no BENCH line from the CLI:\n${stderr}`));
      const r = JSON.parse(m[1] ?? '{}') as { code: number; maxRssKb: number; cpuMs: number };
      resolve({ wallMs, code: r.code, maxRssKb: r.maxRssKb, cpuMs: r.cpuMs, stderr });
    });
  });
}

async function scan(name: string, shape: OrgShape, latencyMs: number, concurrency: number, extra: string[] = []): Promise<Row> {
  const scenario: Scenario = { ...generateOrg(shape), quotas: QUOTAS };
  const emu: RunningEmulator = await startEmulator({ scenario, latencyMs });
  const cpu = process.cpuUsage();
  try {
    // The report goes to stdout, which runChild discards: `--output /dev/null` is refused (a device is never a report
    // target; as root the old writer replaced /dev/null itself with a regular file).
    const res = await runChild([
      'audit', '--organization', ORG_ID, '--endpoint', emu.url, '--format', 'json', '--output', '-', '--quiet',
      ...(concurrency !== CONCURRENCY ? ['--concurrency', String(concurrency)] : []), ...extra,
    ]);
    const seen = new Set<string>();
    let duplicates = 0;
    for (const r of emu.requests) {
      if (r.status === 429) continue; // a refused request is not a fetch: its retry is
      const key = `${r.method} ${r.path}?${r.query}`;
      if (seen.has(key)) duplicates++;
      seen.add(key);
    }
    const roles = new Set(emu.requests.filter((r) => /\/roles\//.test(r.path)).map((r) => r.path)).size;
    const min = minimumCalls(shape, shape.projects, roles);
    const refused = emu.requests.filter((r) => r.status === 429).length;
    const latencyBoundMs = (emu.requests.length * latencyMs) / concurrency;
    const quotaBound = quotaBoundMs(emu.requests, latencyMs);
    return {
      name,
      concurrency,
      latencyMs,
      services: shape.projects * shape.regions.length * shape.servicesPerRegion,
      calls: emu.requests.length,
      minimum: min.total,
      duplicates,
      refused,
      wallMs: res.wallMs,
      boundMs: Math.max(latencyBoundMs, quotaBound.ms),
      latencyBoundMs,
      quotaBound,
      maxRssMb: res.maxRssKb / 1024,
      exit: res.code,
      scannerCpuMs: res.cpuMs,
      emulatorCpuMs: (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000,
    };
  } finally {
    await emu.close();
  }
}

async function helpTime(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const c = spawn(process.execPath, [MAIN, '--help'], { stdio: 'ignore' });
      c.on('error', reject);
      c.on('close', () => resolve());
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b)[2] ?? 0;
}

/** 500 projects, each listing every Cloud Run region (the emulator's default, about 42), services in 3 of them. */
const ISSUE_ORG: OrgShape = { projects: 500, folders: 10, regions: REGIONS, servicesPerRegion: 4, revisionsPerService: 3, jobsPerProject: 2 };
const TEN_K: OrgShape = { ...ISSUE_ORG, projects: 834 };

const only = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--only' ? [a] : []));
const want = (n: string) => only.length === 0 || only.includes(n);

const rows: Row[] = [];
if (want('default')) rows.push(await scan('500 projects, 25 ms', ISSUE_ORG, 25, CONCURRENCY));
if (want('10k')) rows.push(await scan('10,008 services, 0 ms', TEN_K, 0, CONCURRENCY));
if (want('c1')) rows.push(await scan('500 projects, 25 ms', ISSUE_ORG, 25, 1));
if (want('asset')) rows.push(await scan('500 projects, 25 ms, `--source asset-inventory`', ISSUE_ORG, 25, CONCURRENCY, ['--source', 'asset-inventory']));
const help = await helpTime();

const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const s = (ms: number) => `${f(ms / 1000, 1)} s`;
console.log('| scan | concurrency | services | API calls | minimum | calls / minimum | fetched twice | 429s | wall | bound (latency; quota) | wall / bound | peak RSS | exit |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.concurrency} | ${f(r.services)} | ${f(r.calls)} | ${f(r.minimum)} | ${f(r.calls / r.minimum, 3)} | ${r.duplicates} | ${r.refused} | ${s(r.wallMs)} | ` +
      `${s(r.boundMs)} (${s(r.latencyBoundMs)}; ${s(r.quotaBound.ms)}) | ${r.boundMs > 0 ? f(r.wallMs / r.boundMs, 2) : '—'} | ${f(r.maxRssMb)} MB | ${r.exit} |`,
  );
}
for (const r of rows) {
  console.log(`<!-- ${r.name} c${r.concurrency}: quota bound from ${r.quotaBound.bucket}; scanner CPU ${f(r.scannerCpuMs / 1000, 1)} s, emulator CPU ${f(r.emulatorCpuMs / 1000, 1)} s -->`);
}
const api = rows.find((r) => r.name === '500 projects, 25 ms' && r.concurrency === CONCURRENCY);
const asset = rows.find((r) => r.name.includes('asset-inventory'));
if (api && asset) console.log(`\nThe asset-inventory source made ${f(api.calls / asset.calls, 0)}× fewer calls than the API source (${f(asset.calls)} against ${f(api.calls)}).`);
console.log(`\n\`cloudrun-auditor --help\`: ${f(help)} ms (median of 5).`);
