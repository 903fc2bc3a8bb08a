import type {
  Scenario,
  ScenarioCustomRole,
  ScenarioFolder,
  ScenarioProject,
  ScenarioServiceAccount,
  ScenarioUnreachable,
} from './scenario.js';

/**
 * The scenario indexed for answering requests: lookups by ID or number, the folder tree, and the caller's
 * permissions. Read-only after construction.
 */

export interface AccountRef {
  account: ScenarioServiceAccount;
  project: ScenarioProject;
  email: string;
}

export function accountEmail(account: ScenarioServiceAccount, project: ScenarioProject): string {
  return account.email ?? `${account.accountId}@${project.projectId}.iam.gserviceaccount.com`;
}

export function defaultComputeAccount(project: ScenarioProject): string {
  return `${project.number}-compute@developer.gserviceaccount.com`;
}

/** A project's denied-permission entries: exact names, `*`, or a `service.*` / `service.resource.*` prefix. */
export function permissionMatches(pattern: string, permission: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return permission.startsWith(pattern.slice(0, -1));
  return pattern === permission;
}

export class World {
  readonly scenario: Scenario;
  private readonly byId = new Map<string, ScenarioProject>();
  private readonly byNumber = new Map<string, ScenarioProject>();
  private readonly folders = new Map<string, ScenarioFolder>();
  private readonly accounts = new Map<string, AccountRef>();
  private readonly allowed: ReadonlySet<string> | undefined;

  constructor(scenario: Scenario, allowedPermissions?: ReadonlySet<string>) {
    this.scenario = scenario;
    this.allowed = allowedPermissions;
    for (const p of scenario.projects) {
      this.byId.set(p.projectId, p);
      this.byNumber.set(p.number, p);
      for (const a of p.serviceAccounts ?? []) {
        const email = accountEmail(a, p);
        const ref = { account: a, project: p, email };
        this.accounts.set(email.toLowerCase(), ref);
        if (a.uniqueId) this.accounts.set(a.uniqueId, ref);
      }
    }
    for (const f of scenario.folders ?? []) this.folders.set(f.id, f);
  }

  get projects(): readonly ScenarioProject[] {
    return this.scenario.projects;
  }

  get folderList(): readonly ScenarioFolder[] {
    return this.scenario.folders ?? [];
  }

  /** Google accepts a project ID or a number wherever a project is named. */
  project(idOrNumber: string): ScenarioProject | undefined {
    return this.byId.get(idOrNumber) ?? this.byNumber.get(idOrNumber);
  }

  folder(id: string): ScenarioFolder | undefined {
    return this.folders.get(id);
  }

  isOrganization(id: string): boolean {
    return this.scenario.organization.id === id;
  }

  /** Looks an account up by email (any case) or uniqueId; `uniqueIdOf` supplies defaults for accounts without one. */
  account(emailOrId: string, uniqueIdOf: (r: AccountRef) => string): AccountRef | undefined {
    const direct = this.accounts.get(emailOrId.toLowerCase());
    if (direct) return direct;
    if (/^\d+$/.test(emailOrId)) {
      for (const ref of this.accounts.values()) if (uniqueIdOf(ref) === emailOrId) return ref;
    }
    return undefined;
  }

  /** Whether the caller holds `permission` (on `project` when given). */
  granted(permission: string, project?: ScenarioProject): boolean {
    if (this.allowed && !this.allowed.has(permission)) return false;
    if (project) for (const d of project.deniedPermissions ?? []) if (permissionMatches(d, permission)) return false;
    return true;
  }

  /** Whether the caller may see the project at all: Google hides projects it cannot get. */
  visible(project: ScenarioProject): boolean {
    return this.granted('resourcemanager.projects.get', project);
  }

  apiDisabled(project: ScenarioProject, api: string): boolean {
    return (project.disabledApis ?? []).includes(api);
  }

  /** Ancestors above `parent` inclusive, nearest first: `['folders/2', 'folders/1', 'organizations/9']`. */
  ancestry(parent: string): string[] {
    const out: string[] = [];
    let cur: string | undefined = parent;
    const seen = new Set<string>();
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      out.push(cur);
      const m = /^folders\/(.+)$/.exec(cur);
      cur = m ? this.folders.get(m[1] ?? '')?.parent : undefined;
    }
    return out;
  }

  /** The unreachable-regions fault in force for a project: its own, else the scenario's. */
  unreachable(project: ScenarioProject): ScenarioUnreachable | undefined {
    return project.unreachable ?? this.scenario.unreachable;
  }

  /** Whether cross-region lists must leave `region` out for this project and name it in `unreachable`. */
  regionUnreachable(project: ScenarioProject, region: string): boolean {
    return this.unreachable(project)?.regions.includes(region) ?? false;
  }

  /** The status a request naming this unreachable region fails with, if the scenario says it fails. */
  regionalFailure(project: ScenarioProject, region: string): number | undefined {
    const u = this.unreachable(project);
    return u && u.regions.includes(region) ? u.regionalStatus : undefined;
  }

  /**
   * The quota consumer's project number: the project an `x-goog-user-project` header names (by ID or number),
   * else the scenario's `quotas.consumer`, else the first project (the one fault errors bill to).
   */
  consumerNumber(userProject?: string): string {
    if (userProject) {
      const p = this.project(userProject);
      if (p) return p.number;
      if (/^\d+$/.test(userProject)) return userProject;
    }
    return this.scenario.quotas?.consumer ?? this.scenario.projects[0]?.number ?? '0';
  }

  customRoles(container: ScenarioProject | 'organization'): ScenarioCustomRole[] {
    return container === 'organization' ? (this.scenario.organization.customRoles ?? []) : (container.customRoles ?? []);
  }
}
