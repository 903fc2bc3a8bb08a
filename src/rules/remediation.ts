/**
 * Remediation builders: every command names the real project, region, workload, member and role, and every
 * argument is shell-quoted, so a command can be pasted as it stands.
 */
import type { Condition } from '../model/inventory.js';
import type { Grant } from './inventory-index.js';
import { flag, shellQuote } from './shell.js';
import { serviceIdOf, type Workload } from './workloads.js';

/**
 * gcloud's --condition takes `key=value` pairs split on commas; an expression that itself holds a comma needs
 * gcloud's alternate-delimiter syntax (`^;^expression=…;title=…`).
 */
export function conditionFlag(c: Condition | undefined): string {
  if (!c) return '--condition=None';
  const pairs: [string, string][] = [
    ['expression', c.expression],
    ['title', c.title],
  ];
  if (c.description) pairs.push(['description', c.description]);
  const text = pairs.map(([k, v]) => `${k}=${v}`).join('\u0000');
  let value: string;
  if (!pairs.some(([, v]) => v.includes(','))) {
    value = text.split('\u0000').join(',');
  } else {
    const delim = [';', '|', '#', '~', '%', '`'].find((d) => !pairs.some(([, v]) => v.includes(d))) ?? '\u0001';
    value = `^${delim}^` + text.split('\u0000').join(delim);
  }
  return flag('condition', value);
}

/** The gcloud command that removes one member's role where it was granted. */
export function removeBindingCommand(g: Grant, opts: { needsExplicitCondition: boolean }): string {
  const member = flag('member', g.member);
  const role = flag('role', g.role);
  const cond = g.condition ? [conditionFlag(g.condition)] : opts.needsExplicitCondition ? ['--condition=None'] : [];
  const tail = [member, role, ...cond];
  switch (g.place.kind) {
    case 'project':
      return ['gcloud projects remove-iam-policy-binding', shellQuote(g.place.id), ...tail].join(' ');
    case 'folder':
      return ['gcloud resource-manager folders remove-iam-policy-binding', shellQuote(g.place.id), ...tail].join(' ');
    case 'organization':
      return ['gcloud organizations remove-iam-policy-binding', shellQuote(g.place.id), ...tail].join(' ');
    case 'service':
      return [
        'gcloud run services remove-iam-policy-binding',
        shellQuote(g.place.id),
        ...tail,
        flag('region', g.place.region ?? ''),
        flag('project', g.place.project ?? ''),
      ].join(' ');
    case 'serviceAccount':
      return [
        'gcloud iam service-accounts remove-iam-policy-binding',
        shellQuote(g.place.id),
        ...tail,
        flag('project', g.place.project ?? ''),
      ].join(' ');
  }
}

/** A service-account id (6–30 chars, `[a-z][a-z0-9-]*[a-z0-9]`) derived from the workload's name. */
export function dedicatedAccountId(workloadName: string): string {
  let base = workloadName.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  if (!/^[a-z]/.test(base)) base = `run-${base}`;
  base = base.slice(0, 26).replace(/-+$/, '');
  let id = `${base}-run`;
  if (id.length < 6) id = `${id}-sa`;
  return id.replace(/--+/g, '-');
}

/** The workload whose template sets the identity: the service for a revision. */
function owner(w: Workload): { kind: 'service' | 'job'; name: string } {
  if (w.kind === 'job') return { kind: 'job', name: w.name };
  return { kind: 'service', name: serviceIdOf(w) };
}

export function updateIdentityCommand(w: Workload, email: string): string {
  const o = owner(w);
  return [
    `gcloud run ${o.kind === 'job' ? 'jobs' : 'services'} update`,
    shellQuote(o.name),
    flag('service-account', email),
    flag('region', w.region),
    flag('project', w.project.projectId),
  ].join(' ');
}

export interface DedicatedIdentityPlan {
  email: string;
  /** Set when the account must be created (no policy names an intended identity). */
  accountId?: string;
  commands: string[];
}

/**
 * Create (or reuse the policy's) dedicated identity, grant it what it needs, and switch the workload to it.
 * When the allowed roles are unknown, a comment line asks the reader to choose rather than guess.
 */
export function dedicatedIdentityPlan(
  w: Workload,
  opts: { intended?: string; allowedRoles?: readonly string[] },
): DedicatedIdentityPlan {
  const o = owner(w);
  const project = w.project.projectId;
  const commands: string[] = [];
  let email: string;
  let accountId: string | undefined;
  if (opts.intended) {
    email = opts.intended;
  } else {
    accountId = dedicatedAccountId(o.name);
    email = `${accountId}@${project}.iam.gserviceaccount.com`;
    commands.push(
      [
        'gcloud iam service-accounts create',
        shellQuote(accountId),
        flag('project', project),
        flag('display-name', `Runtime identity of Cloud Run ${o.kind} ${o.name}`),
      ].join(' '),
    );
  }
  if (opts.allowedRoles && opts.allowedRoles.length > 0) {
    for (const role of opts.allowedRoles) {
      commands.push(
        [
          'gcloud projects add-iam-policy-binding',
          shellQuote(project),
          flag('member', `serviceAccount:${email}`),
          flag('role', role),
        ].join(' '),
      );
    }
  } else {
    commands.push(
      `# choose the roles ${o.kind} ${o.name} really needs (its IAM recommender insights help) and grant each to ${email} with: gcloud projects add-iam-policy-binding ${shellQuote(project)} ${flag('member', `serviceAccount:${email}`)} and one --role per role`,
    );
  }
  commands.push(updateIdentityCommand(w, email));
  return { email, ...(accountId ? { accountId } : {}), commands };
}

