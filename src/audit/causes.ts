/**
 * Root causes: findings that one change resolves, grouped so the report leads with mistakes, not symptoms.
 *
 * Two findings share a cause when either holds:
 *
 * 1. **Same identity, same grant.** Both rest on one IAM binding: the same member, role, place (project, folder,
 *    organisation or resource) and condition. A finding rests on the grants its evidence names as the reason:
 *    - grants the workload's own identity holds: `grants` (primitive-role, role-denied, role-not-allowed),
 *      `permissions[]` (privilege-escalation: where each escalating permission comes from), the top-level
 *      `role` + `place` (unused-permissions);
 *    - grants that let others act as the identity (identity-impersonation: `principals`, `deployPaths[].actAs`),
 *      keyed by the identity they open, so two identities never merge through one busy deployer.
 *    Removing that binding once resolves every such finding, on every workload that runs as the identity.
 * 2. **One shared identity.** shared-identity findings of one identity: giving any of its workloads its own
 *    identity changes what the others share, so they are one decision.
 * 3. **Same workload, same fix.** Both are about one resource (a service, a revision or a job) and their
 *    remediations share a command (comments excluded): running it once addresses both, e.g. a public service on
 *    the default identity and "runs as a default identity" both say "give it its own service account".
 *
 * Causes are the connected groups of that relation, so every finding belongs to exactly one cause. Grants named
 * only as context (a role that could not be expanded, a public `allUsers` member) do not join causes.
 */
import { createHash } from 'node:crypto';
import { RULES } from '../checks/index.js';
import { severityRank, type Cause, type Finding, type Severity } from '../model/finding.js';

interface GrantRef {
  member: string;
  role: string;
  place: string;
  placeDisplayName?: string;
  condition?: string;
}

const RULE_TITLES = new Map<string, string>(RULES.map((r) => [r.id, r.title]));

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.flatMap((x) => (record(x) ? [x as Record<string, unknown>] : [])) : [];
}

/** A grant named by evidence, or undefined when the object is not one. `member` defaults to the identity. */
function grantOf(o: Record<string, unknown> | undefined, member: string): GrantRef | undefined {
  if (o === undefined) return undefined;
  const role = str(o['role']);
  const place = str(o['place']);
  if (role === undefined || place === undefined) return undefined;
  const cond = record(o['condition']);
  const condition = str(cond?.['expression']) ?? str(o['condition']);
  const displayName = str(o['placeDisplayName']);
  return { member, role, place, ...(displayName !== undefined ? { placeDisplayName: displayName } : {}), ...(condition !== undefined ? { condition } : {}) };
}

/** Grants the finding's own identity holds that the finding rests on. */
export function ownGrants(f: Finding): GrantRef[] {
  const member = `serviceAccount:${f.serviceAccount}`;
  const e = f.evidence;
  const found = [...list(e['grants']), ...list(e['permissions'])].map((o) => grantOf(o, member));
  if (f.ruleId === 'unused-permissions') found.push(grantOf(e, member));
  return dedupe(found.filter((g): g is GrantRef => g !== undefined));
}

/** Grants to other principals that let them act as the finding's identity. */
export function impersonationGrants(f: Finding): GrantRef[] {
  const e = f.evidence;
  const found = [
    ...list(e['principals']).map((p) => grantOf(p, str(p['member']) ?? '')),
    ...list(e['deployPaths']).map((d) => grantOf(record(d['actAs']), str(d['member']) ?? '')),
  ];
  return dedupe(found.filter((g): g is GrantRef => g !== undefined && g.member !== ''));
}

const grantKey = (g: GrantRef): string => [g.member, g.role, g.place, g.condition ?? ''].join('\u0000');

function dedupe(grants: GrantRef[]): GrantRef[] {
  return [...new Map(grants.map((g) => [grantKey(g), g])).values()];
}

/** The keys that tie a finding to others; findings sharing any key share a cause. */
function keysOf(f: Finding): string[] {
  const keys = ownGrants(f).map((g) => `holds\u0000${grantKey(g)}`);
  for (const g of impersonationGrants(f)) keys.push(`acts-as\u0000${f.serviceAccount}\u0000${grantKey(g)}`);
  if (f.ruleId === 'shared-identity') keys.push(`shared\u0000${f.serviceAccount}`);
  for (const c of f.remediation.commands) if (!c.trimStart().startsWith('#')) keys.push(`fix\u0000${f.resource}\u0000${c.trim()}`);
  // A finding with nothing to share is still its own cause.
  keys.push(`finding\u0000${f.id}`);
  return keys;
}

