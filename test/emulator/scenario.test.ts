import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { UserError } from '../../src/errors.js';
import { DEMO_SCENARIO_PATH, loadScenario, parseScenario, SCENARIO_SCHEMA } from '../../src/emulator/load.js';
import { ROUTE_PERMISSIONS } from '../../src/emulator/routes.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { serveScenario } from '../../src/emulator/serve.js';

/** Every optional field made required, recursively: a literal of this type must set every field the types have. */
type DeepRequired<T> = T extends (infer U)[] ? DeepRequired<U>[] : T extends object ? { [K in keyof T]-?: DeepRequired<T[K]> } : T;

const POLICY = { bindings: [{ role: 'roles/run.invoker', members: ['group:a@x.example'], condition: { title: 't', expression: 'true', description: 'd' } }] };

/** Sets every field scenario.ts declares; the compiler rejects it if scenario.ts gains or loses one. */
const FULL: DeepRequired<Scenario> = {
  description: 'every field',
  organization: {
    id: '100000000001',
    displayName: 'x.example',
    directoryCustomerId: 'C0abc',
    iamPolicy: POLICY,
    customRoles: [{ roleId: 'organizations/100000000001/roles/role1', title: 'R1', description: 'r', stage: 'BETA', deleted: false, includedPermissions: ['run.services.get'] }],
  },
  folders: [{ id: '200000000001', displayName: 'f', parent: 'organizations/100000000001', iamPolicy: POLICY }],
  projects: [
    {
      projectId: 'full-project',
      number: '300000000001',
      displayName: 'Full',
      parent: 'folders/200000000001',
      state: 'ACTIVE',
      labels: { a: 'b' },
      iamPolicy: POLICY,
      disabledApis: ['iam.googleapis.com'],
      deniedPermissions: ['run.*'],
      locations: ['us-central1'],
      unreachable: { regions: ['europe-west9'], regionalStatus: 503 },
      customRoles: [{ roleId: 'projects/full-project/roles/role2', title: 'R2', description: 'r', stage: 'ALPHA', deleted: true, includedPermissions: ['run.jobs.get'] }],
      serviceAccounts: [
        {
          accountId: 'sa-one',
          email: 'sa-one@full-project.iam.gserviceaccount.com',
          displayName: 'SA',
          description: 'd',
          disabled: false,
          deleted: false,
          uniqueId: '100000000000000000001',
          iamPolicy: POLICY,
          keys: [{ keyId: 'abcdef0123456789', keyType: 'USER_MANAGED', keyOrigin: 'USER_PROVIDED', disabled: true, validAfterTime: '2025-01-01T00:00:00Z', validBeforeTime: '2026-01-01T00:00:00Z' }],
        },
      ],
      services: [
        {
          name: 'svc',
          region: 'us-central1',
          serviceAccount: 'sa-one@full-project.iam.gserviceaccount.com',
          description: 'd',
          creator: 'me@x.example',
          labels: { a: 'b' },
          annotations: { c: 'd' },
          ingress: 'INGRESS_TRAFFIC_ALL',
          invokerIamDisabled: false,
          revisions: [{ id: 'svc-00001-abc', serviceAccount: 'sa-one@full-project.iam.gserviceaccount.com', createTime: '2025-01-01T00:00:00.123456Z', labels: { a: 'b' }, annotations: { c: 'd' } }],
          traffic: [{ revision: 'svc-00001-abc', latest: false, percent: 100, tag: 'blue' }],
          iamPolicy: POLICY,
          env: [{ name: 'A', value: 'b', secret: 's' }],
        },
      ],
      jobs: [{ name: 'job', region: 'us-central1', serviceAccount: 'sa-one@full-project.iam.gserviceaccount.com', creator: 'me@x.example', labels: { a: 'b' }, annotations: { c: 'd' }, iamPolicy: POLICY }],
      buckets: [{ name: 'full-reports', deniedPermissions: ['storage.objects.delete'] }],
    },
  ],
  recommender: {
    usage: [{ resource: 'projects/full-project', member: 'serviceAccount:sa-one@full-project.iam.gserviceaccount.com', role: 'roles/editor', exercised: ['run.services.get'], inferred: ['run.services.list'], replacementRoles: ['roles/run.viewer'] }],
    runIdentity: [{ service: 'projects/full-project/locations/us-central1/services/svc', description: 'use a dedicated identity' }],
  },
  unreachable: { regions: ['asia-south2'], regionalStatus: 504 },
  quotas: { consumer: '300000000009', windowSeconds: 60, run: { readsPerMinutePerRegion: 40 }, crm: { readsPerMinute: 600 }, iam: { readsPerMinute: 6000 } },
};

