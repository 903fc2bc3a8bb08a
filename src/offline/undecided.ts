import { projectOfServiceAccountEmail, type Project, type ServiceAccount } from '../model/inventory.js';
import { namesOf, sameProject, type ProjectDirectory, type ProjectNames } from '../model/project-relation.js';

/**
 * Workloads whose identity's home project the inputs cannot relate to the workload's own project (one known only
 * by ID, the other only by number): cross-project-identity does not judge them, and each such pair is said once.
 */
export function undecidedHomes(projects: readonly Project[], accounts: readonly ServiceAccount[], dir: ProjectDirectory): string[] {
  const byPair = new Map<string, { project: Project; home: string; identity: string; workloads: string[] }>();
  for (const p of projects) {
    const workloads = [
      ...p.services.flatMap((s) => [{ what: `service ${s.serviceId}`, identity: s.serviceAccount }, ...s.revisions.map((rv) => ({ what: `revision ${rv.revisionId}`, identity: rv.serviceAccount }))]),
      ...(p.revisionsWithoutService ?? []).map((rv) => ({ what: `revision ${rv.revisionId}`, identity: rv.serviceAccount })),
      ...p.jobs.map((j) => ({ what: `job ${j.jobId}`, identity: j.serviceAccount })),
    ];
    for (const w of workloads) {
      const account = accounts.find((a) => a.email.toLowerCase() === w.identity.toLowerCase());
      const id = account?.projectId ?? projectOfServiceAccountEmail(w.identity);
      const number = /^(\d+)-compute@developer\.gserviceaccount\.com$/i.exec(w.identity)?.[1];
      const home: ProjectNames = { ...(id !== undefined && !/^\d+$/.test(id) ? { id } : {}), ...(number !== undefined ? { number } : {}) };
      if (home.id === undefined && home.number === undefined) continue;
      if (sameProject(namesOf(p), home, dir) !== undefined) continue;
      const homeText = home.id !== undefined ? `project ${home.id}` : `project number ${home.number ?? ''}`;
      const key = `${p.projectId}\u0000${homeText}`;
      const entry = byPair.get(key) ?? { project: p, home: homeText, identity: w.identity, workloads: [] };
      if (!entry.workloads.includes(w.what)) entry.workloads.push(w.what);
      byPair.set(key, entry);
    }
  }
  return [...byPair.values()].map((e) => {
    const list = e.workloads.length > 3 ? `${e.workloads.slice(0, 3).join(', ')} and ${e.workloads.length - 3} more` : e.workloads.join(', ');
    const self = /^\d+$/.test(e.project.projectId) ? `project number ${e.project.projectId}` : `project ${e.project.projectId}`;
    return `Whether ${e.home} (home of ${e.identity}) is ${self} is not in the inputs, so cross-project-identity was not judged for ${list}: add \`gcloud projects describe ${e.project.projectId} --format=json\` as another --input to decide it.`;
  });
}
