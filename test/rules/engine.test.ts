import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Inventory } from '../../src/model/inventory.js';
import { defaultIdentityRule } from '../../src/checks/default-identity.js';
import { evaluate } from '../../src/rules/engine.js';
import { defaultRules, parseRules } from '../../src/rules/load.js';
import { bind, condBind, sa } from '../fixtures/inventories/builder.js';
import { acme, email, job, NOW, PROD, PROD_NUMBER, rev, svc } from '../fixtures/inventories/types.js';
import { pairs, run } from '../checks/helpers.js';

const billingSa = email(PROD, 'billing-sa');
const compute = `${PROD_NUMBER}-compute@developer.gserviceaccount.com`;

/** billing runs as the default identity (Editor on the project); reports runs as billing-sa. */
function world(): Inventory {
  const b = acme();
  b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000', bindings: [bind('roles/editor', sa(compute))] })
    .service('billing', { labels: { team: 'billing' } })
    .service('reports', { serviceAccount: billingSa, labels: { team: 'data' } })
    .job('nightly', { serviceAccount: billingSa, region: 'us-central1' });
  b.account(billingSa);
  return b.build();
}

function ruleFindings(inv: Inventory, ruleId: string, rules?: string, now = NOW): ReturnType<typeof run>['findings'] {
  return run(inv, rules, now).findings.filter((f) => f.ruleId === ruleId);
}

describe('suppressions', () => {
  const rules = (expires: string): string => `
suppressions:
  - rule: default-identity
    resource: "projects/acme-prod/locations/*/services/bill*"
    reason: migration to a dedicated account planned
    expires: ${expires}
    owner: platform@acme.example
`;

  test('an active suppression marks the finding suppressed and keeps it in the report', () => {
    const [f, ...rest] = ruleFindings(world(), 'default-identity', rules('2025-06-15'));
    expect(rest).toEqual([]);
    expect(f?.resource).toBe(svc(PROD, 'billing'));
    expect(f?.suppressed).toBe(true);
    expect(f?.suppression).toEqual({
      rule: 'default-identity',
      resource: 'projects/acme-prod/locations/*/services/bill*',
      reason: 'migration to a dedicated account planned',
      expires: '2025-06-15',
      owner: 'platform@acme.example',
      expired: false,
    });
  });

  test('it covers the whole expiry day (UTC) and stops at the next midnight', () => {
    const lastMoment = new Date('2025-06-15T23:59:59.999Z');
    const nextDay = new Date('2025-06-16T00:00:00Z');
    expect(ruleFindings(world(), 'default-identity', rules('2025-06-15'), lastMoment)[0]?.suppressed).toBe(true);
    const [f] = ruleFindings(world(), 'default-identity', rules('2025-06-15'), nextDay);
    expect(f?.suppressed).toBe(false);
    expect(f?.suppression?.expired).toBe(true);
  });

  test('an active suppression is preferred to an expired one for the same finding', () => {
    const text = `
suppressions:
  - {rule: default-identity, resource: "**", reason: old, expires: 2024-01-01}
  - {rule: default-identity, resource: "**", reason: renewed, expires: 2026-01-01}
`;
    const [f] = ruleFindings(world(), 'default-identity', text);
    expect([f?.suppressed, f?.suppression?.reason, f?.suppression?.expired]).toEqual([true, 'renewed', false]);
  });

  test('other rules and non-matching resources are untouched', () => {
    const text = `
suppressions:
  - {rule: shared-identity, resource: "projects/acme-prod/locations/*/services/billing", reason: x, expires: 2030-01-01}
  - {rule: default-identity, resource: "projects/other/**", reason: x, expires: 2030-01-01}
`;
    const all = run(world(), text).findings;
    expect(all.filter((f) => f.suppressed || f.suppression)).toEqual([]);
  });
});

