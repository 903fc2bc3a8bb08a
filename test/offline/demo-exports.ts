import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexPolicies, indexResources, jobV1, revisionV1, serviceV1 } from '../../src/emulator/asset-shapes.js';
import { projectV1 } from '../../src/emulator/crm-shapes.js';
import { accountJson, keyJson } from '../../src/emulator/iam-shapes.js';
import { renderPolicy } from '../../src/emulator/policy.js';
import { jobJson, revisionJson, revisionsOf, serviceJson, serviceName } from '../../src/emulator/run-shapes.js';
import type { Scenario, ScenarioPolicy, ScenarioProject } from '../../src/emulator/scenario.js';
import { accountEmail, World } from '../../src/emulator/world.js';

/**
 * The demo organisation as the files teams export: what `gcloud … --format=json` prints, Run v2 REST JSON, and
 * Cloud Asset Inventory exports and searches. Built from the emulator's own Google shapes, so they are the same
 * objects the live path reads. Only the projects the live scan can read are exported, so both see the same things.
 */

export const READABLE = ['acme-data-prod', 'acme-payments-prod', 'acme-web-prod', 'acme-web-staging'];

type Json = Record<string, unknown>;

/** CAI writes integers as floats; the exports here do too, so the reader is held to it. */
function caiText(v: unknown): string {
  return JSON.stringify(v).replace(/"(percent|generation|observedGeneration|containerConcurrency|timeoutSeconds|version)":(\d+)(?=[,}])/g, '"$1":$2.0');
}

export interface DemoExports {
  dir: string;
  /** `--input` arguments for each way of exporting, every one complete for the readable projects. */
  gcloud: string[];
  v2: string[];
  caiExport: string[];
  caiSearch: string[];
  /** Role describes and hierarchy policies, shared by the gcloud and v2 sets. */
  roles: string[];
}

