import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Inventory } from '../../src/model/inventory.js';
import type { Report } from '../../src/model/finding.js';
import { validateReport } from '../../src/report/index.js';
import { InventoryBuilder } from '../fixtures/inventories/builder.js';
import { runCli } from './cli.js';

// Most projects of a real organisation have the Cloud Run API disabled: that is coverage, not a failure.
// The collector marks such a project `runApiDisabled: true` with no error; these inventories set it directly.
const tmp = mkdtempSync(join(tmpdir(), 'cra-coverage-'));

function inventory(opts: { unreadable?: boolean } = {}): Inventory {
  const b = new InventoryBuilder();
  const app = b.project('shop-app', { number: '100000000001' });
  app.service('web', { serviceAccount: app.email('web-run') });
  b.account(app.email('web-run'));
  for (const [id, number] of [
    ['dormant-one', '100000000002'],
    ['dormant-two', '100000000003'],
  ] as const) {
    b.project(id, { number }).project.runApiDisabled = true;
  }
  b.project('empty-sandbox', { number: '100000000004' });
  if (opts.unreadable === true) b.project('locked-down', { number: '100000000005', complete: false });
  const inv = b.build();
  if (opts.unreadable === true) {
    inv.errors.push({
      project: 'locked-down',
      resource: 'projects/locked-down',
      api: 'run.googleapis.com',
      method: 'services.list',
      status: 403,
      reason: 'IAM_PERMISSION_DENIED',
      message: 'permission run.services.list denied on project locked-down: grant the scanner roles/run.viewer on it',
    });
  }
  return inv;
}

function snapshot(name: string, inv: Inventory): string {
  const file = join(tmp, name);
  writeFileSync(file, JSON.stringify(inv));
  return file;
}

describe('coverage: a disabled Run API means no Cloud Run here', () => {
  test('a scan of only Run-disabled and clean projects is complete and exits 0, and says so in one line', async () => {
    const file = snapshot('clean.json', inventory());
    const res = await runCli(['audit', '--snapshot', file, '--format', 'json']);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    expect(validateReport(report)).toEqual({ valid: true, errors: [] });
    expect(report.findings).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.coverage).toEqual({ projects: 4, withWorkloads: 1, runApiDisabled: ['dormant-one', 'dormant-two'], unreadable: [] });
    expect(report.causes).toEqual([]);
    expect(res.stderr).toBe('0 findings; scanned 4 projects\n');

    const table = await runCli(['audit', '--snapshot', file]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')).toContain('4 projects: 1 runs Cloud Run, 2 have the Run API disabled, 1 has no services or jobs');
    for (const format of ['markdown', 'html']) {
      const out = await runCli(['audit', '--snapshot', file, '--format', format, '--quiet']);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('4 projects: 1 runs Cloud Run, 2 have the Run API disabled, 1 has no services or jobs');
    }
  });

  test('an unreadable project stays an error and exits 3; Run-disabled ones are still not errors', async () => {
    const file = snapshot('incomplete.json', inventory({ unreadable: true }));
    const res = await runCli(['audit', '--snapshot', file, '--format', 'json', '--quiet']);
    expect(res.code).toBe(3);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.coverage).toEqual({ projects: 5, withWorkloads: 1, runApiDisabled: ['dormant-one', 'dormant-two'], unreadable: ['locked-down'] });
    expect(report.errors.map((e) => e.project)).toEqual(['locked-down']);
    const table = await runCli(['audit', '--snapshot', file, '--quiet']);
    expect(table.code).toBe(3);
    // The table wraps at 100 columns when piped.
    expect(table.stdout.replace(/\n/g, ' ')).toContain('5 projects: 1 runs Cloud Run, 2 have the Run API disabled, 1 could not be read, 1 has no services or jobs');
  });
});