describe('policies', () => {
  test('later matching policies win field by field; labels and resource types narrow matching', () => {
    const text = `
policies:
  - name: everyone
    serviceAccount: ${billingSa}
    allowedRoles: [roles/run.invoker]
  - name: data-team
    labels: {team: "da*"}
    resourceTypes: [service]
    serviceAccount: ${email(PROD, 'reports-sa')}
`;
    const unexpected = ruleFindings(world(), 'unexpected-identity', text);
    expect(unexpected.map((f) => [f.resource, f.evidence.expected, f.evidence.policy])).toEqual([
      [svc(PROD, 'billing'), billingSa, 'everyone'],
      [svc(PROD, 'reports'), email(PROD, 'reports-sa'), 'data-team'],
    ]);
    expect(unexpected[1]?.evidence.policies).toEqual(['everyone', 'data-team']);
    // allowedRoles from the first policy still applies to reports (the second did not set it).
    const notAllowed = ruleFindings(world(), 'role-not-allowed', text);
    expect(notAllowed.map((f) => [f.resource, f.evidence.role])).toEqual([[svc(PROD, 'billing'), 'roles/editor']]);
  });

  test('top-level rule settings, then policy overrides of enabled and severity', () => {
    const text = `
rules:
  default-identity: {severity: medium}
  shared-identity: {enabled: false}
policies:
  - projects: ["acme-*"]
    regions: [europe-*]
    names: [billing]
    rules:
      default-identity: {severity: critical}
  - names: [reports]
    rules:
      shared-identity: {enabled: true, severity: low}
`;
    const ev = run(world(), text);
    expect(pairs(ev.findings.filter((f) => f.ruleId === 'default-identity'))).toEqual([`${svc(PROD, 'billing')} critical`]);
    expect(pairs(ev.findings.filter((f) => f.ruleId === 'shared-identity'))).toEqual([`${svc(PROD, 'reports')} low`]);
  });

  test('a policy can turn a rule off for the workloads it matches only', () => {
    const text = `
policies:
  - names: [nightly]
    rules: {shared-identity: {enabled: false}}
`;
    expect(pairs(ruleFindings(world(), 'shared-identity', text))).toEqual([`${svc(PROD, 'reports')} medium`]);
  });

  test('a graded rule steps down from the configured severity', () => {
    const b = acme({ folderBindings: [bind('roles/editor', sa(billingSa))] });
    b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000', bindings: [bind('roles/owner', sa(billingSa))] }).service(
      'reports',
      { serviceAccount: billingSa },
    );
    const f = ruleFindings(b.build(), 'primitive-role', 'rules: {primitive-role: {severity: high}}');
    expect(f.map((x) => [x.evidence.role, x.severity])).toEqual([
      ['roles/owner', 'high'],
      ['roles/editor', 'medium'],
    ]);
  });

  test('a revision is matched as its service', () => {
    const b = acme();
    b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000' }).service('billing', {
      serviceAccount: billingSa,
      labels: { team: 'billing' },
      revisions: [
        { id: 'billing-00001-old', serviceAccount: email(PROD, 'old-sa'), percent: 0 },
        { id: 'billing-00002-new', percent: 100 },
      ],
    });
    const text = `policies:\n  - {names: [billing], labels: {team: billing}, resourceTypes: [service], serviceAccount: ${billingSa}}\n`;
    expect(pairs(ruleFindings(b.build(), 'unexpected-identity', text))).toEqual([
      `${rev(PROD, 'billing', 'billing-00001-old')} high`,
    ]);
  });

  describe('label keys are looked up as the workload\'s own labels only', () => {
    // Every object inherits `constructor`, and `__proto__` reaches Object.prototype: a lookup that follows the
    // prototype found a "value" for them on every workload, so this policy matched everything and the disabled
    // rule hid billing's default-identity finding.
    test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('labels: {%s: "*"} matches no workload without that label', (key) => {
      const text = `policies:\n  - name: probe\n    labels: {${JSON.stringify(key)}: "*"}\n    rules: {default-identity: {enabled: false}, shared-identity: {enabled: false}}\n`;
      expect(pairs(ruleFindings(world(), 'default-identity', text))).toEqual([`${svc(PROD, 'billing')} high`]);
      expect(pairs(ruleFindings(world(), 'shared-identity', text))).toEqual([`${svc(PROD, 'reports')} medium`, `${job(PROD, 'nightly', 'us-central1')} medium`]);
    });

    test('a real label called constructor is matched like any other', () => {
      const b = acme();
      b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000', bindings: [bind('roles/editor', sa(compute))] })
        .service('billing', { labels: { constructor: 'legacy' } })
        .service('checkout', { labels: { team: 'web' } });
      const text = 'policies:\n  - labels: {constructor: "leg*"}\n    rules: {default-identity: {enabled: false}}\n';
      expect(pairs(ruleFindings(b.build(), 'default-identity', text))).toEqual([`${svc(PROD, 'checkout')} high`]);
    });
  });
});