export async function writeDemoExports(scenario: Scenario, dir: string, emulatorUrl: string): Promise<DemoExports> {
  mkdirSync(dir, { recursive: true });
  const world = new World(scenario);
  const put = (name: string, value: unknown, text?: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text ?? JSON.stringify(value, null, 2) + '\n');
    return file;
  };
  const projects = scenario.projects.filter((p) => READABLE.includes(p.projectId));
  const policyFile = (name: string, target: string, policy: ScenarioPolicy | undefined, resource: string): string =>
    `iam=${target}:${put(name, renderPolicy(policy, 3, resource))}`;

  // Shared: hierarchy policies, every service account (runtime identities may live in any project), role definitions.
  const shared: string[] = [];
  const org = scenario.organization;
  shared.push(policyFile('org.policy.json', `organizations/${org.id}`, org.iamPolicy, `organizations/${org.id}`));
  for (const f of scenario.folders ?? []) shared.push(policyFile(`folder-${f.id}.policy.json`, `folders/${f.id}`, f.iamPolicy, `folders/${f.id}`));
  const accounts: string[] = [];
  for (const p of scenario.projects) {
    for (const account of p.serviceAccounts ?? []) {
      if (account.deleted) continue;
      const ref = { account, project: p, email: accountEmail(account, p) };
      accounts.push(put(`sa-${ref.email}.json`, accountJson(ref)));
      accounts.push(put(`sa-${ref.email}.keys.json`, (account.keys ?? []).map((k) => keyJson(ref, k))));
      accounts.push(policyFile(`sa-${ref.email}.policy.json`, ref.email, account.iamPolicy, `projects/${p.projectId}/serviceAccounts/${ref.email}`));
    }
  }
  const roleNames = new Set<string>();
  const grantRoles = (pol: ScenarioPolicy | undefined): void => pol?.bindings.forEach((b) => roleNames.add(b.role));
  grantRoles(org.iamPolicy);
  (scenario.folders ?? []).forEach((f) => grantRoles(f.iamPolicy));
  scenario.projects.forEach((p) => {
    grantRoles(p.iamPolicy);
    (p.serviceAccounts ?? []).forEach((a) => grantRoles(a.iamPolicy));
  });
  const roles: string[] = [];
  for (const name of [...roleNames].sort()) {
    // `gcloud iam roles describe` prints exactly what IAM roles.get returns.
    const res = await fetch(`${emulatorUrl}/v1/${name}`);
    if (res.status === 200) roles.push(put(`role-${name.replace(/\//g, '_')}.json`, await res.json()));
  }

  const perProject = (p: ScenarioProject): string[] => {
    const chain = world.ancestry(p.parent);
    const out = [
      put(`${p.projectId}.project.json`, projectV1(p)),
      put(`${p.projectId}.ancestors.json`, [{ id: p.projectId, type: 'project' }, ...chain.map((a) => ({ id: a.split('/')[1], type: a.startsWith('folders/') ? 'folder' : 'organization' }))]),
      policyFile(`${p.projectId}.policy.json`, p.projectId, p.iamPolicy, `projects/${p.number}`),
    ];
    for (const svc of p.services ?? []) {
      out.push(policyFile(`${p.projectId}.${svc.region}.${svc.name}.policy.json`, serviceName(p, svc), svc.iamPolicy, serviceName(p, svc)));
    }
    return out;
  };

  // Every other project's description, ancestry and policy too: a runtime identity's home says who may act as it.
  for (const p of scenario.projects.filter((x) => !READABLE.includes(x.projectId))) shared.push(...perProject(p).slice(0, 3));

  const gcloud: string[] = [...shared, ...accounts, ...roles];
  const v2: string[] = [...shared, ...accounts, ...roles];
  for (const p of projects) {
    const services = (p.services ?? []).map((svc) => serviceJson(scenario, p, svc));
    const revisions = (p.services ?? []).flatMap((svc) =>
      revisionsOf(svc).flatMap((r): Json[] => {
        const j = revisionJson(p, svc, r.id);
        return j ? [j] : [];
      }),
    );
    const jobs = (p.jobs ?? []).map((j) => jobJson(scenario, p, j));
    const common = perProject(p);
    gcloud.push(
      ...common,
      put(`${p.projectId}.services.json`, services.map((s) => serviceV1(p, s))),
      put(`${p.projectId}.revisions.json`, revisions.map((r) => revisionV1(p, r))),
      put(`${p.projectId}.jobs.json`, jobs.map((j) => jobV1(p, j))),
    );
    v2.push(
      ...common,
      put(`${p.projectId}.v2-services.json`, { services }),
      put(`${p.projectId}.v2-revisions.json`, { revisions }),
      put(`${p.projectId}.v2-jobs.json`, { jobs }),
    );
  }

  // Asset Inventory: what it indexes for the readable projects, plus every account, and the hierarchy's policies.
  const keep = (within: string[], assetType: unknown): boolean =>
    String(assetType).startsWith('iam.googleapis.com/') || within.some((w) => projects.some((p) => w === `projects/${p.projectId}`)) || within.every((w) => !w.startsWith('projects/'));
  const resources = indexResources(world).filter((r) => keep(r.within, r.result['assetType']));
  // An organisation-wide policy export holds every project's policies, as the live scan reads them all.
  const policies = indexPolicies(world);
  const ancestorsOf = (r: Json): string[] => [...(r['project'] ? [String(r['project'])] : []), ...((r['folders'] as string[] | undefined) ?? []), String(r['organization'] ?? '')].filter(Boolean);
  const projectAssets = scenario.projects.map((p) => ({
    name: `//cloudresourcemanager.googleapis.com/projects/${p.number}`,
    asset_type: 'cloudresourcemanager.googleapis.com/Project',
    resource: {
      version: 'v1',
      discovery_document_uri: 'https://cloudresourcemanager.googleapis.com/$discovery/rest',
      discovery_name: 'Project',
      parent: `//cloudresourcemanager.googleapis.com/${p.parent}`,
      data: projectV1(p),
    },
    ancestors: [`projects/${p.number}`, ...world.ancestry(p.parent)],
    update_time: '2026-09-01T00:00:00.000000Z',
  }));
  const exportLines = [
    ...projectAssets,
    ...resources.map(({ result: r }) => {
      const v = (r['versionedResources'] as { version: string; resource: Json }[])[0];
      return {
        name: r['name'],
        asset_type: r['assetType'],
        resource: {
          version: v?.version ?? 'v1',
          discovery_document_uri: `https://${String(r['assetType']).split('/')[0]}/$discovery/rest?version=v1`,
          discovery_name: String(r['assetType']).split('/')[1],
          parent: r['parentFullResourceName'],
          data: v?.resource,
          location: r['location'],
        },
        ancestors: ancestorsOf(r),
        update_time: r['updateTime'] ?? '2026-09-01T00:00:00.000000Z',
      };
    }),
  ];
  const policyLines = policies.map(({ result: r }) => ({
    name: r['resource'],
    asset_type: r['assetType'],
    iam_policy: { version: 1, etag: 'BwXhqDmtZeo=', ...(r['policy'] as Json) },
    ancestors: ancestorsOf(r),
    update_time: '2026-09-01T00:00:00.000000Z',
  }));
  const caiExport = [
    put('cai-resources.ndjson', null, exportLines.map(caiText).join('\n') + '\n'),
    put('cai-iam-policies.ndjson', null, policyLines.map(caiText).join('\n') + '\n'),
    ...roles,
  ];
  const caiSearch = [
    put('cai-search-resources.json', null, '[\n' + [...projectAssets.map((a) => ({ name: a.name, assetType: a.asset_type, project: a.ancestors[0], folders: a.ancestors.filter((x) => x.startsWith('folders/')), organization: a.ancestors[a.ancestors.length - 1], versionedResources: [{ version: 'v1', resource: a.resource.data }] })), ...resources.map((r) => r.result)].map(caiText).join(',\n') + '\n]\n'),
    put('cai-search-iam-policies.json', policies.map((r) => r.result)),
    ...roles,
  ];
  return { dir, gcloud, v2, caiExport, caiSearch, roles };
}
