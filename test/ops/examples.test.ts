import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
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

interface GitLabJob {
  rules?: { if: string }[];
  id_tokens?: Record<string, unknown>;
  script: string[];
  artifacts?: { reports: { junit: string } };
}

interface Job {
  if?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}

const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const auditJob = workflow.jobs['audit']!;
const previewJob = workflow.jobs['preview']!;
const scripts = (job: Job): string => job.steps.map((s) => s.run ?? '').join('\n');
/** A job runs on pull requests unless its condition rules them out (and names main, which a PR ref never is). */
const runsOnPullRequests = (job: Job): boolean => !(/github\.event_name != 'pull_request'/.test(job.if ?? '') && /github\.ref == 'refs\/heads\/main'/.test(job.if ?? ''));

describe('examples/ YAML', () => {
  test('every YAML file parses', () => {
    const yamls = files(EXAMPLES).filter((f) => /\.ya?ml$/.test(f));
    expect(yamls.map((f) => relative(EXAMPLES, f)).sort()).toEqual(['github-actions/cloudrun-audit.yml', 'gitlab-ci/gitlab-ci.yml']);
    for (const f of yamls) expect(() => parse(readFileSync(f, 'utf8'))).not.toThrow();
  });

  test('the GitHub workflow runs nightly, on main and on pull requests, never on pull_request_target', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'schedule', 'workflow_dispatch']);
    expect(workflow.on['push']).toEqual({ branches: ['main'] });
    expect(Object.keys(workflow.jobs).sort()).toEqual(['audit', 'preview']);
  });

  test('no job a pull request can start holds a cloud identity; only the main-branch job does', () => {
    // Nothing at the top level: a job that forgets its permissions gets none.
    expect(workflow.permissions).toEqual({});
    for (const [name, job] of Object.entries(workflow.jobs)) {
      if (!runsOnPullRequests(job)) continue;
      expect(job.permissions?.['id-token'], name).toBeUndefined();
      expect(job.steps.some((s) => s.uses?.startsWith('google-github-actions/auth@')), name).toBe(false);
      // No live scan either: the scope flags need credentials.
      expect(scripts(job), name).not.toMatch(/--(organization|folder|project)\b/);
    }
    expect(runsOnPullRequests(previewJob)).toBe(true);
    expect(previewJob.permissions).toEqual({ contents: 'read', actions: 'read' });
    expect(runsOnPullRequests(auditJob)).toBe(false);
    expect(auditJob.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'security-events': 'write' });
    const auth = auditJob.steps.find((s) => s.uses?.startsWith('google-github-actions/auth@'));
    expect(Object.keys(auth?.with ?? {}).sort()).toEqual(['service_account', 'workload_identity_provider']);
  });

  test('pull requests are previewed on the snapshot the main job kept, with the baseline from main', () => {
    const main = previewJob.steps.find((s) => s.uses?.startsWith('actions/checkout@') && s.with?.['ref'] !== undefined);
    expect(main?.with).toMatchObject({ ref: 'main', path: '.main' });
    const preview = invocations(scripts(previewJob));
    expect(preview.map((a) => a[0])).toEqual(['audit']);
    expect(preview[0]).toContain('--snapshot');
    expect(scripts(previewJob)).toContain('--baseline .main/.cloudrun-audit/baseline.json');
    // The PR's own tree never supplies the baseline.
    expect(scripts(previewJob)).not.toMatch(/--baseline \.cloudrun-audit/);
    expect(scripts(previewJob)).toContain('gh run download "$run_id" --repo "$GITHUB_REPOSITORY" --name cloudrun-audit --dir main-run');
    const keep = auditJob.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(keep?.with).toEqual({ name: 'cloudrun-audit', path: 'cloudrun-audit/' });
  });

  test('the main job collects, audits, uploads SARIF and the summary, and gates last', () => {
    expect(invocations(scripts(auditJob)).map((a) => a[0])).toEqual(['collect', 'audit']);
    const sarif = auditJob.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(sarif?.if).toContain('always()');
    expect(sarif?.with?.['sarif_file']).toBe('cloudrun-audit/latest.sarif');
    const audit = auditJob.steps.find((s) => s.id === 'audit');
    expect(audit?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    // The gate comes after the upload, so failing findings still reach code scanning.
    const gate = auditJob.steps.findIndex((s) => s.name === 'Gate');
    expect(gate).toBeGreaterThan(auditJob.steps.indexOf(sarif!));
    expect(auditJob.steps[gate]?.run).toContain('exit ${{ steps.audit.outputs.exit-code }}');
    expect(steps.length).toBe(auditJob.steps.length + previewJob.steps.length);
  });

  test('GitLab: only the scheduled default-branch job has an ID token; merge requests preview with main\'s baseline', () => {
    const jobs = parse(readFileSync(GITLAB, 'utf8')) as Record<string, GitLabJob>;
    expect(Object.keys(jobs).sort()).toEqual(['.cloudrun-auditor', 'cloudrun-audit', 'cloudrun-audit-preview']);
    expect(jobs['.cloudrun-auditor']?.artifacts?.reports.junit).toBe('cloudrun-audit/latest.xml');
    const audit = jobs['cloudrun-audit']!;
    const preview = jobs['cloudrun-audit-preview']!;
    expect(audit.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    expect(Object.keys(audit.id_tokens ?? {})).toEqual(['GCP_ID_TOKEN']);
    expect(preview.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(preview.id_tokens).toBeUndefined();
    const previewScript = preview.script.join('\n');
    expect(previewScript).not.toMatch(/GOOGLE_APPLICATION_CREDENTIALS|--(organization|folder|project)\b|ID_TOKEN/);
    expect(previewScript).toContain('--baseline main-baseline.json');
    expect(previewScript).not.toMatch(/--baseline \.cloudrun-audit/);
    expect(invocations(previewScript).map((a) => a[0])).toEqual(['audit']);
    expect(readFileSync(GITLAB, 'utf8')).toMatch(/assertion\.project_path == 'GROUP\/PROJECT' && assertion\.ref_type == 'branch'\n#\s+&& assertion\.ref == 'main'/);
  });

  test("the identity provider's attribute condition is pinned to the repository, main and the audit workflow", () => {
    const tf = readFileSync(join(EXAMPLES, 'github-actions/workload-identity.tf'), 'utf8');
    const condition = /attribute_condition = join\(" && ", \[([\s\S]*?)\]\)\n/.exec(tf)?.[1] ?? '';
    const clauses = [...condition.matchAll(/^\s*"(.*)",$/gm)].map((m) => m[1]);
    expect(clauses).toEqual([
      "assertion.repository == '${var.github_repository}'",
      "assertion.repository_id == '${var.github_repository_id}'",
      "assertion.ref == 'refs/heads/main'",
      "assertion.workflow_ref == '${local.workflow}'",
      "assertion.event_name in ['schedule', 'push', 'workflow_dispatch']",
    ]);
    expect(tf).toContain('workflow = "${var.github_repository}/.github/workflows/cloudrun-audit.yml@refs/heads/main"');
    expect(tf).toContain('member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.github.name}/attribute.repository/${var.github_repository}"');
    expect((tf.match(/\{/g) ?? []).length).toBe((tf.match(/\}/g) ?? []).length);
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

  /** The job's commands as the runner would run them, with its directories placed under `root`. */
  function jobCommands(job: Job, root: string): string[][] {
    return invocations(scripts(job)).map((args) =>
      args.map((w) => (w === '123456' ? ORG : /^(cloudrun-audit|main-run)(\/|$)/.test(w) ? join(root, w) : w)),
    );
  }

  test("the main job gates with exit 1 after writing SARIF and Markdown; a pull request's preview of its snapshot agrees", async () => {
    const root = mkdtempSync(join(tmpdir(), 'cra-gha-'));
    const [collect, audit] = jobCommands(auditJob, root);
    expect(collect).toEqual(['collect', '--organization', ORG, '--allow-incomplete', '--output', join(root, 'cloudrun-audit/snapshot.json'), '--quiet']);
    mkdirSync(join(root, 'cloudrun-audit'));
    expect((await runCli(collect!, { CLOUDRUN_AUDITOR_ENDPOINT: emu.url })).code).toBe(0);
    const out = join(root, 'cloudrun-audit');
    expect(audit).toEqual(['audit', '--snapshot', join(out, 'snapshot.json'), '--fail-on', 'high', '--format', 'sarif', '--format', 'markdown', '--format', 'json', '--output-dir', out, '--sarif-location', '.github/workflows/cloudrun-audit.yml']);
    // The audit of the snapshot needs no network: no endpoint is given.
    const r = await runCli(audit!);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(readFileSync(join(out, 'latest.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as { findings: { id: string }[]; errors: unknown[] };
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.errors.length).toBeGreaterThan(0);
    expect(sarif.runs[0]?.results).toHaveLength(report.findings.length);
    // GitHub rejects the whole file if one result lacks a physical location: each points at the workflow file.
    const uris = (sarif.runs[0]?.results as { locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] }[]).map(
      (r) => r.locations[0]?.physicalLocation?.artifactLocation.uri,
    );
    expect(new Set(uris)).toEqual(new Set(['.github/workflows/cloudrun-audit.yml']));
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toMatch(/^# /);

    // The pull request's job downloads that artifact as main-run/ and audits it offline: the same findings.
    const pr = join(root, 'pr');
    mkdirSync(join(pr, 'main-run'), { recursive: true });
    copyFileSync(join(out, 'snapshot.json'), join(pr, 'main-run/snapshot.json'));
    const [preview] = jobCommands(previewJob, pr);
    const shown = await runCli(preview!);
    expect(shown.code).toBe(1);
    const previewed = JSON.parse(readFileSync(join(pr, 'cloudrun-audit/latest.json'), 'utf8')) as { findings: { id: string }[] };
    expect(previewed.findings.map((f) => f.id)).toEqual(report.findings.map((f) => f.id));

    // With main's report as the baseline, nothing is new. It exits 3, not 0, because two demo projects cannot be
    // read, and an incomplete scan never passes silently.
    const again = await runCli([...preview!.slice(0, -2), '--baseline', join(out, 'latest.json'), '--output-dir', join(pr, 'again')]);
    expect(again.code).toBe(3);
  });

  test('the GitLab jobs: the scheduled one collects and gates with JUnit; the merge-request preview of its snapshot agrees', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cra-gitlab-'));
    const jobs = parse(readFileSync(GITLAB, 'utf8')) as Record<string, GitLabJob>;
    const commands = (job: GitLabJob): string[][] =>
      invocations(job.script.join('\n')).map((a) => a.map((w) => (w === '123456' ? ORG : /^(cloudrun-audit|main-)/.test(w) ? join(root, w) : w)));
    const [collect, audit] = commands(jobs['cloudrun-audit']!);
    mkdirSync(join(root, 'cloudrun-audit'));
    expect((await runCli(collect!, { CLOUDRUN_AUDITOR_ENDPOINT: emu.url })).code).toBe(0);
    const r = await runCli(audit!);
    expect(r.code).toBe(1);
    expect(existsSync(join(root, 'cloudrun-audit/latest.xml'))).toBe(true);
    // The preview downloads the snapshot as main-snapshot.json; its own output directory is its own.
    copyFileSync(join(root, 'cloudrun-audit/snapshot.json'), join(root, 'main-snapshot.json'));
    const [preview] = commands(jobs['cloudrun-audit-preview']!).map((a) => a.map((w) => (w === join(root, 'cloudrun-audit') ? join(root, 'preview') : w)));
    expect(preview?.slice(0, 3)).toEqual(['audit', '--snapshot', join(root, 'main-snapshot.json')]);
    expect((await runCli(preview!)).code).toBe(1);
    const ids = (dir: string): string[] => (JSON.parse(readFileSync(join(root, dir, 'latest.json'), 'utf8')) as { findings: { id: string }[] }).findings.map((f) => f.id);
    expect(ids('preview')).toEqual(ids('cloudrun-audit'));
  });
});

const terraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;

describe('examples/ Terraform', () => {
  // terraform is not a registry package here; where it is installed, its own formatter checks the file.
  test.skipIf(!terraform)('is formatted as terraform fmt writes it', () => {
    for (const file of ['cloud-run-job/main.tf', 'github-actions/workload-identity.tf']) {
      expect(() => execFileSync('terraform', ['fmt', '-check', '-diff', join(EXAMPLES, file)], { stdio: 'pipe' }), file).not.toThrow();
    }
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
