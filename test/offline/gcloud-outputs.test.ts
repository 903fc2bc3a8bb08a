import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Report } from '../../src/model/finding.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { runCli } from '../e2e/cli.js';

/**
 * Real gcloud output, each file alone, through the built CLI: JSON and gcloud's default YAML, services, revisions
 * and jobs, projects known only by number. Provenance of every file: test/fixtures/offline/SOURCES.md and
 * /work/shared/realdata/SOURCES.md.
 */

const REAL = '/work/shared/realdata';
const FIX = join(PACKAGE_ROOT, 'test/fixtures/offline');
const fixture = (name: string): string => join(FIX, name);
let dir: string;
/** No role cache: role definitions come from the inputs or the bundled set, the same on every machine. */
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cra-gcloud-out-'));
  env = { CLOUDRUN_AUDITOR_CACHE_DIR: join(dir, 'no-cache') };
});

async function audit(...inputs: string[]): Promise<{ code: number | null; report: Report; stderr: string }> {
  const res = await runCli(['audit', ...inputs.flatMap((f) => ['--input', f]), '--format', 'json', '--fail-on', 'none'], env);
  return { code: res.code, report: JSON.parse(res.stdout) as Report, stderr: res.stderr };
}

const brief = (r: Report): string[] => r.findings.map((f) => `${f.severity} ${f.ruleId} ${f.resource}`);
const errorsOf = (r: Report): string[] => r.errors.map((e) => `${e.status} ${e.message}`);

