import type {
  Condition,
  Inventory,
  Policy,
  Project,
  RoleDefinition,
  ServiceAccount,
} from '../model/inventory.js';
import { projectOfServiceAccountEmail } from '../model/inventory.js';
import { workloadsOf, type Workload } from './workloads.js';

export type PlaceKind = 'organization' | 'folder' | 'project' | 'service' | 'serviceAccount';

/** Somewhere an IAM policy is attached. */
export interface Place {
  kind: PlaceKind;
  /** `organizations/1000`, `folders/2000`, `projects/acme-prod`, a service's full name, or `projects/p/serviceAccounts/email`. */
  node: string;
  /** Org/folder number, project ID, service ID or account email: what gcloud takes as the positional argument. */
  id: string;
  displayName?: string;
  /** Project of a service or service account (for --project). */
  project?: string;
  /** Region of a service (for --region). */
  region?: string;
  policy: Policy;
}

/** One member's role at one place. */
export interface Grant {
  role: string;
  member: string;
  place: Place;
  condition?: Condition;
}

export type RoleStatus = 'ok' | 'unknown' | 'deleted' | 'disabled';

export interface RolePermissions {
  status: RoleStatus;
  /** Empty unless status is ok: a deleted or disabled custom role grants nothing. */
  permissions: ReadonlySet<string>;
}

const EMPTY: ReadonlySet<string> = new Set();

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function conditionKey(c: Condition | undefined): string {
  return c ? `${c.title}\u0000${c.expression}` : '';
}

export function compareGrants(a: Grant, b: Grant): number {
  return (
    cmp(a.place.node, b.place.node) ||
    cmp(a.role, b.role) ||
    cmp(a.member, b.member) ||
    cmp(conditionKey(a.condition), conditionKey(b.condition))
  );
}

/**
 * Everything the checks ask of an inventory, precomputed once: who holds what where, what each role allows,
 * which hierarchy nodes cover a project. Every list it returns is sorted, so the findings do not depend on the
 * order of the inventory's arrays.
 */
export class InventoryIndex {
  readonly inventory: Inventory;
  readonly workloads: Workload[];
  private readonly projects = new Map<string, Project>();
  private readonly projectsByNumber = new Map<string, Project>();
  private readonly accounts = new Map<string, ServiceAccount>();
  private readonly roles = new Map<string, RoleDefinition>();
  private readonly places = new Map<string, Place>();
  private readonly unreadable = new Set<string>();
  private readonly parents = new Map<string, string>();
  private readonly grantsByMember = new Map<string, Grant[]>();
  private readonly allGrants: Grant[] = [];
  private readonly grantsByNode = new Map<string, Grant[]>();
  private readonly workloadsByIdentity = new Map<string, Workload[]>();

  constructor(inv: Inventory) {
    this.inventory = inv;
    for (const p of inv.projects) {
      this.projects.set(p.projectId, p);
      this.projectsByNumber.set(p.projectNumber, p);
    }
    for (const sa of inv.serviceAccounts) this.accounts.set(sa.email.toLowerCase(), sa);
    for (const r of inv.roles) this.roles.set(r.name, r);

    for (const o of inv.organizations) {
      const id = o.name.slice('organizations/'.length);
      this.addPolicy({ kind: 'organization', node: o.name, id, displayName: o.displayName }, o.iamPolicy);
    }
    for (const f of inv.folders) {
      const id = f.name.slice('folders/'.length);
      if (f.parent) this.parents.set(f.name, f.parent);
      this.addPolicy({ kind: 'folder', node: f.name, id, displayName: f.displayName }, f.iamPolicy);
    }
    for (const p of inv.projects) {
      const node = `projects/${p.projectId}`;
      if (p.parent) this.parents.set(node, p.parent);
      this.addPolicy({ kind: 'project', node, id: p.projectId, displayName: p.displayName }, p.iamPolicy);
      for (const s of p.services) {
        this.addPolicy(
          { kind: 'service', node: s.name, id: s.serviceId, project: p.projectId, region: s.region },
          s.iamPolicy,
        );
      }
    }
    for (const sa of inv.serviceAccounts) {
      const home = sa.projectId ?? projectOfServiceAccountEmail(sa.email) ?? '-';
      this.addPolicy(
        { kind: 'serviceAccount', node: `projects/${home}/serviceAccounts/${sa.email}`, id: sa.email, project: home },
        sa.iamPolicy,
      );
    }
    this.allGrants.sort(compareGrants);
    for (const list of this.grantsByMember.values()) list.sort(compareGrants);
    for (const g of this.allGrants) {
      let list = this.grantsByNode.get(g.place.node);
      if (!list) this.grantsByNode.set(g.place.node, (list = []));
      list.push(g);
    }
    this.workloads = workloadsOf(inv);
    for (const w of this.workloads) {
      const key = w.identity.toLowerCase();
      let list = this.workloadsByIdentity.get(key);
      if (!list) this.workloadsByIdentity.set(key, (list = []));
      list.push(w);
    }
  }

