import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Inventory } from '../../src/model/inventory.js';
import { inventorySchemaErrors, readSnapshot, writeSnapshot } from '../../src/model/snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'cra-snap-'));
const golden = JSON.parse(readFileSync(new URL('../golden/demo-inventory.json', import.meta.url), 'utf8')) as Inventory;
const inv: Inventory = { ...golden, toolVersion: '0.1.0', collectedAt: '2026-01-02T03:04:05.678Z' };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
}

describe('snapshots', () => {
  test('write then read gives the same inventory', () => {
    const f = join(dir, 'ok.json');
    writeSnapshot(inv, f);
    expect(readSnapshot(f)).toEqual(inv);
  });

  test('the schema accepts every optional field the type allows and rejects unknown ones', () => {
    const full: Inventory = {
      ...inv,
      errors: [{ project: 'p', resource: 'r', api: 'run.googleapis.com', method: 'services.list', status: 'TIMEOUT', reason: 'X', message: 'm' }],
    };
    expect(inventorySchemaErrors(full)).toEqual([]);
    const extra = { ...inv, projects: [{ ...inv.projects[0], env: { SECRET: 'x' } }] };
    expect(inventorySchemaErrors(extra)).toEqual(['/projects/0 must NOT have additional properties "env"']);
  });

  test.each([
    ['missing.json', null, 'no such file'],
    ['empty.json', '', 'the file is empty'],
    ['array.json', '[]', 'not a cloudrun-auditor snapshot (expected a JSON object)'],
    ['noversion.json', '{"projects": []}', 'not a cloudrun-auditor snapshot (no schemaVersion)'],
    ['v2.json', '{"schemaVersion": 2}', 'snapshot schema version 2 is not supported (this version of cloudrun-auditor reads version 1)'],
  ])('%s is a one-line SNAPSHOT error', (name, content, reason) => {
    const f = content === null ? join(dir, name) : file(name, content);
    expect(() => readSnapshot(f)).toThrow(expect.objectContaining({ name: 'UserError', code: 'SNAPSHOT', message: `${f}: ${reason}` }));
  });

  test('a truncated file says so', () => {
    const text = JSON.stringify(inv);
    const f = file('cut.json', text.slice(0, Math.floor(text.length / 2)));
    expect(() => readSnapshot(f)).toThrow(/: not valid JSON, the file may be truncated \(/);
  });

  test('a file of the right version but the wrong shape names the first problem', () => {
    const f = file('shape.json', JSON.stringify({ ...inv, projects: [{ ...inv.projects[0], complete: 'yes' }] }));
    expect(() => readSnapshot(f)).toThrow(expect.objectContaining({ code: 'SNAPSHOT', message: `${f}: not a valid snapshot: /projects/0/complete must be boolean` }));
  });
});
