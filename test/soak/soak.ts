/**
 * `npm run soak`: an emulated organisation of 20,000 services and 60,000 revisions, generated in memory, audited
 * by the built CLI to JSON and CSV files. Prints the figures the README's reliability section records: peak RSS
 * of the scanner, wall time, requests, findings and report sizes. Fails (exit 1) if the scan is not complete and
 * correct in size, or if the reports are not what a streamed write of every finding would produce.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../src/emulator/server.js';
import type { Report } from '../../src/model/finding.js';
import { generateOrg, ORG_ID, type OrgShape } from '../bench/org.js';

const CHILD = fileURLToPath(new URL('../bench/child.js', import.meta.url));
const SHAPE: OrgShape = { projects: 1000, folders: 10, regions: ['us-central1', 'europe-west1'], servicesPerRegion: 10, revisionsPerService: 3, jobsPerProject: 1 };
const NO_QUOTA = 'run=10000000,iam=10000000,crm=10000000';

function fail(message: string): never {
  process.stderr.write(`soak: FAILED: ${message}\n`);
  process.exit(1);
}

const scenario = generateOrg(SHAPE);
const services = scenario.projects.reduce((n, p) => n + (p.services?.length ?? 0), 0);
const revisions = scenario.projects.reduce((n, p) => n + (p.services ?? []).reduce((m, s) => m + (s.revisions?.length ?? 0), 0), 0);
if (services !== 20_000 || revisions !== 60_000) fail(`generated ${services} services and ${revisions} revisions`);

const emu = await startEmulator({ scenario });
const dir = mkdtempSync(join(tmpdir(), 'cra-soak-'));
const started = process.hrtime.bigint();
const result = await new Promise<{ code: number; maxRssKb: number; cpuMs: number }>((resolve, reject) => {
  const args = ['audit', '--organization', ORG_ID, '--endpoint', emu.url, '--output-dir', dir, '--format', 'json', '--format', 'csv', '--quiet', '--qpm', NO_QUOTA, '--fail-on', 'none'];
  const child = spawn(process.execPath, [...(process.env['SOAK_NODE_OPTIONS'] ? process.env['SOAK_NODE_OPTIONS'].split(' ') : []), CHILD, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.on('error', reject);
  child.on('close', () => {
    const m = /BENCH (\{.*\})\s*$/.exec(stderr);
    if (!m) return reject(new Error(`no BENCH line:\n${stderr}`));
    resolve(JSON.parse(m[1] ?? '{}') as { code: number; maxRssKb: number; cpuMs: number });
  });
});
const wallS = Number(process.hrtime.bigint() - started) / 1e9;
const requests = emu.requests.length;
await emu.close();

const jsonFile = join(dir, 'latest.json');
const csvFile = join(dir, 'latest.csv');
const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
const csvRows = readFileSync(csvFile, 'utf8').split('\r\n').length - 2;
const figures = {
  services,
  revisions,
  exit: result.code,
  requests,
  wall: `${wallS.toFixed(1)} s`,
  scannerCpu: `${(result.cpuMs / 1000).toFixed(1)} s`,
  peakRss: `${Math.round(result.maxRssKb / 1024)} MB`,
  findings: report.findings.length,
  summary: report.summary,
  jsonBytes: statSync(jsonFile).size,
  csvBytes: statSync(csvFile).size,
};
process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
rmSync(dir, { recursive: true, force: true });
if (result.code !== 0) fail(`exit ${result.code}`);
if (report.errors.length !== 0) fail(`${report.errors.length} errors`);
if (report.summary.services !== 20_000 || report.summary.revisions !== 60_000) fail(`report counts ${report.summary.services} services, ${report.summary.revisions} revisions`);
if (csvRows < report.findings.length) fail(`CSV has ${csvRows} rows for ${report.findings.length} findings`);
