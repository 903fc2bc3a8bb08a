import { describe, expect, test } from 'vitest';
import { activeCauses, groupCauses } from '../../src/audit/causes.js';
import type { Finding } from '../../src/model/finding.js';
import { finding } from '../fixtures/reports/build.js';

const SA = 'app@p1.iam.gserviceaccount.com';
const OTHER = 'other@p1.iam.gserviceaccount.com';
const svc = (name: string): string => `projects/p1/locations/europe-west1/services/${name}`;
const removeEditor = (who: string): string => `gcloud projects remove-iam-policy-binding p1 --member=serviceAccount:${who} --role=roles/editor`;

function primitive(resource: string, who = SA, place = 'projects/p1'): Finding {
  return finding({
    ruleId: 'primitive-role',
    severity: 'high',
    discriminator: 'roles/editor',
    resourceType: 'service',
    resource,
    serviceAccount: who,
    message: `${resource} runs as ${who}, which holds roles/editor`,
    evidence: { role: 'roles/editor', grants: [{ role: 'roles/editor', place }] },
    remediation: { summary: `Remove roles/editor from ${who}.`, commands: [removeEditor(who)] },
  });
}

function escalation(resource: string, who = SA): Finding {
  return finding({
    ruleId: 'privilege-escalation',
    severity: 'high',
    resourceType: 'service',
    resource,
    serviceAccount: who,
    message: `${resource} can escalate`,
    evidence: {
      permissions: [{ permission: 'iam.serviceAccounts.actAs', role: 'roles/editor', place: 'projects/p1' }],
      // A role that could not be expanded is context, not a grant the finding rests on.
      unknownRoles: [{ role: 'roles/run.invoker', place: svc('x') }],
    },
    remediation: { summary: 'Remove the grants.', commands: [removeEditor(who)] },
  });
}

function impersonation(resource: string, who: string, deployer: string): Finding {
  return finding({
    ruleId: 'identity-impersonation',
    severity: 'high',
    resourceType: 'service',
    resource,
    serviceAccount: who,
    message: `others can act as ${who}`,
    evidence: {
      principals: [],
      deployPaths: [{ member: `serviceAccount:${deployer}`, deploy: { role: 'roles/editor', place: 'projects/p1' }, actAs: { role: 'roles/editor', place: 'projects/p1' } }],
    },
    remediation: { summary: `Remove the grants that let others act as ${who}.`, commands: [removeEditor(deployer)] },
  });
}

function workloadFinding(ruleId: string, resource: string, commands: string[], severity: Finding['severity'] = 'medium', who = SA): Finding {
  return finding({
    ruleId,
    severity,
    resourceType: 'service',
    resource,
    serviceAccount: who,
    message: `${ruleId} on ${resource}`,
    evidence: {},
    remediation: { summary: `fix ${ruleId}`, commands },
  });
}

const members = (causes: ReturnType<typeof groupCauses>, all: Finding[]): string[][] =>
  causes.map((c) => c.findings.map((id) => { const f = all.find((x) => x.id === id)!; return `${f.ruleId} ${f.resource.split('/').at(-1)}`; }));

describe('root causes', () => {
  test('one identity and one grant is one cause, across every workload that runs as the identity', () => {
    const all = [primitive(svc('a')), primitive(svc('b')), escalation(svc('a'))];
    const causes = groupCauses(all);
    expect(members(causes, all)).toEqual([['primitive-role a', 'primitive-role b', 'privilege-escalation a']]);
    expect(causes[0]).toMatchObject({ title: `${SA} holds roles/editor on project p1`, severity: 'high', fix: `Remove roles/editor from ${SA}.` });
    expect(causes[0]!.id).toMatch(/^cause-[0-9a-f]{12}$/);
  });

  test('the same role on another identity or another place is another cause', () => {
    const all = [primitive(svc('a')), primitive(svc('b'), OTHER), primitive(svc('c'), SA, 'folders/7')];
    expect(groupCauses(all)).toHaveLength(3);
  });

  test('impersonation through one deployer joins per identity, never across identities', () => {
    const all = [impersonation(svc('a'), SA, 'dev@p1.iam.gserviceaccount.com'), impersonation(svc('b'), SA, 'dev@p1.iam.gserviceaccount.com'), impersonation(svc('c'), OTHER, 'dev@p1.iam.gserviceaccount.com')];
    const causes = groupCauses(all);
    expect(members(causes, all)).toEqual([['identity-impersonation a', 'identity-impersonation b'], ['identity-impersonation c']]);
    expect(causes[0]!.title).toBe(`Others can act as ${SA}: serviceAccount:dev@p1.iam.gserviceaccount.com`);
  });

  test('one workload with a shared fix command is one cause; a shared comment or another workload is not', () => {
    const create = 'gcloud iam service-accounts create a-run --project=p1';
    const note = '# choose the roles it needs';
    const all = [
      workloadFinding('public-privileged-service', svc('a'), ['gcloud run services remove-iam-policy-binding a --member=allUsers', create], 'critical'),
      workloadFinding('default-identity', svc('a'), [create, note], 'high'),
      workloadFinding('user-managed-key', svc('a'), [note, 'gcloud iam service-accounts keys delete k1']),
      workloadFinding('default-identity', svc('b'), [create, note], 'high'),
    ];
    const causes = groupCauses(all);
    expect(members(causes, all)).toEqual([['public-privileged-service a', 'default-identity a'], ['default-identity b'], ['user-managed-key a']]);
    expect(causes[0]).toMatchObject({ severity: 'critical', fix: 'fix public-privileged-service', title: 'Public service runs as a privileged identity: service a (europe-west1, p1)' });
  });

  test('workloads sharing one identity are one cause', () => {
    const all = [workloadFinding('shared-identity', svc('a'), ['gcloud x a']), workloadFinding('shared-identity', svc('b'), ['gcloud x b'])];
    const causes = groupCauses(all);
    expect(causes).toHaveLength(1);
    expect(causes[0]!.title).toBe(`2 workloads share ${SA}: service a (europe-west1, p1), service b (europe-west1, p1)`);
  });

  test('every finding in exactly one cause; ids depend on the findings, not their order; suppressed findings do not set severity', () => {
    const suppressed = { ...workloadFinding('default-identity', svc('z'), ['gcloud z'], 'critical'), suppressed: true };
    const all = [primitive(svc('a')), escalation(svc('a')), workloadFinding('user-managed-key', svc('k'), ['gcloud k']), suppressed];
    const causes = groupCauses(all);
    expect(causes.flatMap((c) => c.findings).sort()).toEqual(all.map((f) => f.id).sort());
    expect(groupCauses([...all].reverse()).map((c) => c.id).sort()).toEqual(causes.map((c) => c.id).sort());
    // A cause whose findings are all suppressed keeps their severity, but is not an active cause.
    expect(causes.map((c) => c.severity)).toEqual(['critical', 'high', 'medium']);
    expect(activeCauses(causes, all).map((c) => c.severity)).toEqual(['high', 'medium']);
  });
});
