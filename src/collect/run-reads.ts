/**
 * The Cloud Run reads of one project, made the way gcloud makes them: one cross-region list per kind (services
 * through v2 `locations/-`, jobs through the v1 global `namespaces.jobs.list`), then the revisions of each region
 * that has services (the documented `services/-` wildcard), then each service's IAM policy. A region the
 * cross-region list could not reach (`unreachable`) is listed on its own; if that fails too, the failure is an
 * `errors` entry naming the project and the region. With --region, each asked region is listed on its own.
 */
import { API_HOST } from '../google/apis.js';
import type { GoogleApi } from '../google/api.js';
import { isGoogleCallError, type GoogleCallError } from '../google/errors.js';
import type { ApiJob, ApiRevision, ApiService } from '../google/types.js';
import type { CollectionError, Job, Service } from '../model/inventory.js';
import type { Guard } from './iam-reads.js';
import { jobFromV1, locateV1 } from './map-asset.js';
import { mapPolicy } from './map-iam.js';
import { mapJob, mapService, parseRunName, type ProjectRef } from './map-run.js';
import { byName, compareText } from './sort.js';

export interface Workloads {
  services: Service[];
  jobs: Job[];
  /** Google answered SERVICE_DISABLED for run.googleapis.com: the project can hold no Cloud Run workloads. */
  runApiDisabled: boolean;
}

/** What a Run read came to: its value, the Run API being off in the project, or a failure already recorded. */
export type RunRead<T> = { ok: T } | 'disabled' | 'failed';

/** SERVICE_DISABLED for Cloud Run itself (another API being off is a failure like any other). */
export function isRunDisabled(e: GoogleCallError): boolean {
  const f = e.failure;
  return f.status === 403 && f.reason === 'SERVICE_DISABLED' && (f.metadata['service'] ?? API_HOST.run) === API_HOST.run;
}

export class RunReader {
  constructor(
    private readonly api: GoogleApi,
    private readonly guard: Guard,
    private readonly record: (e: GoogleCallError) => void,
    private readonly fail: (e: CollectionError) => void,
  ) {}

  /** Awaits a Run read: SERVICE_DISABLED for Run is not a failure (nothing recorded), anything else is recorded. */
  async read<T>(p: Promise<T>): Promise<RunRead<T>> {
    try {
      return { ok: await p };
    } catch (e) {
      if (!isGoogleCallError(e)) throw e;
      if (isRunDisabled(e)) return 'disabled';
      this.record(e);
      return 'failed';
    }
  }

  /** Every region, through the cross-region lists. */
  async allRegions(ref: ProjectRef): Promise<Workloads> {
    const { projectId } = ref;
    const [services, jobs] = await Promise.all([this.read(this.api.listServicesAllRegions(projectId)), this.read(this.api.listJobsAllRegions(projectId))]);
    if (services === 'disabled' || jobs === 'disabled') return { services: [], jobs: [], runApiDisabled: true };

    const apiServices = services === 'failed' ? [] : services.ok.items;
    const apiJobs: ApiJob[] = [];
    if (jobs !== 'failed') {
      for (const j of jobs.ok.items) {
        const at = locateV1(j as Record<string, unknown>);
        if (at === undefined) this.badItem(projectId, 'namespaces.jobs.list', j.metadata?.name);
        else apiJobs.push(jobFromV1(j as Record<string, unknown>, projectId, at.region, at.id));
      }
    }
    // Regions Google could not reach in the cross-region lists: each listed on its own, for that region only.
    const [moreServices, moreJobs] = await Promise.all([
      Promise.all((services === 'failed' ? [] : services.ok.unreachable).map((r) => this.guard(this.api.listServices(projectId, r), [] as ApiService[]))),
      Promise.all((jobs === 'failed' ? [] : jobs.ok.unreachable).map((r) => this.guard(this.api.listJobs(projectId, r), [] as ApiJob[]))),
    ]);
    return {
      services: await this.services(ref, [...apiServices, ...moreServices.flat()]),
      jobs: this.jobs(ref, [...apiJobs, ...moreJobs.flat()], 'jobs.list'),
      runApiDisabled: false,
    };
  }

  /** Only the given regions (--region), each listed on its own. */
  async someRegions(ref: ProjectRef, regions: readonly string[]): Promise<Workloads> {
    const { projectId } = ref;
    const per = await Promise.all(
      regions.map(async (r) => {
        const [services, jobs] = await Promise.all([this.read(this.api.listServices(projectId, r)), this.read(this.api.listJobs(projectId, r))]);
        return { services, jobs };
      }),
    );
    if (per.some((x) => x.services === 'disabled' || x.jobs === 'disabled')) return { services: [], jobs: [], runApiDisabled: true };
    const ok = <T>(x: RunRead<T[]>): T[] => (typeof x === 'object' ? x.ok : []);
    return {
      services: await this.services(ref, per.flatMap((x) => ok(x.services))),
      jobs: this.jobs(ref, per.flatMap((x) => ok(x.jobs)), 'jobs.list'),
      runApiDisabled: false,
    };
  }

  /** Maps services with their revisions (one wildcard list per region that has services) and reads each one's policy. */
  private async services(ref: ProjectRef, listed: ApiService[]): Promise<Service[]> {
    const { projectId } = ref;
    const unique = new Map<string, ApiService>();
    const byRegion = new Map<string, ApiService[]>();
    for (const s of listed) {
      const parsed = s.name ? parseRunName(s.name) : undefined;
      if (!parsed || parsed.revisionId !== undefined) {
        this.badItem(projectId, 'services.list', s.name);
        continue;
      }
      if (unique.has(s.name ?? '')) continue;
      unique.set(s.name ?? '', s);
      const list = byRegion.get(parsed.region);
      if (list) list.push(s);
      else byRegion.set(parsed.region, [s]);
    }
    const regions = [...byRegion.keys()].sort(compareText);
    const perRegion = await Promise.all(
      regions.map(async (region) => {
        const revisions = await this.guard(this.api.listRevisions(projectId, region), [] as ApiRevision[]);
        return (byRegion.get(region) ?? []).flatMap((s) => mapService(s, revisions, ref, null) ?? []);
      }),
    );
    const services = perRegion.flat().sort(byName);
    await Promise.all(
      services.map(async (s) => {
        s.iamPolicy = await this.guard(this.api.getServiceIamPolicy(s.name).then(mapPolicy), null);
      }),
    );
    return services;
  }

  private jobs(ref: ProjectRef, listed: ApiJob[], method: string): Job[] {
    const seen = new Set<string>();
    const jobs: Job[] = [];
    for (const j of listed) {
      const mapped = mapJob(j, ref);
      if (!mapped) this.badItem(ref.projectId, method, j.name);
      else if (!seen.has(mapped.name)) {
        seen.add(mapped.name);
        jobs.push(mapped);
      }
    }
    return jobs.sort(byName);
  }

  private badItem(project: string, method: string, name: string | null | undefined): void {
    this.fail({
      project,
      api: API_HOST.run,
      method,
      status: 'BAD_RESPONSE',
      message: `${method} in project ${project} returned an item named "${name ?? ''}", which is not a Cloud Run resource name; it was left out: rerun, and report it if it persists`,
    });
  }
}
