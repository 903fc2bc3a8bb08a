import { describe, expect, test } from 'vitest';
import { editDistance, nearest } from '../../src/cli/did-you-mean.js';
import { runCli } from '../e2e/cli.js';

describe('did you mean', () => {
  test.each([
    [['audit', '--projct', 'acme-web-prod'], 'Unknown argument: projct; did you mean --project?'],
    [['audit', '--organisation', '482915736104'], 'Unknown argument: organisation; did you mean --organization?'],
    [['doctor', '--organisaton', '482915736104'], 'Unknown argument: organisaton; did you mean --organization?'],
    [['demo', '--formt', 'json'], 'Unknown argument: formt; did you mean --format?'],
    [['audti', '--project', 'acme-web-prod'], 'Unknown command: audti; did you mean audit?'],
    [['explain', 'primitve-role'], 'unknown rule "primitve-role"; did you mean primitive-role?'],
  ])('%j: one line naming the nearest, exit 2', async (args, line) => {
    const res = await runCli(args);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(`cloudrun-auditor: ${line}\n`);
  });

  test('nothing near: the plain message and the usage pointer', async () => {
    const res = await runCli(['audit', '--project', 'acme-web-prod', '--bogus']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('cloudrun-auditor: Unknown argument: bogus\nRun `cloudrun-auditor --help` for usage.\n');
  });

  test('distance counts a swap of neighbours as one edit; only near names are offered', () => {
    expect(editDistance('audti', 'audit')).toBe(1);
    expect(editDistance('organisation', 'organization')).toBe(1);
    expect(nearest('projct', ['folder', 'project', 'region'])).toBe('project');
    expect(nearest('bogus', ['folder', 'project', 'region'])).toBeUndefined();
    expect(nearest('fail-on-new', ['fail-on', 'format'])).toBeUndefined();
  });
});