function describePlace(g: GrantRef): string {
  const dn = g.placeDisplayName !== undefined ? ` (${g.placeDisplayName})` : '';
  const m = /^(projects|folders|organizations)\/([^/]+)$/.exec(g.place);
  if (m) return `${m[1] === 'projects' ? 'project' : m[1] === 'folders' ? 'folder' : 'organization'} ${m[2]}${m[1] === 'projects' ? '' : dn}`;
  const r = /\/(services|jobs)\/([^/]+)$/.exec(g.place);
  if (r) return `${r[1] === 'services' ? 'service' : 'job'} ${r[2]}`;
  return g.place;
}

function describeGrants(grants: GrantRef[]): string {
  const roles = [...new Set(grants.map((g) => g.role))];
  return roles
    .map((role) => {
      const mine = grants.filter((g) => g.role === role);
      const places = [...new Set(mine.map((g) => describePlace(g) + (g.condition !== undefined ? ' (conditional)' : '')))];
      return `${role} on ${places.join(' and ')}`;
    })
    .join(', ');
}

function workloadText(f: Finding): string {
  const m = /\/(services|jobs)\/([^/]+)(?:\/revisions\/([^/]+))?$/.exec(f.resource);
  const name = m ? (m[3] !== undefined ? `revision ${m[3]} of ${m[2]}` : `${f.resourceType} ${m[2]}`) : f.resource;
  return `${name} (${f.location}, ${f.project})`;
}

function titleOf(lead: Finding, members: Finding[]): string {
  const own = ownGrants(lead);
  if (lead.ruleId === 'shared-identity' && members.length > 1) {
    return `${members.length} workloads share ${lead.serviceAccount}: ${members.map(workloadText).join(', ')}`;
  }
  if (own.length > 0) {
    // Name the grants the whole cause shares when there are some, else the lead's own.
    const shared = own.filter((g) => members.every((m) => ownGrants(m).length === 0 || ownGrants(m).some((o) => grantKey(o) === grantKey(g))));
    return `${lead.serviceAccount} holds ${describeGrants(shared.length > 0 ? shared : own)}`;
  }
  const others = impersonationGrants(lead);
  if (others.length > 0) {
    const who = [...new Set(others.map((g) => g.member))];
    const shown = who.slice(0, 3).join(', ') + (who.length > 3 ? ` and ${who.length - 3} more` : '');
    return `Others can act as ${lead.serviceAccount}: ${shown}`;
  }
  return `${RULE_TITLES.get(lead.ruleId) ?? lead.ruleId}: ${workloadText(lead)}`;
}

function worst(findings: Finding[]): Severity {
  let out = findings[0]!.severity;
  for (const f of findings) if (severityRank(f.severity) > severityRank(out)) out = f.severity;
  return out;
}

/**
 * Groups findings into causes. Findings keep their report order inside a cause; causes are sorted by severity
 * (worst first), then by how many findings they explain, then by title.
 */
export function groupCauses(findings: readonly Finding[]): Cause[] {
  const parent = findings.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const owner = new Map<string, number>();
  findings.forEach((f, i) => {
    for (const k of keysOf(f)) {
      const j = owner.get(k);
      if (j === undefined) owner.set(k, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Finding[]>();
  findings.forEach((f, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(f);
    else groups.set(root, [f]);
  });

  const causes = [...groups.values()].map((members): Cause & { active: number } => {
    const active = members.filter((f) => !f.suppressed);
    const judged = active.length > 0 ? active : members;
    const severity = worst(judged);
    // The lead is the first most severe finding, one resting on a grant if there is one (a grant is the deeper
    // cause than a symptom on one workload): its remediation is the cause's fix.
    const worstOnes = judged.filter((f) => f.severity === severity);
    const lead = worstOnes.find((f) => ownGrants(f).length > 0) ?? worstOnes[0]!;
    const ids = members.map((f) => f.id);
    return {
      id: 'cause-' + createHash('sha256').update([...ids].sort().join('\n')).digest('hex').slice(0, 12),
      title: titleOf(lead, judged),
      severity,
      fix: lead.remediation.summary,
      findings: ids,
      active: active.length,
    };
  });
  causes.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      Number(b.active > 0) - Number(a.active > 0) ||
      b.findings.length - a.findings.length ||
      (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) ||
      (a.id < b.id ? -1 : 1),
  );
  return causes.map(({ active: _a, ...c }) => c);
}

/** Causes with at least one active (not suppressed) finding. */
export function activeCauses(causes: readonly Cause[], findings: readonly Finding[]): Cause[] {
  const active = new Set(findings.filter((f) => !f.suppressed).map((f) => f.id));
  return causes.filter((c) => c.findings.some((id) => active.has(id)));
}
