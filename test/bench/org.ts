import type { Scenario, ScenarioProject } from '../../src/emulator/scenario.js';

export interface OrgShape {
  projects: number;
  folders: number;
  /** Regions with services (and jobs). */
  regions: readonly string[];
  /** Regions each project's locations list offers (undefined: the emulator's default, every Cloud Run region). */
  listedRegions?: readonly string[];
  servicesPerRegion: number;
  revisionsPerService: number;
  jobsPerProject: number;
}

export const ORG_ID = '900000000001';

/**
 * A generated organisation: one folder level, every project alike. Each project runs its workloads as one
 * dedicated identity of its own, whose project grants it two roles, so identities and roles are read as in life.
 */
export function generateOrg(shape: OrgShape): Scenario {
  const folders = Array.from({ length: shape.folders }, (_, f) => ({
    id: String(700000000000 + f),
    displayName: `team-${f}`,
    parent: `organizations/${ORG_ID}`,
    iamPolicy: { bindings: [{ role: 'roles/viewer', members: [`group:team-${f}@bench.example`] }] },
  }));
  const projects: ScenarioProject[] = Array.from({ length: shape.projects }, (_, p) => {
    const projectId = `bench-proj-${String(p).padStart(5, '0')}`;
    const sa = `runtime@${projectId}.iam.gserviceaccount.com`;
    const services = shape.regions.flatMap((region) =>
      Array.from({ length: shape.servicesPerRegion }, (_, s) => {
        const name = `svc-${s}-${region}`;
        return {
          name,
          region,
          serviceAccount: sa,
          revisions: Array.from({ length: shape.revisionsPerService }, (_, r) => ({ id: `${name}-${String(r + 1).padStart(5, '0')}-abc` })),
        };
      }),
    );
    const jobs = Array.from({ length: shape.jobsPerProject }, (_, j) => ({
      name: `job-${j}`,
      region: shape.regions[j % shape.regions.length] ?? 'us-central1',
      serviceAccount: sa,
    }));
    return {
      projectId,
      number: String(100000000000 + p),
      parent: `folders/${700000000000 + (p % shape.folders)}`,
      ...(shape.listedRegions !== undefined ? { locations: [...shape.listedRegions] } : {}),
      iamPolicy: {
        bindings: [
          { role: 'roles/cloudsql.client', members: [`serviceAccount:${sa}`] },
          { role: 'roles/secretmanager.secretAccessor', members: [`serviceAccount:${sa}`] },
        ],
      },
      serviceAccounts: [{ accountId: 'runtime' }],
      services,
      jobs,
    };
  });
  return { organization: { id: ORG_ID, displayName: 'bench.example' }, folders, projects };
}

/**
 * The requests a correct organisation scan cannot do without, when every list fits in one page:
 * CRM   getOrganization + its getIamPolicy + projects.list and folders.list of the organisation
 *       + per folder: projects.list, folders.list, getIamPolicy + per project: getIamPolicy
 *       (ancestry follows from the folder listing)
 * Run   per project: the cross-region services list and the global jobs list + per region with services: the
 *       `services/-` revisions list + per service: getIamPolicy (no locations.list: the listed regions cost nothing)
 * IAM   per project holding runtime identities: serviceAccounts.list + per identity: getIamPolicy, keys.list
 *       + per distinct granted role: roles.get
 */
export function minimumCalls(shape: OrgShape, identities: number, roles: number): { crm: number; run: number; iam: number; total: number } {
  const crm = 4 + shape.folders * 3 + shape.projects;
  const run = shape.projects * (2 + shape.regions.length * (1 + shape.servicesPerRegion));
  const iam = shape.projects + identities * 2 + roles;
  return { crm, run, iam, total: crm + run + iam };
}
