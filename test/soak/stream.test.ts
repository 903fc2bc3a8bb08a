import { describe, expect, test } from 'vitest';
import { FORMATS, formatters, renderToString } from '../../src/report/index.js';
import { finding, report } from '../fixtures/reports/build.js';

/**
 * Reports stream: a formatter yields the report in pieces whose size does not grow with the number of findings,
 * so writing 20,000 findings never builds one giant string (the soak, `npm run soak`, measures the memory).
 */

const N = 3000;
const big = report({
  scope: { kind: 'organization', ids: ['900000000001'], regions: [] },
  counts: { projects: 50, services: N, revisions: N, jobs: 0 },
  errors: [],
  findings: Array.from({ length: N }, (_, i) =>
    finding({
      ruleId: 'shared-identity',
      severity: 'medium',
      resourceType: 'service',
      resource: `projects/soak-${i % 50}/locations/us-central1/services/svc-${i}`,
      serviceAccount: `runtime@soak-${i % 50}.iam.gserviceaccount.com`,
      message: `service svc-${i} shares its identity with 59 other workloads`,
      evidence: { others: Array.from({ length: 5 }, (_, j) => `svc-${j}`) },
      remediation: { summary: 'give it its own identity', commands: [`gcloud run services update svc-${i} --service-account=svc-${i}@soak.iam.gserviceaccount.com`] },
    }),
  ),
});

function chunkSizes(format: keyof typeof formatters): { count: number; largest: number; total: number } {
  let count = 0;
  let largest = 0;
  let total = 0;
  for (const chunk of formatters[format](big, {})) {
    count++;
    largest = Math.max(largest, chunk.length);
    total += chunk.length;
  }
  return { count, largest, total };
}

describe('formatters stream', () => {
  test.each(['json', 'csv'] as const)('%s yields at least one chunk per finding, none larger than a few KB', (format) => {
    const s = chunkSizes(format);
    expect(s.count).toBeGreaterThanOrEqual(N);
    expect(s.largest).toBeLessThan(8 * 1024);
    // The chunks are the whole report, byte for byte.
    expect(s.total).toBe(renderToString(format, big).length);
  });

  test('every format is a generator of chunks, not a single string', () => {
    for (const format of FORMATS) {
      const it = formatters[format](big, {});
      expect(typeof (it as Iterable<string>)[Symbol.iterator]).toBe('function');
      expect(chunkSizes(format).count).toBeGreaterThan(1);
    }
  });
});

describe('snapshots stream', () => {
  test('snapshotChunks is JSON.stringify(inventory, null, 2) byte for byte, one array element per chunk', async () => {
    const { snapshotChunks } = await import('../../src/model/snapshot.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { PACKAGE_ROOT } = await import('../../src/paths.js');
    const inv = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/golden/demo-inventory.json'), 'utf8')) as Parameters<typeof snapshotChunks>[0];
    const chunks = [...snapshotChunks(inv)];
    expect(chunks.join('')).toBe(JSON.stringify(inv, null, 2) + '\n');
    expect(chunks.length).toBeGreaterThan(inv.projects.length + inv.serviceAccounts.length + inv.roles.length);
    // The largest piece is one project, never the whole file.
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(JSON.stringify(inv, null, 2).length / 2);
    const empty = { ...inv, projects: [], errors: [] };
    expect([...snapshotChunks(empty)].join('')).toBe(JSON.stringify(empty, null, 2) + '\n');
  });
});
