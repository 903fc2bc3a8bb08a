import type { GoogleApi } from '../google/api.js';
import { isGoogleCallError, type GoogleCallError } from '../google/errors.js';
import { ReadBudget, ReadCapReached, type ApiPermissionInsight, type ApiRoleRecommendation, type RecommenderParent } from '../google/recommender.js';
import type { Inventory, Policy } from '../model/inventory.js';
import type { PermissionUsage, RunIdentityRecommendation, UsageEvidence } from '../model/usage.js';
import { compareText } from './sort.js';

/** The free tier allows 100 Recommender reads a day per organisation: by default one scan may spend all of them. */
export const DEFAULT_USAGE_CAP = 100;

/** The identities workloads run as, lower-cased. */
function runtimeIdentities(inv: Inventory): Set<string> {
  const out = new Set<string>();
  for (const p of inv.projects) {
    for (const s of p.services) {
      out.add(s.serviceAccount.toLowerCase());
      for (const r of s.revisions) out.add(r.serviceAccount.toLowerCase());
    }
    for (const j of p.jobs) out.add(j.serviceAccount.toLowerCase());
  }
  return out;
}

function bindsAny(policy: Policy | null, members: Set<string>): boolean {
  return (policy?.bindings ?? []).some((b) => b.members.some((m) => members.has(m.toLowerCase())));
}

/** Places holding a grant to a runtime identity: projects first, then folders, then the organisation (the cap cuts the far end). */
function placesToRead(inv: Inventory, members: Set<string>): RecommenderParent[] {
  const projects = inv.projects.filter((p) => bindsAny(p.iamPolicy, members)).map((p) => `projects/${p.projectId}` as const);
  const folders = inv.folders.filter((f) => bindsAny(f.iamPolicy, members)).map((f) => f.name as RecommenderParent);
  const orgs = inv.organizations.filter((o) => bindsAny(o.iamPolicy, members)).map((o) => o.name as RecommenderParent);
  return [...projects.sort(compareText), ...folders.sort(compareText), ...orgs.sort(compareText)];
}

type FailureKind = 'disabled' | 'denied' | 'quota' | 'other';

function kindOf(e: GoogleCallError): FailureKind {
  if (e.status === 429) return 'quota';
  if (e.status === 403 && e.failure.reason === 'SERVICE_DISABLED') return 'disabled';
  if (e.status === 403) return 'denied';
  return 'other';
}

/**
 * Reads Recommender evidence for the runtime identities of a collected inventory. Never fails the scan: whatever
 * cannot be read is explained once in `notes`, and the audit then judges what it has.
 */
