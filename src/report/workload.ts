import type { Finding } from '../model/finding.js';

const NAME = /^projects\/[^/]+\/locations\/[^/]+\/(services|jobs)\/(.+?)(?:\/revisions\/(.+))?$/s;

/** The workload's short name and, for a revision, its service, from the resource name. */
export function workloadParts(f: Pick<Finding, 'resource' | 'resourceType'>): { name: string; service?: string } {
  const m = NAME.exec(f.resource);
  if (!m) return { name: f.resource };
  const [, , name = f.resource, revision] = m;
  return revision !== undefined ? { name: revision, service: name } : { name };
}

/** "service storefront", "job nightly-export", "revision checkout-00007-xuv of checkout". Raw: callers escape. */
export function workloadLabel(f: Pick<Finding, 'resource' | 'resourceType'>): string {
  const { name, service } = workloadParts(f);
  return service !== undefined ? `${f.resourceType} ${name} of ${service}` : `${f.resourceType} ${name}`;
}
