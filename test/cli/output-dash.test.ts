/**
 * `--output -` is stdout, as the README says. yargs reads a lone `-` after a long flag as a positional argument,
 * which used to end in "Unknown argument: -" (exit 2); `-o -` and `--output=-` always worked.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../e2e/cli.js';
import { joinDashValues } from '../../src/cli/cli.js';

const INPUT = join(import.meta.dirname, '../fixtures/offline/jobs-describe.nightly-export.json');

test('joinDashValues joins a long flag and a lone dash, and leaves everything else alone', () => {
  expect(joinDashValues(['audit', '--output', '-', '-o', '-', '--format', 'json', '--input', 'x'])).toEqual(['audit', '--output=-', '-o', '-', '--format', 'json', '--input', 'x']);
});

test.each([['--output', '-'], ['--output=-'], ['-o', '-']])('audit %s writes the report to stdout', async (...flag) => {
  const res = await runCli(['audit', '--input', INPUT, '--format', 'json', '--fail-on', 'none', ...flag]);
  expect(res.stderr).not.toMatch(/Unknown argument/);
  expect(JSON.parse(res.stdout)).toHaveProperty('findings');
  // An export cannot show IAM policies or keys: those are NOT_PROVIDED errors, so the scan is incomplete (3).
  expect(res.code).toBe(3);
});