describe('each real gcloud record audits alone, named by the number its namespace gives', () => {
  test('v1 `services describe --format=json` (realdata): the project is 450503644772, no refusal, no NUMBER placeholder', async () => {
    const { code, report, stderr } = await audit(join(REAL, 'v1-service-describe-custom-sa.greenprotocol.json'));
    expect(report.scope.ids).toEqual(['450503644772']);
    expect(report.summary).toMatchObject({ projects: 1, services: 1, revisions: 0, jobs: 0, findings: 0 });
    // The identity lives in greenchemistry-ai; whether that is project 450503644772 is not in the file.
    expect(brief(report)).toEqual([]);
    expect(report.notes).toEqual([
      'Project 450503644772 is known only by its number (the inputs carry no project ID for it), so the report names it by number: add `gcloud projects describe 450503644772 --format=json` as another --input to name it by ID.',
      'Whether project greenchemistry-ai (home of greenchemistry-chemservice@greenchemistry-ai.iam.gserviceaccount.com) is project number 450503644772 is not in the inputs, so cross-project-identity was not judged for service greenchemistry-chemistry: add `gcloud projects describe 450503644772 --format=json` as another --input to decide it.',
    ]);
    expect(report.errors.every((e) => e.status === 'NOT_PROVIDED')).toBe(true);
    expect(errorsOf(report).join('\n')).not.toContain('NUMBER');
    expect(stderr).not.toContain('NUMBER');
    expect(code).toBe(3);
  });

  test('v2 Service named by project ID, identity named by project number (realdata): no false cross-project-identity, a note instead', async () => {
    const { code, report } = await audit(join(REAL, 'v2-service-default-sa.firebase-tools.json'));
    expect(brief(report)).toEqual(['high default-identity projects/inlined-junkdrawer/locations/us-central1/services/ejectrequest']);
    expect(report.findings[0]?.message).toContain('the default compute identity of project number 92611791981');
    expect(report.notes).toEqual([
      'Whether project number 92611791981 (home of 92611791981-compute@developer.gserviceaccount.com) is project inlined-junkdrawer is not in the inputs, so cross-project-identity was not judged for service ejectrequest: add `gcloud projects describe inlined-junkdrawer --format=json` as another --input to decide it.',
    ]);
    expect(code).toBe(3);
  });

  test('the same v2 Service with its project described: the relation is decided, and the note goes', async () => {
    const same = join(dir, 'junkdrawer.project.json');
    writeFileSync(same, JSON.stringify({ projectId: 'inlined-junkdrawer', projectNumber: '92611791981', lifecycleState: 'ACTIVE', name: 'inlined-junkdrawer' }));
    const { report } = await audit(join(REAL, 'v2-service-default-sa.firebase-tools.json'), same);
    expect(brief(report)).toEqual(['high default-identity projects/inlined-junkdrawer/locations/us-central1/services/ejectrequest']);
    expect(report.findings[0]?.message).toContain('the default compute identity of its project');
    expect(report.notes).toBeUndefined();
  });

  test('described as another number, the identity does live elsewhere: cross-project-identity is found', async () => {
    const other = join(dir, 'junkdrawer-other.project.json');
    writeFileSync(other, JSON.stringify({ projectId: 'inlined-junkdrawer', projectNumber: '555000111222', lifecycleState: 'ACTIVE', name: 'inlined-junkdrawer' }));
    const { report } = await audit(join(REAL, 'v2-service-default-sa.firebase-tools.json'), other);
    expect(brief(report)).toEqual([
      'high default-identity projects/inlined-junkdrawer/locations/us-central1/services/ejectrequest',
      'medium cross-project-identity projects/inlined-junkdrawer/locations/us-central1/services/ejectrequest',
    ]);
    expect(report.notes).toBeUndefined();
  });

  test("gcloud's default YAML of `services describe` (a real record): audited like its JSON", async () => {
    const { code, report } = await audit(fixture('services-describe.verity.yaml'));
    expect(report.scope.ids).toEqual(['291098081728']);
    expect(report.summary).toMatchObject({ projects: 1, services: 1, findings: 0 });
    expect(report.errors.map((e) => e.message.split(',')[0])).toContain(
      'service account verity-app@verity-506800.iam.gserviceaccount.com is not in the inputs',
    );
    expect(report.notes?.[1]).toMatch(/^Whether project verity-506800 \(home of verity-app@verity-506800\.iam\.gserviceaccount\.com\) is project number 291098081728 is not in the inputs/);
    expect(code).toBe(3);
  });

  test('a real Cloud Console YAML of a service on the default identity with the invoker check off: both findings, by number', async () => {
    const { code, report } = await audit(fixture('services-describe.mlops-2025.console.yaml'));
    expect(brief(report)).toEqual([
      'critical public-privileged-service projects/201939390881/locations/southamerica-west1/services/mlops-2025',
      'high default-identity projects/201939390881/locations/southamerica-west1/services/mlops-2025',
    ]);
    expect(report.findings[1]?.message).toBe(
      'service `mlops-2025` (southamerica-west1, 201939390881) runs as 201939390881-compute@developer.gserviceaccount.com, the default compute identity of its project',
    );
    // The identity is the project's own default (same number): nothing undecided, only the naming note.
    expect(report.notes).toHaveLength(1);
    // --fail-on none: the incomplete inputs decide the exit code.
    expect(code).toBe(3);
  });

  test('the same YAML converted to JSON gives the same report body', async () => {
    const { parse } = await import('yaml');
    const json = join(dir, 'verity.json');
    writeFileSync(json, JSON.stringify(parse(readFileSync(fixture('services-describe.verity.yaml'), 'utf8'))));
    const a = await audit(fixture('services-describe.verity.yaml'));
    const b = await audit(json);
    expect(b.report.findings).toEqual(a.report.findings);
    expect(b.report.summary).toEqual(a.report.summary);
    expect(b.report.notes).toEqual(a.report.notes);
  });
});

