/**
 * `npm run bench`: scans generated organisations through the emulator with the built CLI, and prints the figures
 * the README's benchmark section records. Options: `--only default|c1|10k` (repeatable) to run some rows.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { generateOrg, minimumCalls, ORG_ID, type OrgShape } from './org.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const REGIONS = ['us-central1', 'europe-west1', 'asia-northeast1'] as const;
/** Quotas raised so the rows measure the scanner, not Google's per-minute limits (those are computed separately). */
const NO_QUOTA = 'run=10000000,iam=10000000,crm=10000000,asset=10000000';

interface Row {
  name: string;
  concurrency: number;
  latencyMs: number;
  services: number;
  calls: number;
  minimum: number;
  duplicates: number;
  wallMs: number;
  boundMs: number;
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
  const scenario = generateOrg(shape);
  const emu: RunningEmulator = await startEmulator({ scenario, latencyMs });
  const cpu = process.cpuUsage();
  try {
    // The report goes to stdout, which runChild discards: `--output /dev/null` is refused (a device is never a report
    // target; as root the old writer replaced /dev/null itself with a regular file).
    const res = await runChild([
      'audit', '--organization', ORG_ID, '--endpoint', emu.url, '--format', 'json', '--output', '-',
      '--quiet', '--qpm', NO_QUOTA, '--concurrency', String(concurrency), ...extra,
    ]);
    const seen = new Set<string>();
    let duplicates = 0;
    for (const r of emu.requests) {
      const key = `${r.method} ${r.path}?${r.query}`;
      if (seen.has(key)) duplicates++;
      seen.add(key);
    }
    const roles = new Set(emu.requests.filter((r) => /\/roles\//.test(r.path)).map((r) => r.path)).size;
    const min = minimumCalls(shape, shape.projects, roles);
    return {
      name,
      concurrency,
      latencyMs,
      services: shape.projects * shape.regions.length * shape.servicesPerRegion,
      calls: emu.requests.length,
      minimum: min.total,
      duplicates,
      wallMs: res.wallMs,
      boundMs: (emu.requests.length * latencyMs) / concurrency,
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

const ISSUE_ORG: OrgShape = { projects: 500, folders: 10, regions: REGIONS, servicesPerRegion: 4, revisionsPerService: 3, jobsPerProject: 2 };
const TEN_K: OrgShape = { ...ISSUE_ORG, projects: 834 };

const only = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--only' ? [a] : []));
const want = (n: string) => only.length === 0 || only.includes(n);

const rows: Row[] = [];
if (want('default')) rows.push(await scan('500 projects, 25 ms', ISSUE_ORG, 25, 16));
if (want('10k')) rows.push(await scan('10,008 services, 0 ms', TEN_K, 0, 16));
if (want('c1')) rows.push(await scan('500 projects, 25 ms', ISSUE_ORG, 25, 1));
if (want('asset')) rows.push(await scan('500 projects, 25 ms, `--source asset-inventory`', ISSUE_ORG, 25, 16, ['--source', 'asset-inventory']));
const help = await helpTime();

const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log('| scan | concurrency | services | API calls | minimum | calls / minimum | fetched twice | wall | bound calls×latency/concurrency | wall / bound | peak RSS | exit |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.concurrency} | ${f(r.services)} | ${f(r.calls)} | ${f(r.minimum)} | ${f(r.calls / r.minimum, 3)} | ${r.duplicates} | ${f(r.wallMs / 1000, 1)} s | ` +
      `${r.latencyMs > 0 ? `${f(r.boundMs / 1000, 1)} s` : '—'} | ${r.latencyMs > 0 ? f(r.wallMs / r.boundMs, 2) : '—'} | ${f(r.maxRssMb)} MB | ${r.exit} |`,
  );
}
for (const r of rows) {
  console.log(`<!-- ${r.name} c${r.concurrency}: scanner CPU ${f(r.scannerCpuMs / 1000, 1)} s, emulator CPU ${f(r.emulatorCpuMs / 1000, 1)} s -->`);
}
const api = rows.find((r) => r.name === '500 projects, 25 ms' && r.concurrency === 16);
const asset = rows.find((r) => r.name.includes('asset-inventory'));
if (api && asset) console.log(`\nThe asset-inventory source made ${f(api.calls / asset.calls, 0)}× fewer calls than the API source (${f(asset.calls)} against ${f(api.calls)}).`);
const q = minimumCalls(ISSUE_ORG, ISSUE_ORG.projects, 3);
console.log(
  `\nAt Google's default quotas (run ${f(1000)}, iam ${f(6000)}, crm ${f(600)} per minute) the 500-project scan needs at least ` +
    `${f(Math.max(q.run / 1000, q.iam / 6000, (q.crm + ISSUE_ORG.projects) / 600), 1)} minutes (run: ${f(q.run)} calls at 1,000/min).`,
);
console.log(`\n\`cloudrun-auditor --help\`: ${f(help)} ms (median of 5).`);
