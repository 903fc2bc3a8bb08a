import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { Report } from '../../src/model/finding.js';
import { readSnapshot } from '../../src/model/snapshot.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { validateReport } from '../../src/report/index.js';
import { runCli } from '../e2e/cli.js';
import { parseCsv } from '../report/parse-csv.js';
import { parseXml } from '../report/parse-xml.js';

/**
 * The hostile scenario (src/emulator/scenarios/hostile.yaml) scanned end to end through the CLI: every format
 * must stay valid and inert with script tags, formulas, control characters, ANSI escapes, markdown breakers and
 * bidi overrides in every free-text field a deployer controls.
 */

const HOSTILE = join(PACKAGE_ROOT, 'src/emulator/scenarios/hostile.yaml');
const ORG = '666000111222';
const FORMATS = ['table', 'json', 'csv', 'sarif', 'markdown', 'html', 'junit'];
/** C0 controls other than newline, DEL, and C1: none may reach a terminal or a rendered document. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** The same, tab allowed: harmless inside a code block or an XML attribute. */
const CONTROL_BUT_TAB = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
/** What no output file may hold raw: C0 but tab/LF/CR, DEL, C1, bidi overrides and isolates. */
const RAW = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/**
 * The condition titles' payloads as the sanitiser shows them (src/report/sanitize.ts). The first title is in
 * finding messages; the second only in commands, which the terminal table shortens to the first one.
 */
const SHOWN_IN_MESSAGES = ['\\x1b[31mRED', '\\x07', '\\x00', '\\u202eevil'];
const SHOWN = [...SHOWN_IN_MESSAGES, '\\u2066isolated', '\\x9b2J', '\\x7f DEL'];
const BARE_URL = 'https://evil.example/approve?id=1';

let emu: RunningEmulator;
let dir: string;
let stdoutTable: string;
const read = (ext: string): string => readFileSync(join(dir, `latest.${ext}`), 'utf8');