describe('revisions whose service is not in the inputs are audited as revisions', () => {
  test.each([
    ['`revisions list` in YAML (multi-document, as gcloud prints lists)', 'revisions-list.orders.yaml', 2],
    ['`revisions list --format=json`', 'revisions-list.orders.json', 2],
    ['`revisions describe --format=json`', 'revision-describe.orders-00001.json', 1],
  ])('%s', async (_t, file, count) => {
    const { code, report } = await audit(fixture(file));
    expect(report.summary.revisions).toBe(count);
    expect(brief(report)).toEqual(['high default-identity projects/640318125577/locations/europe-west1/services/orders/revisions/orders-00001-kaz']);
    const f = report.findings[0]!;
    // Its traffic is unknown, so it is judged as serving: full severity, and the fix routes traffic away first.
    expect(f.message).toBe(
      'revision `orders-00001-kaz` of service `orders` (europe-west1, 640318125577) runs as 640318125577-compute@developer.gserviceaccount.com, the default compute identity of its project',
    );
    expect(f.evidence).not.toHaveProperty('trafficPercent');
    expect(f.remediation.commands[0]).toBe('gcloud run services update-traffic orders --to-latest --region=europe-west1 --project=640318125577');
    expect(f.remediation.commands.at(-1)).toMatch(/^gcloud run revisions delete orders-00001-kaz --region=europe-west1 --project=640318125577/);
    expect(errorsOf(report)).toContain(
      `NOT_PROVIDED ${count} revision${count === 1 ? '' : 's'} of project 640318125577 came without ${count === 1 ? 'its service' : 'their service'} (orders), so that service's identity, traffic and invokers are not judged and each revision is judged as if serving: add \`gcloud run services list --project=640318125577 --format=json\``,
    );
    expect(code).toBe(3);
  });

  test('with the project described (the reported case): both revisions are audited, named by ID, and nothing is undecided', async () => {
    const project = join(dir, 'acme-orders.project.json');
    writeFileSync(project, JSON.stringify({ projectId: 'acme-orders', projectNumber: '640318125577', lifecycleState: 'ACTIVE', name: 'acme-orders' }));
    const { report } = await audit(fixture('revisions-list.orders.json'), project);
    expect(report.summary.revisions).toBe(2);
    expect(brief(report)).toEqual(['high default-identity projects/acme-orders/locations/europe-west1/services/orders/revisions/orders-00001-kaz']);
    // orders-runtime@acme-orders lives in acme-orders = 640318125577: decided, so no cross-project finding and no note.
    expect(report.notes).toBeUndefined();
  });

  test('with its service given, a revision sits under the service as before (no orphan error)', async () => {
    const svc = join(dir, 'orders.service.json');
    writeFileSync(
      svc,
      JSON.stringify({
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'orders', namespace: '640318125577', labels: { 'cloud.googleapis.com/location': 'europe-west1' } },
        spec: { template: { spec: { serviceAccountName: 'orders-runtime@acme-orders.iam.gserviceaccount.com' } }, traffic: [{ latestRevision: true, percent: 100 }] },
        status: { latestReadyRevisionName: 'orders-00002-vup', traffic: [{ latestRevision: true, percent: 100, revisionName: 'orders-00002-vup' }] },
      }),
    );
    const { report } = await audit(svc, fixture('revisions-list.orders.yaml'));
    expect(report.summary).toMatchObject({ services: 1, revisions: 2 });
    expect(errorsOf(report).some((e) => e.includes('came without'))).toBe(false);
    // Now the old revision's traffic is known (none), so it is judged as not serving.
    expect(brief(report)).toEqual(['low default-identity projects/640318125577/locations/europe-west1/services/orders/revisions/orders-00001-kaz']);
  });
});

describe('jobs', () => {
  test('`jobs describe --format=json` with no service account: the default identity of project number 640318125577', async () => {
    const { code, report } = await audit(fixture('jobs-describe.nightly-export.json'));
    expect(report.summary).toMatchObject({ projects: 1, jobs: 1 });
    expect(brief(report)).toEqual(['high default-identity projects/640318125577/locations/us-central1/jobs/nightly-export']);
    expect(report.findings[0]?.message).toContain('(no service account was set, so Cloud Run used the default)');
    expect(code).toBe(3);
  });

  test('`jobs list` in YAML: both jobs, each with its identity', async () => {
    const { report } = await audit(fixture('jobs-list.orders.yaml'));
    expect(report.summary).toMatchObject({ projects: 1, jobs: 2 });
    expect(brief(report)).toEqual(['high default-identity projects/640318125577/locations/us-central1/jobs/nightly-export']);
    expect(errorsOf(report)).toContain(
      'NOT_PROVIDED service account reindex-runner@acme-orders.iam.gserviceaccount.com is not in the inputs, so its keys and who may act as it are not judged: add a Cloud Asset Inventory resource and iam-policy export that includes it',
    );
  });
});

