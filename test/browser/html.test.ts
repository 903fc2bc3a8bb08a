import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderToString } from '../../src/report/index.js';
import { summaryLine } from '../../src/report/summary.js';
import type { Report } from '../../src/model/finding.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { XSS_SCRIPT, hostileReport } from '../fixtures/reports/hostile.js';

const CHROMIUM = '/usr/bin/chromium';
// Skipped only on a developer machine without Chromium; in CI a missing browser must fail the run.
const skip = !existsSync(CHROMIUM) && !process.env['CI'];
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// Nothing listens there: if interception ever failed, the request would go nowhere beyond this machine.
const PAGE_URL = 'http://127.0.0.1:9/report.html';

interface Loaded {
  page: Page;
  requests: string[];
  problems: string[];
}

// Generous timeouts: the machine is shared, and a slow browser is not a failure of the report.
describe.skipIf(skip)('html report in Chromium', { timeout: 120_000 }, () => {
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'cra-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: 'http://127.0.0.1:9' });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  async function load(report: Report, init?: string): Promise<Loaded> {
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    const html = renderToString('html', report);
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      requests.push(url);
      if (url === PAGE_URL) await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      else await route.abort();
    });
    if (init !== undefined) await page.addInitScript(init);
    await page.goto(PAGE_URL);
    await page.waitForSelector('#findings-body tr');
    return { page, requests, problems };
  }

  const ids = (page: Page): Promise<string[]> => page.$$eval('#findings-body tr.finding', (rows) => rows.map((r) => r.getAttribute('data-id') ?? ''));
  const idsOf = (pred: (f: Report['findings'][number]) => boolean): string[] => demoReport.findings.filter(pred).map((f) => f.id);

  test('renders every finding, the chart, the summary and the errors, with no request and no console error', async () => {
    const { page, requests, problems } = await load(demoReport);
    expect(await ids(page)).toEqual(demoReport.findings.map((f) => f.id));
    expect(await page.textContent('#shown-count')).toBe('Showing 14 of 14 findings');
    expect(await page.textContent('#summary-line')).toBe(summaryLine(demoReport));
    expect(await page.$$eval('svg.chart rect', (r) => r.map((x) => x.getAttribute('width')))).toEqual(['144', '288', '360', '72', '72']);
    expect(await page.$$eval('#errors tbody tr', (r) => r.length)).toBe(3);
    expect(await page.$$eval('#f-rule option', (o) => o.map((x) => x.textContent))).toEqual([
      'all rules',
      'cross-project-identity',
      'default-identity',
      'identity-impersonation',
      'primitive-role',
      'privilege-escalation',
      'public-privileged-service',
      'role-denied',
      'role-not-allowed',
      'shared-identity',
      'user-managed-key',
    ]);
    expect(requests).toEqual([PAGE_URL]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('filters by severity, rule, project, identity, text and suppression', async () => {
    const { page, problems } = await load(demoReport);
    await page.selectOption('#f-severity', 'high');
    expect(await ids(page)).toEqual(idsOf((f) => f.severity === 'high'));
    expect(await page.textContent('#shown-count')).toBe('Showing 5 of 14 findings');
    await page.uncheck('#f-suppressed');
    expect(await ids(page)).toEqual(idsOf((f) => f.severity === 'high' && !f.suppressed));
    await page.check('#f-suppressed');
    await page.selectOption('#f-severity', '');
    await page.selectOption('#f-rule', 'shared-identity');
    expect(await ids(page)).toEqual(idsOf((f) => f.ruleId === 'shared-identity'));
    await page.selectOption('#f-rule', '');
    await page.selectOption('#f-project', 'acme-dev');
    expect(await ids(page)).toEqual(idsOf((f) => f.project === 'acme-dev'));
    await page.selectOption('#f-identity', '234567890123-compute@developer.gserviceaccount.com');
    expect((await ids(page)).length).toBe(2);
    await page.selectOption('#f-project', '');
    await page.selectOption('#f-identity', '');
    await page.fill('#f-search', 'INVOICE-batch');
    expect(await ids(page)).toEqual(idsOf((f) => f.ruleId === 'shared-identity'));
    await page.fill('#f-search', 'no such thing');
    expect(await ids(page)).toEqual([]);
    expect(await page.textContent('#findings-body')).toBe('No findings match the filters.');
    expect(problems).toEqual([]);
    await page.close();
  });

  test('sorts by a column, then reverses, keeping the original order between equals', async () => {
    const { page, problems } = await load(demoReport);
    const workloadOrder = (dir: 1 | -1): string[] =>
      demoReport.findings
        .map((f, i) => ({ f, i, key: f.resource.replace(/^projects\/[^/]+\/locations\/[^/]+\/(services|jobs)\//, '') }))
        .map((x) => ({ ...x, key: `${x.f.resourceType} ${x.key.includes('/revisions/') ? x.key.split('/revisions/')[1] + ' of ' + x.key.split('/revisions/')[0] : x.key}` }))
        .sort((a, b) => (a.key < b.key ? -dir : a.key > b.key ? dir : a.i - b.i))
        .map((x) => x.f.id);
    await page.click('th[data-sort=workload] button');
    expect(await ids(page)).toEqual(workloadOrder(1));
    expect(await page.getAttribute('th[data-sort=workload]', 'aria-sort')).toBe('ascending');
    await page.click('th[data-sort=workload] button');
    expect(await ids(page)).toEqual(workloadOrder(-1));
    expect(await page.getAttribute('th[data-sort=workload]', 'aria-sort')).toBe('descending');
    // Severity ascending means worst first; descending puts info first, then low, …
    await page.click('th[data-sort=severity] button');
    await page.click('th[data-sort=severity] button');
    const f = demoReport.findings;
    expect(await ids(page)).toEqual([f[13]!, f[12]!, f[7]!, f[8]!, f[9]!, f[10]!, f[11]!, f[2]!, f[3]!, f[4]!, f[5]!, f[6]!, f[0]!, f[1]!].map((x) => x.id));
    // The first rows by project, exactly.
    await page.click('th[data-sort=project] button');
    expect((await ids(page)).slice(0, 5)).toEqual([f[7]!.id, f[13]!.id, f[2]!.id, f[6]!.id, f[11]!.id]);
    expect(problems).toEqual([]);
    await page.close();
  });

  /** Opens a finding and reads its tree as "kind text" lines, in document order. */
  async function treeOf(page: Page, id: string): Promise<string[]> {
    await page.click(`tr[data-id="${id}"]`);
    return page.$$eval(`tr[data-id="${id}"] + tr.detail-row .tree li`, (items) =>
      items.map((li) => `${li.children[0]?.textContent ?? ''} ${li.children[1]?.textContent ?? ''}`),
    );
  }

  // Page-side code is passed as strings where it names browser globals: the tests compile without the DOM library.
  test('a finding opens to workload → identity → roles → where granted, and its commands copy', async () => {
    const { page, problems } = await load(demoReport);
    const f = demoReport.findings;
    expect(await treeOf(page, f[0]!.id)).toEqual([
      'workload service checkout (us-central1, acme-prod)',
      'identity checkout-sa@acme-prod.iam.gserviceaccount.com',
      'role roles/owner',
      'granted on folders/2000 (prod)',
    ]);
    await page.click(`tr[data-id="${f[0]!.id}"] + tr.detail-row .copy`);
    await page.waitForFunction("document.querySelector('.detail .copy').textContent === 'Copied'");
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(f[0]!.remediation.commands.join('\n'));

    expect(await treeOf(page, f[5]!.id)).toEqual([
      'workload service billing (europe-west1, acme-prod)',
      'identity billing-sa@acme-prod.iam.gserviceaccount.com',
      'role roles/iam.serviceAccountUser',
      'granted on projects/acme-prod (acme-prod) · permission: iam.serviceAccounts.actAs',
      'role roles/iam.serviceAccountTokenCreator',
      'granted on projects/acme-prod (acme-prod) · permission: iam.serviceAccounts.getAccessToken · if business hours: request.time.getHours("Europe/Berlin") < 18',
      'role projects/acme-prod/roles/legacyDeployer (definition unknown)',
      'granted on projects/acme-prod',
    ]);
    // Principals who may act as the identity hang under it; public invokers under the workload.
    expect(await treeOf(page, f[8]!.id)).toEqual([
      'workload service billing (europe-west1, acme-prod)',
      'identity billing-sa@acme-prod.iam.gserviceaccount.com',
      'may act as it group:payments-oncall@acme.example · roles/iam.serviceAccountTokenCreator on billing-sa@acme-prod.iam.gserviceaccount.com',
      'may act as it deleted:user:former@acme.example?uid=1234567890 · roles/iam.serviceAccountUser on projects/acme-prod (acme-prod) · deleted principal',
    ]);
    expect(await treeOf(page, f[1]!.id)).toEqual([
      'workload service storefront (europe-west1, acme-prod)',
      'identity 123456789012-compute@developer.gserviceaccount.com',
      'role roles/editor',
      'granted on projects/acme-prod (acme-prod)',
      'public allUsers · roles/run.invoker on projects/acme-prod/locations/europe-west1/services/storefront',
    ]);
    // A finding whose evidence names no grant shows the workload and identity only.
    expect(await treeOf(page, f[2]!.id)).toEqual([
      'workload job nightly-export (europe-west1, acme-dev)',
      'identity 234567890123-compute@developer.gserviceaccount.com',
    ]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('copy falls back to a selected textarea when the Clipboard API is missing', async () => {
    const init = `Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
      document.addEventListener('copy', (e) => { window.__copied = e.target && e.target.value; }, true);`;
    const { page, problems } = await load(demoReport, init);
    const f = demoReport.findings[12]!;
    await page.click(`tr[data-id="${f.id}"]`);
    await page.click('.detail .copy');
    expect(await page.textContent('.detail .copy')).toBe('Copied');
    expect(await page.evaluate('window.__copied')).toBe(f.remediation.commands.join('\n'));
    expect(problems).toEqual([]);
    await page.close();
  });

  test('hostile labels are shown as text and never run', async () => {
    const { page, requests, problems } = await load(hostileReport);
    // Open every finding so every string is in the DOM.
    for (const id of await ids(page)) await page.click(`tr[data-id="${id}"]`);
    expect(await page.$$eval('.detail-row', (r) => r.length)).toBe(hostileReport.findings.length);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.$$eval('#findings-body script, #findings-body img, #findings-body svg, #errors script, #errors img', (e) => e.length)).toBe(0);
    expect(await page.textContent(`tr[data-id="${hostileReport.findings[0]!.id}"] td:nth-child(5)`)).toBe(`service ${XSS_SCRIPT} (+europe-west1)`);
    expect(await page.textContent('#errors tbody td')).toBe(XSS_SCRIPT);
    expect(await page.title()).toBe(`Cloud Run identity audit · projects acme-prod, ${XSS_SCRIPT}`);
    // The page's data is the report with control characters and bidi overrides as visible escapes.
    const report = (await page.evaluate("JSON.parse(document.getElementById('report-data').textContent)")) as Report;
    expect(report.findings.map((f) => f.id)).toEqual(hostileReport.findings.map((f) => f.id));
    const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    expect(JSON.stringify(report).replace(/\\u00[01][0-9a-f]/g, '')).not.toMatch(RAW);
    expect(String(await page.evaluate('document.body.innerText'))).not.toMatch(RAW);
    const terminal = hostileReport.findings.findIndex((f) => f.message.startsWith('terminal'));
    expect(report.findings[terminal]!.message).toContain('terminal \\x1b[31mRED\\x1b[0m\\x1b]0;title\\x07\\x1b[2J bidi abc\\u202eevil\\u202c');
    expect(await page.textContent(`tr[data-id="${hostileReport.findings[terminal]!.id}"] td:nth-child(7)`)).toContain('\\x1b[31mRED');
    expect(requests).toEqual([PAGE_URL]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('a very large report shows the first 2,000 matching rows and says so', async () => {
    const findings = Array.from({ length: 2_500 }, (_, i) => ({ ...demoReport.findings[i % 14]!, id: `big${i}` }));
    const { page, problems } = await load({ ...demoReport, findings });
    expect(await page.$$eval('#findings-body tr.finding', (r) => r.length)).toBe(2_000);
    expect(await page.textContent('#shown-count')).toBe('Showing the first 2000 of 2500 matching findings (2500 in all); narrow the filters to see the rest');
    await page.selectOption('#f-rule', 'role-not-allowed');
    expect(await page.textContent('#shown-count')).toBe('Showing 178 of 2500 findings');
    expect(problems).toEqual([]);
    await page.close();
  });

  test('the JUnit XML of the hostile report parses in the browser XML parser', async () => {
    const page = await context.newPage();
    const xml = renderToString('junit', hostileReport);
    const result: unknown = await page.evaluate(`(() => {
      const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, 'application/xml');
      return { error: doc.getElementsByTagName('parsererror').length, cases: doc.getElementsByTagName('testcase').length };
    })()`);
    // One testcase per finding (no two share rule and workload) and one for the collection error.
    expect(result).toEqual({ error: 0, cases: hostileReport.findings.length + 1 });
    await page.close();
  });
});