describe('revision attachment', () => {
  test('revisions with the service identity add nothing; a differing one is judged on its own identity', () => {
    const oldSa = email(PROD, 'old-sa');
    const b = acme();
    b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000', bindings: [bind('roles/editor', sa(oldSa))] }).service('api', {
      serviceAccount: billingSa,
      revisions: [
        { id: 'api-00001-aaa', serviceAccount: oldSa, percent: 20 },
        { id: 'api-00002-bbb', percent: 30 },
        { id: 'api-00003-ccc', percent: 50 },
      ],
    });
    const ev = run(b.build());
    expect(ev.findings.map((f) => [f.ruleId, f.resource, f.resourceType, f.serviceAccount])).toEqual([
      ['primitive-role', rev(PROD, 'api', 'api-00001-aaa'), 'revision', oldSa],
      ['privilege-escalation', rev(PROD, 'api', 'api-00001-aaa'), 'revision', oldSa],
    ]);
    const [f] = ev.findings;
    expect(f?.message).toBe(
      `revision \`api-00001-aaa\` of service \`api\` (europe-west1, acme-prod) runs as ${oldSa}, which holds roles/editor through a binding on project acme-prod (the service itself now runs as ${billingSa}; this revision serves 20% of traffic)`,
    );
    expect(f?.remediation.commands).toEqual([
      `gcloud projects remove-iam-policy-binding acme-prod --member=serviceAccount:${oldSa} --role=roles/editor`,
      'gcloud run services update-traffic api --to-latest --region=europe-west1 --project=acme-prod',
      'gcloud run revisions delete api-00001-aaa --region=europe-west1 --project=acme-prod',
    ]);
  });
});