type Schema = { properties?: Record<string, Schema>; items?: Schema; $ref?: string; definitions?: Record<string, Schema>; additionalProperties?: unknown };

function resolve(s: Schema): Schema {
  if (!s.$ref) return s;
  const name = s.$ref.replace('#/definitions/', '');
  const d = (SCENARIO_SCHEMA as Schema).definitions?.[name];
  if (!d) throw new Error(`dangling ${s.$ref}`);
  return resolve(d);
}

/** Every property path the schema declares, with arrays as []. */
function schemaPaths(s: Schema, prefix: string, out: Set<string>): Set<string> {
  const r = resolve(s);
  if (r.items) schemaPaths(r.items, `${prefix}[]`, out);
  for (const [k, v] of Object.entries(r.properties ?? {})) {
    out.add(`${prefix}.${k}`);
    schemaPaths(v, `${prefix}.${k}`, out);
  }
  return out;
}

function valuePaths(v: unknown, prefix: string, out: Set<string>): Set<string> {
  if (Array.isArray(v)) for (const x of v) valuePaths(x, `${prefix}[]`, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(`${prefix}.${k}`);
      if (!/\.(labels|annotations)$/.test(`${prefix}.${k}`)) valuePaths(x, `${prefix}.${k}`, out);
    }
  }
  return out;
}

function problems(text: string): string[] {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    expect(e.code).toBe('SCENARIO');
    return [e.message, ...e.details];
  }
  throw new Error('expected the scenario to be rejected');
}

const BASE = `organization: { id: "100000000001", displayName: x.example }
folders:
  - { id: "200000000001", displayName: prod, parent: organizations/100000000001 }
projects:
  - projectId: alpha-project
    number: "300000000001"
    parent: folders/200000000001
`;

describe('scenario schema and types agree', () => {
  it('accepts a scenario setting every typed field, and declares no field the types lack', () => {
    expect(parseScenario(JSON.stringify(FULL), 'full.json')).toEqual(FULL);
    const fromSchema = schemaPaths(SCENARIO_SCHEMA as Schema, '', new Set());
    const fromTypes = valuePaths(FULL, '', new Set());
    expect([...fromSchema].filter((p) => !fromTypes.has(p))).toEqual([]);
    expect([...fromTypes].filter((p) => !fromSchema.has(p))).toEqual([]);
  });

  it('loads the demo as a Scenario', () => {
    expect(existsSync(DEMO_SCENARIO_PATH)).toBe(true);
    const demo: Scenario = loadScenario(DEMO_SCENARIO_PATH);
    expect(demo.organization.displayName).toBe('acme.example');
    expect(demo.projects.map((p) => [p.projectId, p.number])).toEqual([
      ['acme-web-prod', '415104041262'],
      ['acme-payments-prod', '862210473391'],
      ['acme-data-prod', '207384615950'],
      ['acme-shared-svcs', '593018274466'],
      ['acme-web-staging', '738162940517'],
      ['acme-legacy-billing', '954120387746'],
    ]);
    expect(demo.folders?.map((f) => [f.displayName, f.parent])).toEqual([
      ['prod', 'organizations/482915736104'],
      ['non-prod', 'organizations/482915736104'],
      ['staging', 'folders/284619375502'],
    ]);
    const regions = new Set(demo.projects.flatMap((p) => [...(p.services ?? []), ...(p.jobs ?? [])].map((w) => w.region)));
    expect([...regions].sort()).toEqual(['europe-west1', 'us-central1']);
    expect(demo.projects.find((p) => p.disabledApis)?.projectId).toBe('acme-shared-svcs');
    expect(demo.projects.find((p) => p.deniedPermissions)?.deniedPermissions).toEqual(['run.*']);
  });
});

