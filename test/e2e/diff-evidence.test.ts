import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderToString } from '../../src/report/index.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { runCli } from './cli.js';

describe('diff --evidence', () => {
  test('a report that differs only in evidence is no change, unless --evidence asks for it', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cra-diff-'));
    const target = demoReport.findings.find((f) => f.ruleId === 'role-not-allowed')!;
    const renamed = {
      ...demoReport,
      findings: demoReport.findings.map((f) => (f.id === target.id ? { ...f, evidence: { ...f.evidence, policy: 'data-services-v2' } } : f)),
    };
    const before = join(tmp, 'before.json');
    const after = join(tmp, 'after.json');
    writeFileSync(before, renderToString('json', demoReport));
    writeFileSync(after, renderToString('json', renamed));
    const plain = await runCli(['diff', before, after]);
    expect(plain).toMatchObject({ code: 0, stdout: '0 new, 0 resolved, 0 changed\n' });
    const asked = await runCli(['diff', before, after, '--evidence']);
    expect(asked.code).toBe(0);
    expect(asked.stdout.split('\n').slice(0, 1)).toEqual(['0 new, 0 resolved, 1 changed']);
    expect(asked.stdout).toContain('\n    evidence\n');
  });
});
