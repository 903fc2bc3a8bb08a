import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { runCli } from '../e2e/cli.js';
import { gcloudJobArgs } from './job-args.js';
import { codeBlocks, invocations, parsesWithCli } from './parse-cli.js';
import { ORG } from './scenario.js';

const EXAMPLES = join(PACKAGE_ROOT, 'examples');
const WORKFLOW = join(EXAMPLES, 'github-actions/cloudrun-audit.yml');
const GITLAB = join(EXAMPLES, 'gitlab-ci/gitlab-ci.yml');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
  with?: Record<string, unknown>;
}

const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);

describe('examples/ YAML', () => {
  test('every YAML file parses', () => {
    const yamls = files(EXAMPLES).filter((f) => /\.ya?ml$/.test(f));
    expect(yamls.map((f) => relative(EXAMPLES, f)).sort()).toEqual(['github-actions/cloudrun-audit.yml', 'gitlab-ci/gitlab-ci.yml']);
    for (const f of yamls) expect(() => parse(readFileSync(f, 'utf8'))).not.toThrow();
  });

  test('the GitHub workflow runs on a schedule and on pull requests, with federated identity and SARIF upload', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'schedule', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'security-events': 'write' });
    const uses = steps.map((s) => s.uses?.replace(/@.*$/, '')).filter((u) => u !== undefined);
    expect(uses).toContain('google-github-actions/auth');
    const auth = steps.find((s) => s.uses?.startsWith('google-github-actions/auth@'));
    expect(Object.keys(auth?.with ?? {}).sort()).toEqual(['service_account', 'workload_identity_provider']);
    const sarif = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(sarif?.if).toContain('always()');
    expect(sarif?.with?.['sarif_file']).toBe('cloudrun-audit/latest.sarif');
    const audit = steps.find((s) => s.id === 'audit');
    expect(audit?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    // The gate comes after the upload, so failing findings still reach code scanning.
    const gate = steps.findIndex((s) => s.name === 'Gate');
    expect(gate).toBeGreaterThan(steps.indexOf(sarif!));
    expect(steps[gate]?.run).toContain('exit ${{ steps.audit.outputs.exit-code }}');
  });
});

describe('every cloudrun-auditor command shown in examples/ and the README parses with the real CLI', () => {
  const sources = [...files(EXAMPLES).filter((f) => /\.(ya?ml|sh)$/.test(f)), join(PACKAGE_ROOT, 'README.md')];
  const commands = sources.flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    return invocations(f.endsWith('.md') ? codeBlocks(text) : text).map((args) => ({ file: relative(PACKAGE_ROOT, f), args }));
  });

  test('there are commands to check in each example and in the README', () => {
    const perFile = new Set(commands.map((c) => c.file));
    expect(perFile).toContain('examples/github-actions/cloudrun-audit.yml');
    expect(perFile).toContain('examples/gitlab-ci/gitlab-ci.yml');
    expect(perFile).toContain('README.md');
  });

  test.each(commands.map((c) => [c.file, c.args.join(' '), c.args] as const))('%s: %s', async (_file, _line, args) => {
    await parsesWithCli([...args]);
  });

  test("the Cloud Run job's arguments parse", async () => {
    await parsesWithCli(gcloudJobArgs({ ORG_ID: ORG, BUCKET: 'acme-audit-reports' }));
  });

  test('the check catches a flag that does not exist', async () => {
    await expect(parsesWithCli(['audit', '--organization', ORG, '--fail-on-new'])).rejects.toThrow(/Unknown argument/);
  });
});