describe('a list that says it is partial is audited and is an error (exit 3)', () => {
  test.each([
    ['nextPageToken', 'v2-services-list.next-page.json', 'it is one page of several (a next-page token is set): export every page (gcloud pages for you; with the REST API follow nextPageToken)'],
    ['unreachable', 'v2-services-list.unreachable.json', 'it says asia-east1, me-central2 could not be reached, so what lives there is missing: export again once they answer'],
  ])('%s', async (_t, file, why) => {
    const { code, report } = await audit(fixture(file));
    expect(report.summary.services).toBe(1);
    const partial = report.errors.filter((e) => e.status === 'PARTIAL_EXPORT');
    expect(partial).toEqual([{ project: 'acme-orders', api: 'run.googleapis.com', status: 'PARTIAL_EXPORT', message: `${fixture(file)}: the services list is incomplete: ${why}` }]);
    expect(code).toBe(3);
    // Even --allow-incomplete keeps the error in the report.
    const allowed = await runCli(['audit', '--input', fixture(file), '--format', 'json', '--fail-on', 'none', '--allow-incomplete'], env);
    expect(allowed.code).toBe(0);
    expect((JSON.parse(allowed.stdout) as Report).errors.some((e) => e.status === 'PARTIAL_EXPORT')).toBe(true);
  });

  test('a v1 ServiceList with `metadata.continue` and `unreachable` (the v1 API gcloud calls) is the same error, named in v2 words', async () => {
    const file = join(dir, 'v1-list.json');
    const item = JSON.parse(readFileSync(join(REAL, 'v1-service-describe-custom-sa.greenprotocol.json'), 'utf8')) as unknown;
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'ServiceList', metadata: { continue: 'abc' }, items: [item], unreachable: ['us-east5'] }));
    const { code, report } = await audit(file);
    expect(report.summary.services).toBe(1);
    expect(report.errors.filter((e) => e.status === 'PARTIAL_EXPORT')).toEqual([
      {
        project: '450503644772',
        api: 'run.googleapis.com',
        status: 'PARTIAL_EXPORT',
        message: `${file}: the services list is incomplete: it is one page of several (a next-page token is set): export every page (gcloud pages for you; with the REST API follow nextPageToken); and it says us-east5 could not be reached, so what lives there is missing: export again once it answers`,
      },
    ]);
    expect(code).toBe(3);
  });

  test('a complete v2 list (empty nextPageToken, no unreachable) is no error', async () => {
    const file = join(dir, 'complete.json');
    const list = JSON.parse(readFileSync(fixture('v2-services-list.next-page.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...list, nextPageToken: '', unreachable: [] }));
    const { report } = await audit(file);
    expect(report.errors.some((e) => e.status === 'PARTIAL_EXPORT')).toBe(false);
  });
});

describe('a UTF-8 byte-order mark is not content', () => {
  test.each([
    ['JSON', join(REAL, 'v1-service-describe-custom-sa.greenprotocol.json'), 'bom.json'],
    ['YAML', fixture('services-describe.verity.yaml'), 'bom.yaml'],
  ])('%s with a BOM audits like the file without one', async (_t, source, name) => {
    const file = join(dir, name);
    writeFileSync(file, '\uFEFF' + readFileSync(source, 'utf8'));
    const plain = await audit(source);
    const bom = await audit(file);
    expect(bom.code).toBe(3);
    expect(bom.report.summary).toEqual(plain.report.summary);
    expect(bom.report.findings).toEqual(plain.report.findings);
  });
});
