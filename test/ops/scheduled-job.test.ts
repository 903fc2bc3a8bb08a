import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { summaryLine, validateReport } from '../../src/report/index.js';
import { gatingFindings } from '../../src/cli/exit-codes.js';
import type { Report } from '../../src/model/finding.js';
import { runCli } from '../e2e/cli.js';
import { gcloudJobArgs, terraformJobArgs } from './job-args.js';
import { BUCKET, ORG, scenarioWithBucket } from './scenario.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ scenario: scenarioWithBucket(), maxPageSize: 3 });
});
afterAll(async () => {
  await emu.close();
});

async function objectNames(base: string, prefix: string): Promise<string[]> {
  const list = (await (await fetch(`${base}/storage/v1/b/${BUCKET}/o?prefix=${encodeURIComponent(prefix)}`)).json()) as { items?: { name: string }[] };
  return (list.items ?? []).map((i) => i.name);
}

async function objectText(base: string, name: string): Promise<string> {
  return (await fetch(`${base}/storage/v1/b/${BUCKET}/o/${encodeURIComponent(name)}?alt=media`)).text();
}

function jsonLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the scheduled Cloud Run job (examples/cloud-run-job)', () => {
  test('gcloud.sh and main.tf give the job the same command line', () => {
    expect(terraformJobArgs({ org_id: ORG, bucket: BUCKET })).toEqual(gcloudJobArgs({ ORG_ID: ORG, BUCKET }));
  });

  test("the job's exact command line writes every report to the bucket and ends with one structured log line", async () => {
    const args = gcloudJobArgs({ ORG_ID: ORG, BUCKET });
    expect(args).toEqual([
      'audit',
      `--organization=${ORG}`,
      '--format=json',
      '--format=sarif',
      '--format=markdown',
      '--format=html',
      `--output-dir=gs://${BUCKET}/nightly`,
      '--log-format=json',
    ]);
    const before = emu.requests.length;
    const r = await runCli(args, { CLOUDRUN_AUDITOR_ENDPOINT: emu.url });
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
    const uploads = emu.requests.slice(before).filter((q) => q.api === 'storage.googleapis.com');

    const latest = JSON.parse(await objectText(emu.url, 'nightly/latest.json')) as Report;
    expect(validateReport(latest).valid).toBe(true);
    const stamp = latest.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const names = ['json', 'sarif', 'md', 'html'].flatMap((ext) => [`nightly/cloudrun-audit-${stamp}.${ext}`, `nightly/latest.${ext}`]);
    expect((await objectNames(emu.url, 'nightly/')).sort()).toEqual([...names].sort());
    for (const ext of ['json', 'sarif', 'md', 'html']) {
      expect(await objectText(emu.url, `nightly/cloudrun-audit-${stamp}.${ext}`)).toBe(await objectText(emu.url, `nightly/latest.${ext}`));
    }
    expect(uploads.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual(names.map(() => `POST /upload/storage/v1/b/${BUCKET}/o 200`));

    const lines = jsonLines(r.stderr);
    const progress = lines.slice(0, -1);
    expect(progress.map((l) => l['message'])).toEqual([
      'scanning: 0/6 projects',
      'scanning: 1/6 projects',
      'scanning: 2/6 projects',
      'scanning: 3/6 projects',
      'scanning: 4/6 projects',
      'scanning: 5/6 projects',
      'scanning: 6/6 projects',
    ]);
    expect(progress.every((l) => l['severity'] === 'INFO')).toBe(true);
    // The demo organisation: findings gate, and one project cannot be read (the Run-disabled one is not an error).
    expect(summaryLine(latest)).toMatch(/^\d+ findings from \d+ causes \(.*\) in 4 of 6 projects scanned; 1 project could not be read$/);
    expect(lines.at(-1)).toEqual({
      severity: 'WARNING',
      message: `audit: ${summaryLine(latest, { failOn: 'high' })} (exit 1: findings at or above --fail-on)`,
      exitCode: 1,
      summary: { ...latest.summary, failOn: 'high', gating: gatingFindings(latest.findings, 'high').length },
      reports: names.map((n) => `gs://${BUCKET}/${n}`),
    });
  });
});

describe('--output-dir gs:// failures are one error line and exit 2', () => {
  test('a bucket that does not exist', async () => {
    const r = await runCli(['audit', `--organization=${ORG}`, '--format=json', '--output-dir=gs://missing-bucket/x', '--log-format=json', '--quiet'], {
      CLOUDRUN_AUDITOR_ENDPOINT: emu.url,
    });
    expect(r.code).toBe(2);
    const lines = jsonLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      severity: 'ERROR',
      message: expect.stringMatching(
        /^cloudrun-auditor: cannot write gs:\/\/missing-bucket\/x\/cloudrun-audit-\d{8}T\d{6}Z\.json: bucket missing-bucket does not exist: create it with "gcloud storage buckets create gs:\/\/missing-bucket"$/,
      ),
      exitCode: 2,
    });
  });

  test('a second nightly run with create but not delete cannot replace latest.json', async () => {
    const locked = await startEmulator({ scenario: scenarioWithBucket(['storage.objects.delete']) });
    try {
      const args = ['audit', `--organization=${ORG}`, '--format=json', `--output-dir=gs://${BUCKET}/n`, '--quiet'];
      const first = await runCli(args, { CLOUDRUN_AUDITOR_ENDPOINT: locked.url });
      expect(first.code).toBe(1);
      expect(first.stderr).toBe('');
      const second = await runCli(args, { CLOUDRUN_AUDITOR_ENDPOINT: locked.url });
      expect(second.code).toBe(2);
      expect(second.stderr).toBe(
        `cloudrun-auditor: cannot write gs://${BUCKET}/n/latest.json: permission storage.objects.delete denied on bucket ${BUCKET} ` +
          `(replacing an existing object, such as latest.*, needs it): grant the scanner's service account storage.objects.create and ` +
          `storage.objects.delete on gs://${BUCKET} (roles/storage.objectUser, or the custom role in examples/cloud-run-job/)\n`,
      );
    } finally {
      await locked.close();
    }
  });

  test('a bucket name that cannot exist is refused before any request', async () => {
    const before = emu.requests.length;
    const r = await runCli(['audit', `--organization=${ORG}`, '--output-dir', 'gs://Bad_Bucket/x'], { CLOUDRUN_AUDITOR_ENDPOINT: emu.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'cloudrun-auditor: --output-dir gs://Bad_Bucket/x: "Bad_Bucket" is not a Cloud Storage bucket name (3-63 characters: a-z, 0-9, -, _ and .)\n' +
        'Run `cloudrun-auditor --help` for usage.\n',
    );
    expect(emu.requests.length).toBe(before);
  });
});