describe('grants', () => {
  test('folder and organisation inheritance with conditions, in message, evidence and remediation', () => {
    const cond = { title: 'until-migration', expression: 'request.time < timestamp("2026-01-01T00:00:00Z")' };
    const b = acme({
      orgBindings: [condBind('roles/editor', cond, sa(billingSa))],
      folderBindings: [bind('roles/editor', sa(billingSa))],
    });
    b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000' }).service('billing', { serviceAccount: billingSa });
    const [f, ...rest] = ruleFindings(b.build(), 'primitive-role');
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('high');
    expect(f?.message).toBe(
      `service \`billing\` (europe-west1, acme-prod) runs as ${billingSa}, which holds roles/editor through bindings on folder 2000 (prod) and organization 1000 (acme.example) (conditional: until-migration)`,
    );
    expect(f?.evidence.grants).toEqual([
      { role: 'roles/editor', place: 'folders/2000', placeDisplayName: 'prod' },
      { role: 'roles/editor', place: 'organizations/1000', placeDisplayName: 'acme.example', condition: cond },
    ]);
    expect(f?.remediation.commands).toEqual([
      `gcloud resource-manager folders remove-iam-policy-binding 2000 --member=serviceAccount:${billingSa} --role=roles/editor`,
      `gcloud organizations remove-iam-policy-binding 1000 --member=serviceAccount:${billingSa} --role=roles/editor --condition='expression=request.time < timestamp("2026-01-01T00:00:00Z"),title=until-migration'`,
    ]);
  });

  test('an unconditional grant beside a conditional one of the same role is removed with --condition=None', () => {
    const cond = { title: 'weekdays', expression: 'request.time.getDayOfWeek("UTC") < 5' };
    const b = acme();
    b.project(PROD, {
      number: PROD_NUMBER,
      parent: 'folders/2000',
      bindings: [bind('roles/owner', sa(billingSa)), condBind('roles/owner', cond, 'user:alice@acme.example')],
    }).service('billing', { serviceAccount: billingSa });
    expect(ruleFindings(b.build(), 'primitive-role')[0]?.remediation.commands).toEqual([
      `gcloud projects remove-iam-policy-binding acme-prod --member=serviceAccount:${billingSa} --role=roles/owner --condition=None`,
    ]);
  });

  test('ancestry missing from the project is recovered from parent links', () => {
    const b = acme({ orgBindings: [bind('roles/owner', sa(billingSa))] });
    b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000', ancestry: [] }).service('billing', { serviceAccount: billingSa });
    expect(pairs(ruleFindings(b.build(), 'primitive-role'))).toEqual([`${svc(PROD, 'billing')} critical`]);
  });

  test('a deleted or disabled custom role grants nothing; an unknown role is reported as such', () => {
    const b = acme();
    b.project(PROD, {
      number: PROD_NUMBER,
      parent: 'folders/2000',
      bindings: [
        bind(`projects/${PROD}/roles/gone`, sa(billingSa)),
        bind(`projects/${PROD}/roles/off`, sa(billingSa)),
        bind('roles/iam.serviceAccountTokenCreator', sa(billingSa)),
        bind('roles/run.admin', sa(billingSa)),
      ],
    }).service('billing', { serviceAccount: billingSa });
    b.customRole(`projects/${PROD}/roles/gone`, ['resourcemanager.projects.setIamPolicy'], { deleted: true });
    b.customRole(`projects/${PROD}/roles/off`, ['iam.serviceAccountKeys.create'], { stage: 'DISABLED' });
    const [f, ...rest] = ruleFindings(b.build({ omitRoles: ['roles/iam.serviceAccountTokenCreator'] }), 'privilege-escalation');
    expect(rest).toEqual([]);
    expect(f?.evidence.permissions).toEqual([
      { permission: 'run.jobs.setIamPolicy', role: 'roles/run.admin', place: 'projects/acme-prod' },
      { permission: 'run.services.setIamPolicy', role: 'roles/run.admin', place: 'projects/acme-prod' },
    ]);
    expect(f?.evidence.unknownRoles).toEqual([{ role: 'roles/iam.serviceAccountTokenCreator', place: 'projects/acme-prod' }]);
    expect(f?.evidence.complete).toBe(false);
    expect(f?.message).toBe(
      `service \`billing\` (europe-west1, acme-prod) runs as ${billingSa}, which can escalate privilege with run.jobs.setIamPolicy, run.services.setIamPolicy through roles/run.admin on project acme-prod; 1 granted role (roles/iam.serviceAccountTokenCreator) could not be expanded, so there may be more`,
    );
  });

  test('a deleted or disabled identity is named as such', () => {
    const b = acme();
    b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000', bindings: [bind('roles/owner', sa(billingSa))] })
      .service('billing', { serviceAccount: billingSa })
      .job('nightly', { serviceAccount: email(PROD, 'off-sa') });
    b.account(billingSa, { state: 'deleted', keys: null, bindings: null });
    b.account(email(PROD, 'off-sa'), { state: 'disabled', keys: [] });
    const ev = run(b.build(), 'rules: {cross-project-identity: {enabled: false}}');
    expect(ev.findings.find((f) => f.ruleId === 'primitive-role')?.message).toBe(
      `service \`billing\` (europe-west1, acme-prod) runs as ${billingSa} (deleted), which holds roles/owner through a binding on project acme-prod`,
    );
    expect(ev.findings.find((f) => f.ruleId === 'primitive-role')?.evidence.identityState).toBe('deleted');
  });

  test('an incomplete project is still judged on what was read', () => {
    const b = acme();
    b.project(PROD, { number: PROD_NUMBER, parent: 'folders/2000', complete: false, bindings: null }).job('nightly');
    expect(run(b.build()).findings.map((f) => [f.ruleId, f.resource])).toEqual([['default-identity', job(PROD, 'nightly')]]);
  });
});

