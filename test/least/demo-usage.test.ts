import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditInventory } from '../../src/audit/pipeline.js';
import { loadScenario, DEMO_SCENARIO_PATH } from '../../src/emulator/load.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { planLeastPrivilege } from '../../src/least/recommend.js';
import { bundledPredefinedRoles } from '../../src/least/role-cache.js';
import type { Finding, Report } from '../../src/model/finding.js';
import type { Inventory } from '../../src/model/inventory.js';
import { usedPermissions } from '../../src/model/usage.js';
import { InventoryIndex } from '../../src/rules/inventory-index.js';
import { defaultRules } from '../../src/rules/load.js';
import { collect, ORG_SCOPE } from '../collect/helpers.js';
import { applyPlan } from './apply.js';

const NOW = new Date('2026-11-29T12:00:00Z');

function audit(inv: Inventory): Report {
  return auditInventory(inv, defaultRules(), { startedAt: NOW.toISOString(), now: NOW });
}

function byRule(r: Report, rule: string): Finding[] {
  return r.findings.filter((f) => f.ruleId === rule);
}

async function auditScenario(scenario: Scenario, usage: boolean): Promise<{ inv: Inventory; report: Report; emu: RunningEmulator }> {
  const emu = await startEmulator({ scenario });
  try {
    const inv = await collect(emu.url, ORG_SCOPE, usage ? { usageInsights: { cap: 100 } } : {});
    return { inv, report: audit(inv), emu };
  } finally {
    await emu.close();
  }
}

const demo = loadScenario(DEMO_SCENARIO_PATH);
let first: Awaited<ReturnType<typeof auditScenario>>;

beforeAll(async () => {
  first = await auditScenario(demo, true);
});

