import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { writeRoleCache } from '../../src/least/role-cache.js';
import type { Report } from '../../src/model/finding.js';
import { runCli } from '../e2e/cli.js';

/**
 * Offline, a predefined role granted in the inputs but not defined in them is expanded from the synced role cache,
 * else from the roles bundled with the tool, before anything is called NOT_PROVIDED. Custom roles still need their
 * definition (only the project that holds one knows it).
 */

const SERVICE = '/work/shared/realdata/v2-service-default-sa.firebase-tools.json';
const IDENTITY = 'serviceAccount:92611791981-compute@developer.gserviceaccount.com';
const CUSTOM = 'projects/inlined-junkdrawer/roles/deployer';
let dir: string;
let policy: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cra-offline-roles-'));
  policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ version: 1, etag: 'BwYx', bindings: [{ role: 'roles/editor', members: [IDENTITY] }, { role: CUSTOM, members: [IDENTITY] }] }));
});

async function audit(cacheDir: string): Promise<{ code: number | null; report: Report }> {
  const res = await runCli(['audit', '--input', SERVICE, '--input', `iam=inlined-junkdrawer:${policy}`, '--format', 'json', '--fail-on', 'none'], { CLOUDRUN_AUDITOR_CACHE_DIR: cacheDir });
  return { code: res.code, report: JSON.parse(res.stdout) as Report };
}

const roleErrors = (r: Report): string[] => r.errors.filter((e) => /^the definition of /.test(e.message)).map((e) => e.message.split(' was ')[0] ?? '');

test('no role cache: roles/editor comes from the bundled roles (and says it is trimmed); the custom role stays NOT_PROVIDED', async () => {
  const { code, report } = await audit(join(dir, 'empty-cache'));
  expect(roleErrors(report)).toEqual([`the definition of ${CUSTOM}`]);
  expect(report.notes?.[0]).toBe(
    'The definition of roles/editor came from the predefined roles bundled with cloudrun-auditor, not from the inputs. The bundled roles/editor keeps 938 of its 11,979 permissions (those of Cloud Run and its neighbours): run `cloudrun-auditor roles sync` once, on a machine with network, for the whole of it.',
  );
  // Expanded: what Editor allows is judged, not only its name.
  const escalation = report.findings.find((f) => f.ruleId === 'privilege-escalation');
  expect(escalation?.message).toContain('cloudbuild.builds.create');
  expect(code).toBe(3);
});

test('a synced role cache is used before the bundled roles, whatever its age', async () => {
  const cache = join(dir, 'cache');
  const editor = { name: 'roles/editor', title: 'Editor', stage: 'GA', deleted: false, includedPermissions: ['iam.serviceAccounts.actAs', 'run.services.get'], source: 'predefined' as const };
  writeRoleCache(undefined, [editor], new Date('2026-01-02T03:04:05.000Z'), { CLOUDRUN_AUDITOR_CACHE_DIR: cache });
  const { report } = await audit(cache);
  expect(roleErrors(report)).toEqual([`the definition of ${CUSTOM}`]);
  expect(report.notes?.[0]).toBe('The definition of roles/editor came from the role cache synced 2026-01-02T03:04:05.000Z, not from the inputs.');
  const escalation = report.findings.find((f) => f.ruleId === 'privilege-escalation');
  expect(escalation?.message).toContain('iam.serviceAccounts.actAs');
  expect(escalation?.message).not.toContain('cloudbuild.builds.create');
});

test('a role the inputs define wins over both, and no note is written for it', async () => {
  const role = join(dir, 'editor.role.json');
  writeFileSync(role, JSON.stringify({ name: 'roles/editor', title: 'Editor', stage: 'GA', etag: 'AA==', includedPermissions: ['run.services.get'] }));
  const res = await runCli(
    ['audit', '--input', SERVICE, '--input', `iam=inlined-junkdrawer:${policy}`, '--input', role, '--format', 'json', '--fail-on', 'none'],
    { CLOUDRUN_AUDITOR_CACHE_DIR: join(dir, 'empty-cache') },
  );
  const report = JSON.parse(res.stdout) as Report;
  expect(report.notes?.some((n) => n.includes('roles/editor'))).toBe(false);
  expect(report.findings.some((f) => f.ruleId === 'privilege-escalation')).toBe(false);
});