describe('determinism', () => {
  function reversedDeep(inv: Inventory): Inventory {
    const copy = structuredClone(inv);
    const flip = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.reverse();
        v.forEach(flip);
      } else if (v && typeof v === 'object') {
        for (const x of Object.values(v)) flip(x);
      }
    };
    flip(copy);
    return copy;
  }

  function busy(): Inventory {
    const cond = { title: 't', expression: 'true' };
    const b = acme({ folderBindings: [bind('roles/editor', sa(billingSa)), condBind('roles/iam.serviceAccountUser', cond, 'group:ops@acme.example')] });
    b.project(PROD, {
      number: PROD_NUMBER,
      parent: 'folders/2000',
      bindings: [bind('roles/owner', sa(compute), sa(billingSa)), bind('roles/run.admin', sa(billingSa), 'user:a@acme.example')],
    })
      .service('billing', { bindings: [bind('roles/run.invoker', 'allUsers', 'allAuthenticatedUsers')] })
      .service('reports', {
        serviceAccount: billingSa,
        revisions: [
          { id: 'reports-00001-a', serviceAccount: compute, percent: 10, tags: ['x', 'y'] },
          { id: 'reports-00002-b', percent: 90 },
        ],
      })
      .job('nightly', { serviceAccount: billingSa });
    b.account(billingSa, { bindings: [bind('roles/iam.serviceAccountTokenCreator', 'user:b@acme.example', 'user:c@acme.example')] });
    return b.build();
  }

  test('the same inventory gives the same findings and ids; reordered arrays change nothing', () => {
    const inv = busy();
    const a = evaluate(inv, defaultRules(), { now: NOW });
    const b = evaluate(structuredClone(inv), defaultRules(), { now: NOW });
    const c = evaluate(reversedDeep(inv), defaultRules(), { now: NOW });
    expect(a.findings.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(new Set(a.findings.map((f) => f.id)).size).toBe(a.findings.length);
  });

  test('ids do not depend on wording, severity or suppression', () => {
    const inv = busy();
    const plain = evaluate(inv, defaultRules(), { now: NOW });
    const tuned = evaluate(
      inv,
      parseRules('rules: {primitive-role: {severity: low}}\nsuppressions: [{rule: primitive-role, resource: "**", reason: r, expires: 2030-01-01}]\n', 'r.yaml'),
      { now: NOW },
    );
    expect(tuned.findings.map((f) => f.id).sort()).toEqual(plain.findings.map((f) => f.id).sort());
  });

  test('findings are sorted by severity, rule, resource, id', () => {
    const fs = evaluate(busy(), defaultRules(), { now: NOW }).findings;
    const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
    const keys = fs.map((f) => `${rank[f.severity]} ${f.ruleId} ${f.resource} ${f.id}`);
    expect(keys).toEqual([...keys].sort());
  });
});

describe('rule failures', () => {
  afterEach(() => vi.restoreAllMocks());

  test('a check that throws becomes an error entry, never a silent pass', () => {
    vi.spyOn(defaultIdentityRule, 'check').mockImplementation((w) => {
      if (w.name === 'billing') throw new Error('boom');
      return [];
    });
    const ev = run(world());
    expect(ev.errors).toEqual([
      {
        project: PROD,
        api: 'cloudrun-auditor',
        status: 'RULE_ERROR',
        message: `rule default-identity failed on ${svc(PROD, 'billing')}: boom`,
      },
    ]);
    // Other rules still ran on the same workload.
    expect(ev.findings.some((f) => f.ruleId === 'primitive-role' && f.resource === svc(PROD, 'billing'))).toBe(true);
  });
});
