import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { shellWords } from '../../src/report/shell-wrap.js';
import { runCli } from '../e2e/cli.js';

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs a printed `npx …` line from the checkout, as a user would after `npm ci`, with npm kept off the network. */
function npx(words: string[]): ChildProcess {
  expect(words[0]).toBe('npx');
  return spawn('npx', words.slice(1), {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, NO_COLOR: '1', CLOUDRUN_AUDITOR_ENDPOINT: '', npm_config_offline: 'true', npm_config_update_notifier: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so the emulator under npx stops with it
  });
}

function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe("the demo's closing hints run as printed", () => {
  test('npx cloudrun-auditor emulator, then npx cloudrun-auditor audit against it: the demo organisation, exit 1', async () => {
    const demo = await runCli(['demo', '--format', 'json']);
    expect(demo.code).toBe(0);
    const hints = demo.stderr
      .split('\n')
      .filter((l) => l.startsWith('  npx '))
      .map((l) => shellWords(l.trim()));
    expect(hints.map((w) => w.slice(0, 3).join(' '))).toEqual(['npx cloudrun-auditor emulator', 'npx cloudrun-auditor audit']);
    const [serve, audit] = hints as [string[], string[]];
    // The one change: the printed port (8085) for a free one, in both lines, so a busy 8085 cannot fail the test.
    const printed = serve[serve.indexOf('--port') + 1]!;
    expect(audit.at(-1)).toBe(`http://127.0.0.1:${printed}`);
    const port = String(await freePort());
    const emulator = npx(serve.map((w) => (w === printed ? port : w)));
    try {
      let banner = '';
      await new Promise<void>((resolve, reject) => {
        emulator.stdout!.setEncoding('utf8').on('data', (d: string) => {
          banner += d;
          if (banner.includes('Ctrl-C stops it.')) resolve();
        });
        emulator.once('close', (code) => reject(new Error(`emulator exited ${code} before serving`)));
      });
      expect(banner).toContain(`at http://127.0.0.1:${port}\n`);
      const res = await output(npx([...audit.map((w) => w.replace(`:${printed}`, `:${port}`)), '--format', 'json', '--quiet']));
      expect(res.stderr).toBe('');
      // What the demo said a real audit would exit with.
      expect(res.code).toBe(Number(/would exit (\d)/.exec(demo.stderr)![1]));
      expect(res.code).toBe(1);
      const report = JSON.parse(res.stdout) as { findings: { id: string }[] };
      const demoReport = JSON.parse(demo.stdout) as { findings: { id: string }[] };
      expect(report.findings.map((f) => f.id).sort()).toEqual(demoReport.findings.map((f) => f.id).sort());
    } finally {
      process.kill(-emulator.pid!, 'SIGTERM');
    }
  }, 120_000);
});