/** For a revision that runs as an identity its service no longer uses: stop routing to it, then delete it. */
export function retireRevisionCommands(w: Workload): string[] {
  const service = serviceIdOf(w);
  const out: string[] = [];
  // A revision read without its service may serve traffic nobody could see: route away from it first.
  if (w.revision && (w.revision.trafficPercent > 0 || !w.service)) {
    out.push(
      [
        'gcloud run services update-traffic',
        shellQuote(service),
        '--to-latest',
        flag('region', w.region),
        flag('project', w.project.projectId),
      ].join(' '),
    );
  }
  const tags = [...(w.revision?.tags ?? [])].sort();
  if (tags.length > 0) {
    out.push(
      [
        'gcloud run services update-traffic',
        shellQuote(service),
        flag('remove-tags', tags.join(',')),
        flag('region', w.region),
        flag('project', w.project.projectId),
      ].join(' '),
    );
  }
  out.push(
    [
      'gcloud run revisions delete',
      shellQuote(w.name),
      flag('region', w.region),
      flag('project', w.project.projectId),
    ].join(' '),
  );
  return out;
}

export function deleteKeyCommand(keyId: string, email: string, project: string | undefined): string {
  return [
    'gcloud iam service-accounts keys delete',
    shellQuote(keyId),
    flag('iam-account', email),
    ...(project ? [flag('project', project)] : []),
  ].join(' ');
}

export function enforceNoDefaultGrantsCommand(orgNumber: string): string {
  return `gcloud resource-manager org-policies enable-enforce iam.automaticIamGrantsForDefaultServiceAccounts ${flag('organization', orgNumber)}`;
}

export function removePublicInvokerCommand(w: Workload, member: string, role: string): string {
  const o = owner(w);
  return [
    'gcloud run services remove-iam-policy-binding',
    shellQuote(o.name),
    flag('member', member),
    flag('role', role),
    flag('region', w.region),
    flag('project', w.project.projectId),
  ].join(' ');
}

function hclString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
}

function hclIdent(s: string): string {
  const id = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`;
}

/** Terraform for the dedicated identity and the workload's template pointing at it. */
export function identityTerraform(w: Workload, plan: DedicatedIdentityPlan, allowedRoles?: readonly string[]): string {
  const o = owner(w);
  const project = w.project.projectId;
  const lines: string[] = [];
  let emailRef: string;
  if (plan.accountId) {
    const saRes = hclIdent(plan.accountId);
    emailRef = `google_service_account.${saRes}.email`;
    lines.push(
      `resource "google_service_account" ${hclString(saRes)} {`,
      `  project      = ${hclString(project)}`,
      `  account_id   = ${hclString(plan.accountId)}`,
      `  display_name = ${hclString(`Runtime identity of Cloud Run ${o.kind} ${o.name}`)}`,
      '}',
      '',
    );
  } else {
    emailRef = hclString(plan.email);
  }
  (allowedRoles ?? []).forEach((role, i) => {
    lines.push(
      `resource "google_project_iam_member" ${hclString(`${hclIdent(o.name)}_role_${i}`)} {`,
      `  project = ${hclString(project)}`,
      `  role    = ${hclString(role)}`,
      `  member  = ${plan.accountId ? `"serviceAccount:\${${emailRef}}"` : hclString(`serviceAccount:${plan.email}`)}`,
      '}',
      '',
    );
  });
  const member = plan.accountId ? emailRef : hclString(plan.email);
  if (o.kind === 'job') {
    lines.push(
      `resource "google_cloud_run_v2_job" ${hclString(hclIdent(o.name))} {`,
      `  name     = ${hclString(o.name)}`,
      `  location = ${hclString(w.region)}`,
      `  project  = ${hclString(project)}`,
      '  template {',
      '    template {',
      `      service_account = ${member}`,
      '      # … the rest of the task template as it is today',
      '    }',
      '  }',
      '}',
    );
  } else {
    lines.push(
      `resource "google_cloud_run_v2_service" ${hclString(hclIdent(o.name))} {`,
      `  name     = ${hclString(o.name)}`,
      `  location = ${hclString(w.region)}`,
      `  project  = ${hclString(project)}`,
      '  template {',
      `    service_account = ${member}`,
      '    # … the rest of the revision template as it is today',
      '  }',
      '}',
    );
  }
  return lines.join('\n');
}