describe('bad scenarios are refused with file:line:col', () => {
  it('names an unknown property at its key', () => {
    expect(problems(BASE + '    services:\n      - { name: web, region: us-central1, serviceAcount: a@b.example }\n')).toEqual([
      'bad.yaml:9:43: projects[0].services[0]: unknown property "serviceAcount"',
    ]);
  });

  it('reports a missing required field and a bad enum', () => {
    expect(problems(BASE + '    services:\n      - { region: us-central1, ingress: EVERYONE }\n')).toEqual([
      'bad.yaml:9:9: projects[0].services[0]: missing required property "name"',
      'bad.yaml:9:41: projects[0].services[0].ingress: must be one of INGRESS_TRAFFIC_ALL, INGRESS_TRAFFIC_INTERNAL_ONLY, INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
    ]);
  });

  it('refuses an unknown parent folder and duplicate project ids and numbers', () => {
    const text = BASE + '  - { projectId: alpha-project, number: "300000000001", parent: folders/999 }\n';
    expect(problems(text)).toEqual([
      'bad.yaml:8:18: projects[1].projectId: duplicate project id alpha-project',
      'bad.yaml:8:41: projects[1].number: duplicate project number 300000000001',
      'bad.yaml:8:65: projects[1].parent: unknown parent folders/999',
    ]);
  });

  it('refuses traffic to an unknown revision and percents that do not sum to 100', () => {
    const text =
      BASE +
      '    services:\n      - name: web\n        region: us-central1\n        revisions: [{ id: web-00001-abc }]\n        traffic:\n          - { revision: web-00009-zzz, percent: 50 }\n          - { latest: true, percent: 40 }\n';
    expect(problems(text)).toEqual([
      'bad.yaml:13:11: projects[0].services[0].traffic: traffic percents sum to 90, not 100',
      'bad.yaml:13:25: projects[0].services[0].traffic[0].revision: traffic to unknown revision web-00009-zzz',
    ]);
  });

  it('quotes the offending value when a pattern does not match', () => {
    expect(problems(BASE + '    services:\n      - { name: web, region: Central }\n')).toEqual([
      'bad.yaml:9:30: projects[0].services[0].region: "Central" is not a valid value here (must match ^[a-z]+(-[a-z]+)+[0-9]+$)',
    ]);
  });

  it('refuses roles the emulator cannot serve', () => {
    const text = BASE + '    iamPolicy:\n      bindings:\n        - { role: roles/run.superuser, members: ["user:a@x.example"] }\n';
    expect(problems(text)).toEqual([
      'bad.yaml:10:19: projects[0].iamPolicy.bindings[0].role: unknown role roles/run.superuser (neither a predefined role the emulator knows nor a custom role of this scenario)',
    ]);
  });

  it('reports YAML syntax errors and unreadable files', () => {
    expect(problems('organization: { id: "1"\n')[0]).toMatch(/^bad\.yaml:\d+:\d+: /);
    expect(() => loadScenario('/nonexistent/scenario.yaml')).toThrow('/nonexistent/scenario.yaml: cannot read scenario (ENOENT)');
  });
});

describe('serveScenario and the permission table', () => {
  it('serves a scenario file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, stringify({ organization: { id: '100000000001', displayName: 'x.example' }, projects: [{ projectId: 'alpha-project', number: '300000000001', parent: 'organizations/100000000001' }] }));
    const emu = await serveScenario(file, { port: 0, latencyMs: 1, maxPageSize: 1 });
    try {
      const r = await fetch(`${emu.url}/v1/projects/alpha-project`);
      expect(((await r.json()) as { projectNumber: string }).projectNumber).toBe('300000000001');
    } finally {
      await emu.close();
    }
  });

  it('names a permission for every route that checks one', () => {
    const byId = Object.fromEntries(ROUTE_PERMISSIONS.map((r) => [r.id, r.permission]));
    expect(byId).toMatchObject({
      'run.services.list': 'run.services.list',
      'run.revisions.list': 'run.revisions.list',
      'run.jobs.list': 'run.jobs.list',
      'run.locations.list': 'run.locations.list',
      'crm.projects.getIamPolicy': 'resourcemanager.projects.getIamPolicy',
      'crm.v1.projects.getAncestry': 'resourcemanager.projects.get',
      'iam.serviceAccountKeys.list': 'iam.serviceAccountKeys.list',
      'iam.roles.get': null,
    });
    expect(new Set(ROUTE_PERMISSIONS.map((r) => `${r.method} ${r.path}`)).size).toBe(ROUTE_PERMISSIONS.length);
  });
});
