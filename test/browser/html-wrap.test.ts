import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderToString } from '../../src/report/index.js';
import { breakable } from '../../src/report/html.js';
import { HTML_STYLE } from '../../src/report/html-assets.js';
import { demoReport } from '../fixtures/reports/demo.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env['CI'];
const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PAGE_URL = 'http://127.0.0.1:9/report.html';

/**
 * Run in the page (as source: the tests compile without DOM types): for each table cell, every place the browser
 * started a new line, with the characters either side.
 */
const LINE_BREAKS = `(() => {
  const out = [];
  for (const cell of document.querySelectorAll('#causes td, #findings-body td, #errors td')) {
    let prevTop = null;
    let prevChar = '';
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let parent = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // A new element (a tag badge) may start its own line; only breaks inside one element's text count.
      if (node.parentNode !== parent) prevTop = null;
      parent = node.parentNode;
      const value = node.nodeValue || '';
      for (let i = 0; i < value.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        if (prevTop !== null && rect.top > prevTop + 2) out.push({ before: prevChar, after: value[i], text: cell.textContent });
        prevTop = rect.top;
        prevChar = value[i];
      }
    }
  }
  return out;
})()`;

/** Where a line may end: after a space or an identifier separator (a <wbr> follows each of / . @ _ : =). */
const BREAK_AFTER = /[\s\-/.@_:=,;)?]/;

describe('html wrapping (markup)', () => {
  test('cells wrap between words, never inside one; identifiers get a break opportunity after each separator', () => {
    expect(HTML_STYLE).not.toContain('overflow-wrap: anywhere');
    expect(HTML_STYLE).not.toMatch(/word-break:\s*break-all/);
    expect(breakable('projects/acme-prod/locations/europe-west1 a@b.c x_y <i>')).toBe(
      'projects/<wbr>acme-prod/<wbr>locations/<wbr>europe-west1 a@<wbr>b.<wbr>c x_<wbr>y &lt;i&gt;',
    );
    expect(renderToString('html', demoReport)).toContain('checkout-sa@<wbr>acme-prod.<wbr>iam.<wbr>gserviceaccount.<wbr>com holds roles/<wbr>owner');
  });
});

// Generous timeouts: the machine is shared, and a slow browser is not a failure of the report.
describe.skipIf(skip)('html wrapping in Chromium', { timeout: 120_000 }, () => {
  let context: BrowserContext;
  let profile: string;
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'cra-chromium-wrap-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 720, height: 900 } });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  test('at 720 px every line in the causes, findings and errors tables ends at a word or identifier boundary', async () => {
    const page = await context.newPage();
    const html = renderToString('html', demoReport);
    await page.route('**/*', async (route) => {
      if (route.request().url() === PAGE_URL) await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      else await route.abort();
    });
    await page.goto(PAGE_URL);
    await page.waitForSelector('#findings-body tr');
    const breaks = (await page.evaluate(LINE_BREAKS)) as { before: string; after: string; text: string }[];
    // The page is narrow enough that long identifiers and messages do wrap.
    expect(breaks.length).toBeGreaterThan(20);
    const midWord = breaks.filter((b) => !BREAK_AFTER.test(b.before) && !/\s/.test(b.after));
    expect(midWord).toEqual([]);
    await page.close();
  });
});
