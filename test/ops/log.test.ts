import { afterEach, describe, expect, test } from 'vitest';
import { configureLog, log, logError, logExit, logFormatFromArgv, recordSummary, severityForExit } from '../../src/cli/log.js';
import { jsonProgressReporter } from '../../src/cli/log-progress.js';
import { runCli } from '../e2e/cli.js';

let lines: string[] = [];
function capture(format: 'text' | 'json'): void {
  lines = [];
  configureLog(format, (l) => void lines.push(l));
}
afterEach(() => configureLog('text', (l) => void process.stderr.write(l)));

describe('--log-format', () => {
  test('is read from argv in both spellings, the last one winning; anything else is text', () => {
    expect(logFormatFromArgv(['audit', '--log-format', 'json'])).toBe('json');
    expect(logFormatFromArgv(['audit', '--log-format=json'])).toBe('json');
    expect(logFormatFromArgv(['--log-format=json', 'audit', '--log-format', 'text'])).toBe('text');
    expect(logFormatFromArgv(['audit', '--log-format', 'xml'])).toBe('text');
    expect(logFormatFromArgv(['audit'])).toBe('text');
  });

  test('severity follows the exit code: 0 INFO, 1 WARNING, 2 and 3 ERROR', () => {
    expect([0, 1, 2, 3].map(severityForExit)).toEqual(['INFO', 'WARNING', 'ERROR', 'ERROR']);
  });

  test('text mode writes the message alone; JSON mode one object per line with its severity and fields', () => {
    capture('text');
    log('INFO', 'hello', { n: 1 });
    logExit(0, 'audit');
    expect(lines).toEqual(['hello\n']);
    capture('json');
    log('INFO', 'hello', { n: 1 });
    expect(lines).toEqual(['{"severity":"INFO","message":"hello","n":1}\n']);
  });

  test('the closing line carries the exit code, its meaning and the recorded summary', () => {
    capture('json');
    recordSummary({ message: '3 findings: 3 high in 2 projects', fields: { summary: { findings: 3 } } });
    logExit(3, 'audit');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        severity: 'ERROR',
        message: 'audit: 3 findings: 3 high in 2 projects (exit 3: incomplete: some projects or APIs could not be read)',
        exitCode: 3,
        summary: { findings: 3 },
      },
    ]);
  });

  test('an error is one JSON line with its details; in text mode the same words as before', () => {
    capture('json');
    logError('cloudrun-auditor: bad', ['a:1:2: x'], 2, 'Run `cloudrun-auditor --help` for usage.');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { severity: 'ERROR', message: 'cloudrun-auditor: bad', exitCode: 2, details: ['a:1:2: x'], hint: 'Run `cloudrun-auditor --help` for usage.' },
    ]);
    capture('text');
    logError('cloudrun-auditor: bad', ['a:1:2: x'], 2, 'Run `cloudrun-auditor --help` for usage.');
    expect(lines.join('')).toBe('cloudrun-auditor: bad\n  a:1:2: x\nRun `cloudrun-auditor --help` for usage.\n');
  });

  test('JSON progress: the start and each further tenth of the projects, never a repeat', () => {
    capture('json');
    const p = jsonProgressReporter(true);
    for (let done = 0; done <= 25; done++) p.update({ projectsDone: done, projectsTotal: 25 });
    expect(lines.map((l) => (JSON.parse(l) as { projectsDone: number }).projectsDone)).toEqual([0, 3, 5, 8, 10, 13, 15, 18, 20, 23, 25]);
    capture('json');
    const quiet = jsonProgressReporter(false);
    quiet.update({ projectsDone: 1, projectsTotal: 1 });
    expect(lines).toEqual([]);
  });

  test('a usage error from yargs itself reaches the log as one JSON line with exit code 2', async () => {
    const r = await runCli(['audit', '--organization', '1', '--bogus', '--log-format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { severity: 'ERROR', message: 'cloudrun-auditor: Unknown argument: bogus', exitCode: 2, hint: 'Run `cloudrun-auditor --help` for usage.' },
    ]);
  });

  test('an unknown --log-format value is a usage error', async () => {
    const r = await runCli(['audit', '--organization', '1', '--log-format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid values:');
    expect(r.stderr).toContain('Argument: log-format, Given: "xml", Choices: "text", "json"');
  });
});
