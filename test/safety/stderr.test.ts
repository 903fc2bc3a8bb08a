import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MESSAGE_MAX } from '../../src/report/sanitize.js';
import { runCli } from '../e2e/cli.js';

/**
 * Error messages quote what users and servers sent. Through the built CLI, each of these used to reach the
 * terminal raw, so an OSC sequence could retitle the window or an ANSI one clear the screen: a key of an
 * unrecognised --input, a rule id in `rules validate`, and the HTML error page of an --endpoint.
 */

/** What a terminal would obey or hide: C0 but LF, DEL, C1, bidi overrides and isolates. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const PAYLOAD = '\u001b]0;pwned\u0007\u001b[31mred\u001b[2J\u202eevil\u0000';
const SHOWN = '\\x1b]0;pwned\\x07\\x1b[31mred\\x1b[2J\\u202eevil\\x00';

let dir: string;
let server: Server;
let endpoint: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cra-stderr-'));
  // Stands in for a proxy or a misconfigured --endpoint: every path answers 404 with an HTML page.
  server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<html><title>${PAYLOAD}</title><body>Not Found</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function expectShown(stderr: string): void {
  expect(stderr).not.toMatch(RAW);
  expect(stderr).toContain(SHOWN);
}

describe('stderr shows untrusted text as escapes, never raw', () => {
  test('a key of an unrecognised --input', async () => {
    const file = join(dir, 'input.json');
    writeFileSync(file, JSON.stringify({ [PAYLOAD]: 1 }));
    const res = await runCli(['audit', '--input', file]);
    expect(res.code).toBe(2);
    expectShown(res.stderr);
    expect(res.stderr).toContain(`unrecognised input (an object with "${SHOWN}")`);
  });

  test('a rule id in `rules validate`, in text and in JSON logs', async () => {
    const file = join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ version: 1, rules: { [PAYLOAD]: { enabled: false } } }));
    const res = await runCli(['rules', 'validate', file]);
    expect(res.code).toBe(2);
    // Rules-file messages quote values as JSON strings (\u001b), and the log shows what JSON leaves raw (U+202E).
    const quoted = JSON.stringify(PAYLOAD).replace(/\u202e/g, '\\u202e');
    expect(res.stderr).not.toMatch(RAW);
    expect(res.stderr).toContain(`unknown rule id ${quoted}`);
    const json = await runCli(['rules', 'validate', file, '--log-format', 'json']);
    expect(json.code).toBe(2);
    expect(json.stderr).not.toMatch(RAW);
    const line = JSON.parse(json.stderr.trim().split('\n').at(-1)!) as { severity: string; details: string[] };
    expect(line.severity).toBe('ERROR');
    expect(line.details.join('\n')).toContain(`unknown rule id ${quoted}`);
  });

  test('the HTML error page of an --endpoint', async () => {
    const res = await runCli(['audit', '--project', 'acme-prod', '--endpoint', endpoint, '--format', 'json']);
    expect(res.code).toBe(2);
    expectShown(res.stderr);
    expect(res.stderr).toContain('HTTP 404');
  });

  test('a huge value is cut on stderr, with its length', async () => {
    const file = join(dir, 'long.json');
    const key = 'k'.repeat(1_000_000);
    writeFileSync(file, JSON.stringify({ [key]: 1 }));
    const res = await runCli(['audit', '--input', file]);
    expect(res.code).toBe(2);
    const lines = res.stderr.trimEnd().split('\n');
    expect(lines.length).toBe(1);
    expect(lines[0]!.length).toBeLessThan(MESSAGE_MAX + 100);
    expect(lines[0]).toMatch(/… \(\d{7} chars, cut\)$/);
  });
});