  private addPolicy(place: Omit<Place, 'policy'>, policy: Policy | null): void {
    if (!policy) {
      this.unreadable.add(place.node);
      return;
    }
    const full: Place = { ...place, policy };
    this.places.set(place.node, full);
    for (const b of policy.bindings) {
      for (const member of b.members) {
        const g: Grant = { role: b.role, member, place: full, ...(b.condition ? { condition: b.condition } : {}) };
        this.allGrants.push(g);
        const key = member.toLowerCase();
        let list = this.grantsByMember.get(key);
        if (!list) this.grantsByMember.set(key, (list = []));
        list.push(g);
      }
    }
  }

  project(projectId: string): Project | undefined {
    return this.projects.get(projectId);
  }

  projectByNumber(projectNumber: string): Project | undefined {
    return this.projectsByNumber.get(projectNumber);
  }

  account(email: string): ServiceAccount | undefined {
    return this.accounts.get(email.toLowerCase());
  }

  role(name: string): RoleDefinition | undefined {
    return this.roles.get(name);
  }

  place(node: string): Place | undefined {
    return this.places.get(node);
  }

  /** Whether a policy that should have been read could not be. */
  isUnreadable(node: string): boolean {
    return this.unreadable.has(node);
  }

  displayName(node: string): string | undefined {
    return this.places.get(node)?.displayName ?? this.inventory.folders.find((f) => f.name === node)?.displayName;
  }

  /**
   * The project's node and every folder/organisation above it, nearest first: the recorded ancestry plus whatever
   * the inventory's parent links add (so a project whose ancestry was not read is still covered by what is known).
   */
  coveringNodes(projectId: string): string[] {
    const out: string[] = [`projects/${projectId}`];
    const seen = new Set(out);
    const add = (n: string): void => {
      if (!seen.has(n)) {
        seen.add(n);
        out.push(n);
      }
    };
    const p = this.projects.get(projectId);
    for (const a of p?.ancestry ?? []) add(a);
    let cur: string | undefined = `projects/${projectId}`;
    for (let hops = 0; cur && hops < 64; hops++) {
      cur = this.parents.get(cur);
      if (cur) add(cur);
    }
    return out;
  }

  /** Every grant naming `member` exactly (e.g. `serviceAccount:x@p.iam.gserviceaccount.com`), sorted. */
  grantsOfMember(member: string): readonly Grant[] {
    return this.grantsByMember.get(member.toLowerCase()) ?? [];
  }

  /** Every grant to the service account, anywhere in the inventory. */
  grantsOfAccount(email: string): readonly Grant[] {
    return this.grantsOfMember(`serviceAccount:${email}`);
  }

  /** Every grant in the service account's own policy (who may use it), sorted. */
  grantsOnAccount(email: string): Grant[] {
    const sa = this.account(email);
    const home = sa?.projectId ?? projectOfServiceAccountEmail(email) ?? '-';
    return this.grantsAt(`projects/${home}/serviceAccounts/${sa?.email ?? email}`);
  }

  /** Every grant at one place, sorted. */
  grantsAt(node: string): Grant[] {
    return [...(this.grantsByNode.get(node) ?? [])];
  }

  /** Workloads (services, jobs and differing revisions) running as the email, sorted by resource. */
  workloadsRunningAs(email: string): readonly Workload[] {
    return this.workloadsByIdentity.get(email.toLowerCase()) ?? [];
  }

  permissionsOf(role: string): RolePermissions {
    const def = this.roles.get(role);
    if (!def) return { status: 'unknown', permissions: EMPTY };
    if (def.deleted) return { status: 'deleted', permissions: EMPTY };
    if (def.stage === 'DISABLED') return { status: 'disabled', permissions: EMPTY };
    return { status: 'ok', permissions: new Set(def.includedPermissions) };
  }

  /** Whether the grant's place also binds its role under a condition (gcloud then needs an explicit --condition). */
  roleHasConditionalBinding(grant: Grant): boolean {
    return grant.place.policy.bindings.some((b) => b.role === grant.role && b.condition !== undefined);
  }
}