describe('usage evidence on the demo organisation', () => {
  test('every identity holding a primitive role has the permissions it used, from emulator-served insights', () => {
    const holders = [...new Set(byRule(first.report, 'primitive-role').map((f) => f.serviceAccount))].sort();
    expect(holders).toEqual([
      '207384615950-compute@developer.gserviceaccount.com',
      '415104041262-compute@developer.gserviceaccount.com',
      'payments-runtime@acme-payments-prod.iam.gserviceaccount.com',
      'reporting-sa@acme-data-prod.iam.gserviceaccount.com',
    ]);
    const used = Object.fromEntries(
      (first.inv.usage?.insights ?? []).map((u) => [`${u.member} ${u.role} ${u.place}`, [usedPermissions(u), u.totalPermissions, u.recommendation?.subtype ?? null]]),
    );
    expect(used).toEqual({
      'serviceAccount:207384615950-compute@developer.gserviceaccount.com roles/editor projects/acme-data-prod': [
        ['datastore.entities.delete', 'datastore.entities.list', 'logging.logEntries.create'],
        938,
        null,
      ],
      'serviceAccount:reporting-sa@acme-data-prod.iam.gserviceaccount.com roles/owner projects/acme-data-prod': [[], 1175, 'REMOVE_ROLE'],
      'serviceAccount:payments-runtime@acme-payments-prod.iam.gserviceaccount.com roles/editor folders/731045829163': [
        ['cloudsql.instances.connect', 'cloudsql.instances.get', 'cloudtrace.traces.patch', 'logging.logEntries.create', 'monitoring.timeSeries.create', 'pubsub.topics.publish'],
        938,
        'REPLACE_ROLE',
      ],
      'serviceAccount:415104041262-compute@developer.gserviceaccount.com roles/editor projects/acme-web-prod': [
        ['cloudtrace.traces.patch', 'logging.logEntries.create', 'monitoring.timeSeries.create'],
        938,
        'REPLACE_ROLE',
      ],
    });
    expect(first.inv.usage?.runRecommendations.map((r) => r.service)).toEqual(['projects/acme-web-prod/locations/us-central1/services/storefront']);
    expect(first.inv.usage?.notes).toEqual([]);
    expect(first.report.notes).toBeUndefined();
  });

  test('unused-permissions reports each primitive grant with what was used, the replacement and its commands', () => {
    const f = byRule(first.report, 'unused-permissions');
    expect(f.map((x) => [x.resource, x.severity])).toEqual([
      ['projects/acme-data-prod/locations/us-central1/jobs/cleanup', 'medium'],
      ['projects/acme-data-prod/locations/us-central1/services/reporting', 'medium'],
      ['projects/acme-payments-prod/locations/us-central1/services/payments-api', 'medium'],
      ['projects/acme-web-prod/locations/europe-west1/services/checkout/revisions/checkout-00011-kel', 'medium'],
      ['projects/acme-web-prod/locations/us-central1/services/storefront', 'medium'],
    ]);
    const payments = f.find((x) => x.resource.endsWith('/payments-api'));
    expect(payments?.message).toBe(
      'service `payments-api` (us-central1, acme-payments-prod) runs as payments-runtime@acme-payments-prod.iam.gserviceaccount.com, which used 6 of 938 permissions of roles/editor (granted on folder 731045829163 (prod)) in 90 days; replace it with roles/cloudtrace.agent, roles/logging.logWriter, roles/monitoring.metricWriter, roles/pubsub.publisher. The IAM Recommender proposes REPLACE_ROLE (roles/cloudsql.client, roles/cloudtrace.agent, roles/logging.logWriter, roles/monitoring.metricWriter, roles/pubsub.publisher).',
    );
    expect(payments?.evidence['alreadyGranted']).toEqual(['cloudsql.instances.connect', 'cloudsql.instances.get']);
    expect(payments?.remediation.commands).toEqual([
      'gcloud projects add-iam-policy-binding acme-payments-prod --member=serviceAccount:payments-runtime@acme-payments-prod.iam.gserviceaccount.com --role=roles/cloudtrace.agent --condition=None',
      'gcloud projects add-iam-policy-binding acme-payments-prod --member=serviceAccount:payments-runtime@acme-payments-prod.iam.gserviceaccount.com --role=roles/logging.logWriter --condition=None',
      'gcloud projects add-iam-policy-binding acme-payments-prod --member=serviceAccount:payments-runtime@acme-payments-prod.iam.gserviceaccount.com --role=roles/monitoring.metricWriter --condition=None',
      'gcloud projects add-iam-policy-binding acme-payments-prod --member=serviceAccount:payments-runtime@acme-payments-prod.iam.gserviceaccount.com --role=roles/pubsub.publisher --condition=None',
      'gcloud resource-manager folders remove-iam-policy-binding 731045829163 --member=serviceAccount:payments-runtime@acme-payments-prod.iam.gserviceaccount.com --role=roles/editor',
    ]);
    const cleanup = f.find((x) => x.resource.endsWith('/cleanup'));
    expect(cleanup?.evidence['customRole']).toEqual({
      project: 'acme-data-prod',
      roleId: 'leastPrivilege_207384615950Compute',
      name: 'projects/acme-data-prod/roles/leastPrivilege_207384615950Compute',
      title: 'Least privilege for 207384615950-compute',
      permissions: ['datastore.entities.delete', 'datastore.entities.list', 'logging.logEntries.create'],
    });
    expect(f.find((x) => x.resource.endsWith('/storefront'))?.evidence['cloudRunRecommendations']).toHaveLength(1);
  });

  test('the Recommender reads are batched per place: exact requests', () => {
    const rec = first.emu.requests.filter((r) => r.api === 'recommender.googleapis.com').map((r) => `${r.path}?${r.query}`);
    const insights = 'locations/global/insightTypes/google.iam.policy.Insight/insights?pageSize=100&filter=stateInfo.state%20%3D%20ACTIVE';
    const recs = 'locations/global/recommenders/google.iam.policy.Recommender/recommendations?pageSize=100&filter=stateInfo.state%20%3D%20ACTIVE';
    expect(rec).toEqual([
      `/v1/projects/acme-data-prod/${insights}`,
      `/v1/projects/acme-data-prod/${recs}`,
      `/v1/projects/acme-payments-prod/${insights}`,
      `/v1/projects/acme-shared-svcs/${insights}`,
      `/v1/projects/acme-web-prod/${insights}`,
      `/v1/projects/acme-web-prod/${recs}`,
      `/v1/projects/acme-web-staging/${insights}`,
      `/v1/folders/731045829163/${insights}`,
      `/v1/folders/731045829163/${recs}`,
      ...[
        'acme-data-prod/locations/us-central1',
        'acme-payments-prod/locations/europe-west1',
        'acme-payments-prod/locations/us-central1',
        'acme-web-prod/locations/europe-west1',
        'acme-web-prod/locations/us-central1',
        'acme-web-staging/locations/us-central1',
      ].map((p) => `/v1/projects/${p}/recommenders/google.run.service.IdentityRecommender/recommendations?pageSize=100&filter=stateInfo.state%20%3D%20ACTIVE`),
    ]);
    expect(first.inv.usage?.reads).toBe(rec.length);
  });
});

describe('done when: applying the recommendations and re-auditing', () => {
  let after: Awaited<ReturnType<typeof auditScenario>>;
  beforeAll(async () => {
    const index = new InventoryIndex(first.inv);
    const catalog = bundledPredefinedRoles();
    let scenario = demo;
    const seen = new Set<string>();
    for (const f of byRule(first.report, 'primitive-role')) {
      if (seen.has(f.serviceAccount)) continue;
      seen.add(f.serviceAccount);
      const w = index.workloads.find((x) => x.resource === f.resource);
      if (!w) throw new Error(`no workload ${f.resource}`);
      const plan = planLeastPrivilege(w, index, catalog);
      expect(plan.withoutEvidence).toEqual([]);
      scenario = applyPlan(scenario, plan);
    }
    after = await auditScenario(scenario, true);
  });

  test('leaves no primitive-role and no unused-permissions finding', () => {
    expect(byRule(after.report, 'primitive-role')).toEqual([]);
    expect(byRule(after.report, 'unused-permissions')).toEqual([]);
  });

  test('the workloads keep every permission they used', () => {
    const index = new InventoryIndex(after.inv);
    for (const u of first.inv.usage?.insights ?? []) {
      const email = u.member.replace(/^serviceAccount:/, '');
      const w = index.workloads.find((x) => x.identity === email);
      if (!w) throw new Error(`no workload runs as ${email}`);
      const held = new Set(index.grantsOfAccount(email).flatMap((g) => [...index.permissionsOf(g.role).permissions]));
      expect(usedPermissions(u).filter((p) => !held.has(p)), email).toEqual([]);
    }
  });
});

afterAll(async () => {
  await Promise.all([first?.emu.close()]);
});