beforeAll(async () => {
  emu = await startEmulator({ scenario: loadScenario(HOSTILE) });
  dir = mkdtempSync(join(tmpdir(), 'cra-hostile-'));
  const all = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--output-dir', dir, ...FORMATS.flatMap((f) => ['--format', f])]);
  expect(all.code).toBe(1);
  const table = await runCli(['audit', '--organization', ORG, '--endpoint', emu.url, '--quiet']);
  expect(table.code).toBe(1);
  stdoutTable = table.stdout;
  expect((await runCli(['collect', '--organization', ORG, '--endpoint', emu.url, '--output', join(dir, 'snapshot.json'), '--quiet'])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await emu.close();
});

describe('hostile values through every format', () => {
  test('the scenario puts its hostile strings into the findings (or this test would prove nothing)', () => {
    const report = JSON.parse(read('json')) as Report;
    const text = JSON.stringify(report);
    for (const s of ['<script>window.__pwned=1</script>', '=HYPERLINK(', '</details>', '\u001b[31m', '\u0007', '\u0000', '\u202e', '\u2066', BARE_URL, 'www.evil.example', '\t', '```fence```']) {
      expect(text.includes(JSON.stringify(s).slice(1, -1))).toBe(true);
    }
    expect(report.findings.length).toBe(15);
  });

  test('JSON is valid against the report schema and keeps the values exactly', () => {
    const report = JSON.parse(read('json')) as Report;
    expect(validateReport(report)).toEqual({ valid: true, errors: [] });
    expect(report.findings.some((f) => f.message.includes('(conditional: <script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">)'))).toBe(true);
  });

  test('the snapshot is valid, keeps labels, descriptions, annotations and creators, and audits offline', async () => {
    const inv = readSnapshot(join(dir, 'snapshot.json'));
    const store = inv.projects[0]!.services.find((s) => s.serviceId === 'storefront')!;
    expect(store.creator).toBe('=HYPERLINK("http://evil.example")@evil.example');
    expect(store.labels).toEqual({ app: '-1', tier: '_web' });
    expect(store.annotations['x-\u001b[31m']).toBe('+\t\r\u0000');
    const res = await runCli(['audit', '--snapshot', join(dir, 'snapshot.json'), '--format', 'json', '--quiet']);
    expect(res.code).toBe(1);
    expect((JSON.parse(res.stdout) as Report).findings.map((f) => f.id)).toEqual((JSON.parse(read('json')) as Report).findings.map((f) => f.id));
  });

  test('no format holds a raw control character, bidi override or lone CR; the titles show as escapes', () => {
    for (const ext of ['txt', 'json', 'csv', 'sarif', 'md', 'html', 'xml']) {
      const text = read(ext);
      expect(text, ext).not.toMatch(RAW);
      expect(text.replace(/\r\n/g, ''), ext).not.toContain('\r');
      // Text formats show the payloads as escapes (Markdown escapes the bracket outside code).
      if (ext === 'txt') for (const s of SHOWN_IN_MESSAGES) expect(text.replace(/\n {3}/g, ' '), `${ext} ${s}`).toContain(s);
      if (ext === 'csv' || ext === 'xml' || ext === 'md') for (const s of SHOWN) expect(text.replace(/\\\[/g, '['), `${ext} ${s}`).toContain(s);
    }
    // JSON keeps the exact values, written as \u escapes; SARIF text is what a viewer shows, so it has escapes.
    expect(JSON.stringify(JSON.parse(read('json')))).toContain('\\u001b[31mRED');
    expect(read('json')).toContain('\\u202eevil');
    const sarifText = (JSON.parse(read('sarif')) as { runs: { results: { message: { text: string } }[] }[] }).runs[0]!.results.map((r) => r.message.text).join('\n');
    for (const s of SHOWN) expect(sarifText).toContain(s);
  });

  test('stdout table: the titles show as escapes', () => {
    for (const s of SHOWN_IN_MESSAGES) expect(stdoutTable.replace(/\n {3}/g, ' ')).toContain(s);
  });

  test('Markdown: bare URLs outside code sit in code spans (GitHub does not autolink them)', () => {
    const md = read('md');
    let inFence = false;
    let spans = 0;
    for (const line of md.split('\n')) {
      if (/^`{3,}/.test(line)) inFence = !inFence;
      if (inFence) continue;
      for (const m of line.matchAll(/(?:https?:\/\/|www\.)/g)) {
        const before = line.slice(0, m.index);
        // Opened a code span (an odd number of unescaped backticks before it) or a <code> element.
        const open = (before.replace(/\\`/g, '').match(/`/g) ?? []).length % 2 === 1 || before.lastIndexOf('<code>') > before.lastIndexOf('</code>');
        expect(open, line).toBe(true);
        spans++;
      }
    }
    expect(spans).toBeGreaterThan(0);
    expect(md).toContain('`' + BARE_URL + '`');
    expect(md).toContain('`www.evil.example`');
  });

  test('CSV: every row has every column and no cell can start a formula', () => {
    const rows = parseCsv(read('csv'));
    const width = rows[0]!.length;
    expect(rows.length).toBe(16);
    for (const row of rows) {
      expect(row.length).toBe(width);
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r\u0000]/);
    }
    expect(rows.some((r) => r.some((c) => c.includes('window.__pwned=1')))).toBe(true);
  });

  test('SARIF validates against the official 2.1.0 schema', () => {
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url)), 'utf8')) as object;
    const ajv = new Ajv04.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(JSON.parse(read('sarif')))).toBe(true);
  });

  test('JUnit is well-formed XML with one test case per finding', () => {
    const xml = read('xml');
    expect(xml).not.toMatch(CONTROL_BUT_TAB);
    const root = parseXml(xml);
    const cases: unknown[] = [];
    const walk = (e: ReturnType<typeof parseXml>): void => {
      if (e.name === 'testcase') cases.push(e);
      for (const c of e.children) if (typeof c !== 'string') walk(c);
    };
    walk(root);
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  test('terminal table (file and piped stdout): no control characters, no ANSI escapes, no bidi overrides', () => {
    for (const text of [read('txt'), stdoutTable]) {
      expect(text).not.toMatch(CONTROL);
      expect(text).not.toMatch(BIDI);
      expect(text).toContain('window.__pwned=1');
    }
  });

  test('Markdown: tables keep their columns, <details> stays balanced outside code, no control characters', () => {
    const md = read('md');
    expect(md).not.toMatch(CONTROL_BUT_TAB);
    let fence: string | undefined;
    let open = 0;
    let tableWidth: number | undefined;
    for (const line of md.split('\n')) {
      const f = /^(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence !== undefined) {
        if (f !== undefined && line.trim() === fence) fence = undefined;
        continue;
      }
      if (f !== undefined) {
        fence = f;
        continue;
      }
      if (line.startsWith('|')) {
        const cells = line.replace(/\\\|/g, '').split('|').length;
        tableWidth ??= cells;
        expect(cells).toBe(tableWidth);
      } else tableWidth = undefined;
      open += (line.match(/<details>/g) ?? []).length;
      open -= (line.match(/<\/details>/g) ?? []).length;
      expect(open === 0 || open === 1).toBe(true);
    }
    expect(fence).toBeUndefined();
    expect(open).toBe(0);
  });

  const CHROMIUM = '/usr/bin/chromium';
  test.skipIf(!existsSync(CHROMIUM) && !process.env['CI'])('HTML runs no injected script in Chromium and requests nothing', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'cra-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const url = 'http://127.0.0.1:9/report.html';
      await page.route('**/*', async (route) => {
        requests.push(route.request().url());
        if (route.request().url() === url) await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: read('html') });
        else await route.abort();
      });
      // Copies go through the textarea fallback, whose copy event shows the payload.
      await page.addInitScript(`Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
        document.addEventListener('copy', (e) => { window.__copied = e.target && e.target.value; }, true);`);
      await page.goto(url);
      await page.waitForSelector('#findings-body tr');
      // Open every disclosure so any injected markup inside them would be parsed and laid out.
      await page.$$eval('details', (ds) => ds.forEach((d) => d.setAttribute('open', '')));
      await page.waitForTimeout(200);
      // A string expression: the tests compile without the DOM library.
      expect(await page.evaluate('window.__pwned')).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([url]);
      expect(await page.$$eval('#findings-body tr.finding', (r) => r.length)).toBe(15);
      // The report's own script, and its data as inert JSON: nothing else became a script element.
      expect(await page.$$eval('script', (s) => s.map((x) => x.getAttribute('type') ?? 'classic'))).toEqual(['application/json', 'classic']);
      // Every row opened: the visible text and the Copy buttons' payload show the titles' controls as escapes.
      for (const id of await page.$$eval('#findings-body tr.finding', (r) => r.map((x) => x.getAttribute('data-id') ?? ''))) {
        await page.click(`tr.finding[data-id="${id}"]`);
      }
      const shown = String(await page.evaluate('document.body.innerText'));
      expect(shown).not.toMatch(RAW);
      for (const s of SHOWN) expect(shown).toContain(s);
      const copies: string[] = [];
      const buttons = await page.$$('.detail .copy');
      expect(buttons.length).toBeGreaterThan(0);
      for (const b of buttons) {
        await b.click();
        copies.push(String(await page.evaluate('window.__copied')));
      }
      const copied = copies.join('\n');
      expect(copied).not.toMatch(RAW);
      expect(copied).toContain('\\x1b[31mRED');
      expect(copied).toContain('\\u202eevil');
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 120_000);
});
