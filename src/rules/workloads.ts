import type { Inventory, Job, Project, Revision, Service } from '../model/inventory.js';
import type { ResourceType } from '../model/finding.js';

/**
 * What a finding attaches to. Services and jobs always; a revision only when it runs as an identity other than
 * its service's template identity, because only then can it hold a risk the service-level finding does not show.
 */
export interface Workload {
  kind: ResourceType;
  /** Full resource name, the finding's `resource`. */
  resource: string;
  /** serviceId, jobId or revisionId. */
  name: string;
  project: Project;
  region: string;
  /** The runtime identity's email as the inventory wrote it. */
  identity: string;
  /** Labels used for policy matching: a revision is matched with its service's labels. */
  labels: Record<string, string>;
  service?: Service;
  job?: Job;
  revision?: Revision;
  /** Whether requests can reach it: always for services and jobs; for a revision, traffic > 0 or a tag. */
  serving: boolean;
}

export function sameEmail(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function revisionServes(rev: Revision): boolean {
  return rev.trafficPercent > 0 || rev.tags.length > 0;
}

export function workloadsOf(inv: Inventory): Workload[] {
  const out: Workload[] = [];
  for (const project of inv.projects) {
    for (const service of project.services) {
      out.push({
        kind: 'service',
        resource: service.name,
        name: service.serviceId,
        project,
        region: service.region,
        identity: service.serviceAccount,
        labels: service.labels,
        service,
        serving: true,
      });
      for (const revision of service.revisions) {
        if (sameEmail(revision.serviceAccount, service.serviceAccount)) continue;
        out.push({
          kind: 'revision',
          resource: revision.name,
          name: revision.revisionId,
          project,
          region: service.region,
          identity: revision.serviceAccount,
          labels: service.labels,
          service,
          revision,
          serving: revisionServes(revision),
        });
      }
    }
    // Read without their service (offline): nothing says which traffic they serve, so they count as serving.
    for (const revision of project.revisionsWithoutService ?? []) {
      out.push({
        kind: 'revision',
        resource: revision.name,
        name: revision.revisionId,
        project,
        region: /\/locations\/([^/]+)\//.exec(revision.name)?.[1] ?? '',
        identity: revision.serviceAccount,
        labels: revision.labels,
        revision,
        serving: true,
      });
    }
    for (const job of project.jobs) {
      out.push({
        kind: 'job',
        resource: job.name,
        name: job.jobId,
        project,
        region: job.region,
        identity: job.serviceAccount,
        labels: job.labels,
        job,
        serving: true,
      });
    }
  }
  out.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  return out;
}

/** The service a revision belongs to (from its name when the service itself was not read); the name for others. */
export function serviceIdOf(w: Workload): string {
  return w.service?.serviceId ?? /\/services\/([^/]+)\/revisions\//.exec(w.resource)?.[1] ?? w.name;
}

/** "service `billing` (europe-west1, acme-prod)" / "revision `billing-00001-abc` of service `billing` (…)". */
export function describeWorkload(w: Workload): string {
  const where = `(${w.region}, ${w.project.projectId})`;
  if (w.kind === 'revision') return `revision \`${w.name}\` of service \`${serviceIdOf(w)}\` ${where}`;
  return `${w.kind} \`${w.name}\` ${where}`;
}