export async function collectUsage(api: GoogleApi, inv: Inventory, cap: number): Promise<UsageEvidence> {
  const budget = new ReadBudget(cap);
  const reads = api.recommender(budget);
  const members = new Set([...runtimeIdentities(inv)].map((e) => `serviceaccount:${e}`));
  const insights: PermissionUsage[] = [];
  const runRecommendations: RunIdentityRecommendation[] = [];
  const failures = new Map<FailureKind, { first: GoogleCallError; places: Set<string> }>();
  let skipped = 0;
  let stop = false;
  let placesRead = 0;

  const attempt = async <T>(place: string, read: () => Promise<T>): Promise<T | undefined> => {
    if (stop) {
      skipped++;
      return undefined;
    }
    try {
      return await read();
    } catch (e) {
      if (e instanceof ReadCapReached) {
        stop = true;
        skipped++;
        return undefined;
      }
      if (!isGoogleCallError(e)) throw e;
      const kind = kindOf(e);
      const entry = failures.get(kind) ?? { first: e, places: new Set<string>() };
      entry.places.add(place);
      failures.set(kind, entry);
      // Once the quota is gone every further read fails the same way, and each would still count against it.
      if (kind === 'quota') stop = true;
      return undefined;
    }
  };

  for (const place of placesToRead(inv, members)) {
    const project = place.startsWith('projects/') ? place.slice('projects/'.length) : undefined;
    const found = await attempt(place, () => reads.listPolicyInsights(place, project));
    if (found === undefined) continue;
    placesRead++;
    const mine = found.filter((i) => members.has(i.member.toLowerCase()));
    const recs = mine.length > 0 ? ((await attempt(place, () => reads.listRoleRecommendations(place, project))) ?? []) : [];
    for (const i of mine) insights.push(toUsage(place, i, recs));
  }

  for (const p of inv.projects) {
    const regions = [...new Set(p.services.map((s) => s.region))].sort(compareText);
    for (const region of regions) {
      const found = await attempt(`projects/${p.projectId}`, () => reads.listRunIdentityRecommendations(p.projectId, region));
      for (const r of found ?? []) {
        const service = r.targetResources.map((t) => t.replace(/^\/\/run\.googleapis\.com\//, '')).find((t) => t.includes('/services/'));
        if (service !== undefined && p.services.some((s) => s.name === service)) runRecommendations.push({ service, description: r.description });
      }
    }
  }

  const notes = notesFor(failures, budget, skipped);
  if (placesRead > 0 && insights.length === 0 && failures.size === 0) {
    notes.push(
      'The Recommender returned no policy insight for any runtime identity: insights for most roles need Security Command Center Premium or Enterprise, and a role granted in the last 90 days has none yet.',
    );
  }
  insights.sort((a, b) => compareText(a.place, b.place) || compareText(a.member, b.member) || compareText(a.role, b.role));
  runRecommendations.sort((a, b) => compareText(a.service, b.service));
  return { cap, reads: budget.used, capped: budget.capped, notes, insights, runRecommendations };
}

function toUsage(place: string, i: ApiPermissionInsight, recs: ApiRoleRecommendation[]): PermissionUsage {
  const u: PermissionUsage = {
    place,
    member: i.member,
    role: i.role,
    exercised: [...i.exercised].sort(),
    inferred: [...i.inferred].sort(),
    totalPermissions: i.totalPermissions,
    observationDays: i.observationDays,
  };
  if (i.condition) u.condition = { ...i.condition };
  const rec = recs.find((r) => r.removedRole === i.role && r.member?.toLowerCase() === i.member.toLowerCase());
  if (rec) u.recommendation = { subtype: rec.subtype, addedRoles: [...rec.addedRoles].sort(), description: rec.description };
  return u;
}

function placesText(places: Set<string>): string {
  const list = [...places].sort(compareText);
  return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
}

function notesFor(failures: Map<FailureKind, { first: GoogleCallError; places: Set<string> }>, budget: ReadBudget, skipped: number): string[] {
  const notes: string[] = [];
  const disabled = failures.get('disabled');
  if (disabled) {
    notes.push(`Usage evidence is missing for ${placesText(disabled.places)}: ${disabled.first.message}.`);
  }
  const denied = failures.get('denied');
  if (denied) {
    notes.push(
      `Usage evidence is missing for ${placesText(denied.places)}: ${denied.first.message.replace(/grant the scanner \S+/, 'grant the scanner roles/recommender.iamViewer')}.`,
    );
  }
  const quota = failures.get('quota');
  if (quota) {
    notes.push(
      `Usage evidence is incomplete: the Recommender API answered 429 RESOURCE_EXHAUSTED (its free tier allows 100 reads a day per organisation) at ${placesText(quota.places)}; at least ${skipped} further read${skipped === 1 ? ' was' : 's were'} not attempted. Rerun tomorrow, or raise the quota.`,
    );
  }
  const other = failures.get('other');
  if (other) notes.push(`Usage evidence is missing for ${placesText(other.places)}: ${other.first.message}.`);
  if (budget.capped) {
    notes.push(
      `Usage evidence is incomplete: the Recommender read cap (${budget.cap}, --usage-insights-cap) was reached; at least ${skipped} read${skipped === 1 ? ' was' : 's were'} not made.`,
    );
  }
  return notes;
}