describe("the GitHub workflow's audit step against the emulator", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH) });
  });
  afterAll(async () => {
    await emu.close();
  });

  function auditArgs(text: string, outDir: string): string[] {
    const found = invocations(text).filter((a) => a[0] === 'audit');
    expect(found).toHaveLength(1);
    return found[0]!.map((w) => (w === 'cloudrun-audit' ? outDir : w === '123456' ? ORG : w));
  }

  test('the gate fails with exit 1, after writing the SARIF and the Markdown for the step summary', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cra-gha-'));
    const args = auditArgs(readFileSync(WORKFLOW, 'utf8'), out);
    expect(args).toEqual([
      'audit', '--organization', ORG, '--fail-on', 'high', '--format', 'sarif', '--format', 'markdown', '--format', 'json', '--output-dir', out,
      '--sarif-location', '.github/workflows/cloudrun-audit.yml',
    ]);
    const r = await runCli(args, { CLOUDRUN_AUDITOR_ENDPOINT: emu.url });
    expect(r.code).toBe(1);
    const sarif = JSON.parse(readFileSync(join(out, 'latest.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as { findings: unknown[] };
    expect(report.findings.length).toBeGreaterThan(0);
    expect(sarif.runs[0]?.results).toHaveLength(report.findings.length);
    // GitHub rejects the whole file if one result lacks a physical location: each points at the workflow file.
    const uris = (sarif.runs[0]?.results as { locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] }[]).map(
      (r) => r.locations[0]?.physicalLocation?.artifactLocation.uri,
    );
    expect(new Set(uris)).toEqual(new Set(['.github/workflows/cloudrun-audit.yml']));
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toMatch(/^# /);

    // The next run with that report as its baseline gates only what is new: nothing. It exits 3, not 0, because
    // two demo projects cannot be read, and an incomplete scan never passes silently.
    const withoutOut = args.filter((a, i) => a !== '--output-dir' && args[i - 1] !== '--output-dir');
    const again = await runCli([...withoutOut, '--baseline', join(out, 'latest.json'), '--output-dir', mkdtempSync(join(tmpdir(), 'cra-gha-'))], {
      CLOUDRUN_AUDITOR_ENDPOINT: emu.url,
    });
    expect(again.code).toBe(3);
  });

  test('the GitLab job writes the JUnit report its artifacts name', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cra-gitlab-'));
    const gitlab = parse(readFileSync(GITLAB, 'utf8')) as Record<string, { artifacts: { reports: { junit: string } } }>;
    expect(gitlab['cloudrun-audit']?.artifacts.reports.junit).toBe('cloudrun-audit/latest.xml');
    const r = await runCli(auditArgs(readFileSync(GITLAB, 'utf8'), out), { CLOUDRUN_AUDITOR_ENDPOINT: emu.url });
    expect(r.code).toBe(1);
    expect(existsSync(join(out, 'latest.xml'))).toBe(true);
  });
});

const terraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;

describe('examples/cloud-run-job/main.tf', () => {
  // terraform is not a registry package here; where it is installed, its own formatter checks the file.
  test.skipIf(!terraform)('is formatted as terraform fmt writes it', () => {
    expect(() => execFileSync('terraform', ['fmt', '-check', '-diff', join(EXAMPLES, 'cloud-run-job/main.tf')], { stdio: 'pipe' })).not.toThrow();
  });

  test('declares the job, its service account with the three read-only roles, the bucket grant and the trigger', () => {
    const tf = readFileSync(join(EXAMPLES, 'cloud-run-job/main.tf'), 'utf8');
    const resources = [...tf.matchAll(/^resource "([a-z0-9_]+)" "([a-z0-9_]+)"/gm)].map((m) => `${m[1]}.${m[2]}`);
    expect(resources).toEqual([
      'google_service_account.auditor',
      'google_organization_iam_member.auditor',
      'google_storage_bucket.reports',
      'google_project_iam_custom_role.report_writer',
      'google_storage_bucket_iam_member.auditor_writes_reports',
      'google_cloud_run_v2_job.auditor',
      'google_service_account.trigger',
      'google_cloud_run_v2_job_iam_member.trigger_runs_job',
      'google_cloud_scheduler_job.nightly',
    ]);
    expect(tf).toContain('toset(["roles/run.viewer", "roles/iam.securityReviewer", "roles/browser"])');
    expect(tf).toContain('permissions = ["storage.objects.create", "storage.objects.delete"]');
    expect((tf.match(/\{/g) ?? []).length).toBe((tf.match(/\}/g) ?? []).length);
  });
});
