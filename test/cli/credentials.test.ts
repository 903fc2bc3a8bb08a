/**
 * No credentials: one line that says what to do, including how to try the tool without Google, and nothing
 * else on stderr. google-auth-library probes the metadata server and, on an unexpected answer, emits a Node
 * MetadataLookupWarning that used to follow the error (two more lines, and not JSON under --log-format json).
 * The metadata server here is a loopback socket that resets every connection, which is such an answer; no
 * request leaves the machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLI } from '../e2e/cli.js';

let metadata: Server;
let metadataHost: string;
let resets = 0;

beforeAll(async () => {
  metadata = createServer((socket) => {
    resets++;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
  const addr = metadata.address();
  metadataHost = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => metadata.close(() => resolve()));
});

function runWithoutCredentials(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'cra-nocreds-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, CLOUDSDK_CONFIG: home, GCE_METADATA_HOST: metadataHost, NO_COLOR: '1' };
  for (const k of ['GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDRUN_AUDITOR_ENDPOINT', 'METADATA_SERVER_DETECTION', 'GCE_METADATA_IP', 'XDG_CONFIG_HOME']) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const HINT = 'to try cloudrun-auditor without Google, run "npx cloudrun-auditor demo", or point --endpoint at `cloudrun-auditor emulator`';

test('--log-format json: exactly one stderr line, JSON, exit 2, pointing at demo and --endpoint; no Node warning', async () => {
  const r = await runWithoutCredentials(['audit', '--project', 'acme-web-prod', '--log-format', 'json']);
  expect(resets).toBeGreaterThan(0); // the metadata probe did run and got its unexpected answer
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  const line = JSON.parse(lines[0]!) as { severity: string; message: string; exitCode: number };
  expect(line).toMatchObject({ severity: 'ERROR', exitCode: 2 });
  expect(line.message).toMatch(/^cloudrun-auditor: no Google credentials found: run "gcloud auth application-default login" or set GOOGLE_APPLICATION_CREDENTIALS \(.+\); /);
  expect(line.message.endsWith(HINT)).toBe(true);
  expect(r.stderr).not.toMatch(/Warning|--trace-warnings/);
});

test('text: the one error line and nothing after it', async () => {
  const r = await runWithoutCredentials(['audit', '--project', 'acme-web-prod']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^cloudrun-auditor: no Google credentials found: [^\\n]+${HINT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
});
