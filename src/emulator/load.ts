import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { UserError } from '../errors.js';
import { packagePath } from '../paths.js';
import { predefinedRoles } from './iam-handlers.js';
import type { Scenario, ScenarioPolicy } from './scenario.js';

/** JSON Schema of a scenario file, shipped beside this module. */
export const SCENARIO_SCHEMA: object = JSON.parse(readFileSync(packagePath('src', 'emulator', 'scenario.schema.json'), 'utf8')) as object;

/** The bundled demo organisation. */
export const DEMO_SCENARIO_PATH: string = packagePath('src', 'emulator', 'scenarios', 'demo.yaml');

type Path = (string | number)[];

interface Problem {
  path: Path;
  message: string;
  /** Point at the key rather than the value (unknown properties). */
  atKey?: string;
}

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(): ReturnType<Ajv['compile']> {
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(SCENARIO_SCHEMA);
  return validator;
}

function pointerToPath(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function showPath(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(top level)' : out;
}

function schemaProblem(e: ErrorObject): Problem | undefined {
  const path = pointerToPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path, atKey: String(p['additionalProperty']), message: `unknown property "${String(p['additionalProperty'])}"` };
    case 'required':
      return { path, message: `missing required property "${String(p['missingProperty'])}"` };
    case 'enum':
      return { path, message: `must be one of ${(p['allowedValues'] as unknown[]).map(String).join(', ')}` };
    case 'pattern':
      return { path, message: `${JSON.stringify(e.data ?? '')} is not a valid value here (must match ${String(p['pattern'])})` };
    case 'type':
      return { path, message: `must be ${String(p['type'])}` };
    case 'minimum':
    case 'maximum':
    case 'minLength':
    case 'maxLength':
      return { path, message: e.message ?? e.keyword };
    default:
      return { path, message: e.message ?? e.keyword };
  }
}

/** Checks that the schema cannot express: references between objects and sums. */
function integrityProblems(s: Scenario): Problem[] {
  const out: Problem[] = [];
  const orgId = s.organization.id;
  const folderIds = new Set<string>();
  (s.folders ?? []).forEach((f, i) => {
    if (folderIds.has(f.id)) out.push({ path: ['folders', i, 'id'], message: `duplicate folder id ${f.id}` });
    folderIds.add(f.id);
  });
  const parentExists = (parent: string): boolean =>
    parent.startsWith('folders/') ? folderIds.has(parent.slice('folders/'.length)) : parent === `organizations/${orgId}`;
  const folderParent = new Map((s.folders ?? []).map((f) => [f.id, f.parent]));
  (s.folders ?? []).forEach((f, i) => {
    if (!parentExists(f.parent)) out.push({ path: ['folders', i, 'parent'], message: `unknown parent ${f.parent}` });
    const seen = new Set<string>([f.id]);
    let cur = folderParent.get(f.id);
    while (cur?.startsWith('folders/')) {
      const id = cur.slice('folders/'.length);
      if (seen.has(id)) {
        out.push({ path: ['folders', i, 'parent'], message: `folder ${f.id} is its own ancestor` });
        break;
      }
      seen.add(id);
      cur = folderParent.get(id);
    }
  });

  const customRoleNames = new Set<string>();
  const addRoles = (roles: Scenario['organization']['customRoles'], prefix: string, base: Path): void => {
    (roles ?? []).forEach((r, i) => {
      if (!r.roleId.startsWith(prefix)) out.push({ path: [...base, i, 'roleId'], message: `custom role ${r.roleId} must be named ${prefix}<roleId>` });
      if (customRoleNames.has(r.roleId)) out.push({ path: [...base, i, 'roleId'], message: `duplicate custom role ${r.roleId}` });
      customRoleNames.add(r.roleId);
    });
  };
  addRoles(s.organization.customRoles, `organizations/${orgId}/roles/`, ['organization', 'customRoles']);
  s.projects.forEach((p, pi) => addRoles(p.customRoles, `projects/${p.projectId}/roles/`, ['projects', pi, 'customRoles']));

  const known = predefinedRoles();
  const checkPolicy = (policy: ScenarioPolicy | undefined, base: Path): void => {
    (policy?.bindings ?? []).forEach((b, i) => {
      if (b.role.startsWith('roles/') ? !known.has(b.role) : !customRoleNames.has(b.role)) {
        out.push({ path: [...base, 'bindings', i, 'role'], message: `unknown role ${b.role} (neither a predefined role the emulator knows nor a custom role of this scenario)` });
      }
    });
  };
  checkPolicy(s.organization.iamPolicy, ['organization', 'iamPolicy']);
  (s.folders ?? []).forEach((f, i) => checkPolicy(f.iamPolicy, ['folders', i, 'iamPolicy']));

  const ids = new Map<string, number>();
  const numbers = new Map<string, number>();
  const emails = new Set<string>();
  s.projects.forEach((p, pi) => {
    const base: Path = ['projects', pi];
    if (ids.has(p.projectId)) out.push({ path: [...base, 'projectId'], message: `duplicate project id ${p.projectId}` });
    ids.set(p.projectId, pi);
    if (numbers.has(p.number)) out.push({ path: [...base, 'number'], message: `duplicate project number ${p.number}` });
    numbers.set(p.number, pi);
    if (!parentExists(p.parent)) out.push({ path: [...base, 'parent'], message: `unknown parent ${p.parent}` });
    checkPolicy(p.iamPolicy, [...base, 'iamPolicy']);

    (p.serviceAccounts ?? []).forEach((a, ai) => {
      const email = (a.email ?? `${a.accountId}@${p.projectId}.iam.gserviceaccount.com`).toLowerCase();
      if (a.email && a.email.split('@')[0] !== a.accountId) {
        out.push({ path: [...base, 'serviceAccounts', ai, 'email'], message: `email ${a.email} does not start with accountId ${a.accountId}` });
      }
      if (emails.has(email)) out.push({ path: [...base, 'serviceAccounts', ai], message: `duplicate service account ${email}` });
      emails.add(email);
      checkPolicy(a.iamPolicy, [...base, 'serviceAccounts', ai, 'iamPolicy']);
    });

    const svcKeys = new Set<string>();
    (p.services ?? []).forEach((svc, si) => {
      const sb: Path = [...base, 'services', si];
      const key = `${svc.region}/${svc.name}`;
      if (svcKeys.has(key)) out.push({ path: [...sb, 'name'], message: `duplicate service ${svc.name} in ${svc.region}` });
      svcKeys.add(key);
      checkPolicy(svc.iamPolicy, [...sb, 'iamPolicy']);
      const revIds = new Set<string>();
      (svc.revisions ?? []).forEach((r, ri) => {
        if (revIds.has(r.id)) out.push({ path: [...sb, 'revisions', ri, 'id'], message: `duplicate revision ${r.id}` });
        revIds.add(r.id);
      });
      const last = svc.revisions?.[svc.revisions.length - 1];
      if (last?.serviceAccount && svc.serviceAccount && last.serviceAccount !== svc.serviceAccount) {
        out.push({
          path: [...sb, 'revisions', (svc.revisions?.length ?? 1) - 1, 'serviceAccount'],
          message: `the latest revision runs as the template's identity, but ${last.serviceAccount} differs from the service's ${svc.serviceAccount}`,
        });
      }
      if (svc.traffic && svc.traffic.length > 0) {
        const known = svc.revisions && svc.revisions.length > 0 ? revIds : undefined;
        let sum = 0;
        svc.traffic.forEach((t, ti) => {
          sum += t.percent;
          const tb: Path = [...sb, 'traffic', ti];
          if (t.latest === true && t.revision !== undefined) out.push({ path: tb, message: 'a traffic entry names either a revision or latest: true, not both' });
          else if (t.latest !== true && t.revision === undefined) out.push({ path: tb, message: 'a traffic entry needs a revision or latest: true' });
          else if (t.revision !== undefined && (!known || !known.has(t.revision))) {
            out.push({ path: [...tb, 'revision'], message: `traffic to unknown revision ${t.revision}` });
          }
        });
        if (sum !== 100) out.push({ path: [...sb, 'traffic'], message: `traffic percents sum to ${sum}, not 100` });
      }
    });
    const jobKeys = new Set<string>();
    (p.jobs ?? []).forEach((j, ji) => {
      const key = `${j.region}/${j.name}`;
      if (jobKeys.has(key)) out.push({ path: [...base, 'jobs', ji, 'name'], message: `duplicate job ${j.name} in ${j.region}` });
      jobKeys.add(key);
      checkPolicy(j.iamPolicy, [...base, 'jobs', ji, 'iamPolicy']);
    });
  });
  return out;
}

function position(doc: Document, lc: LineCounter, p: Problem): { line: number; col: number } {
  let node: unknown = doc.getIn(p.path, true);
  // A missing leaf points at its nearest present ancestor.
  for (let n = p.path.length; node === undefined && n > 0; n--) node = doc.getIn(p.path.slice(0, n - 1), true);
  if (node === undefined) node = doc.contents;
  if (p.atKey !== undefined && isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === p.atKey);
    if (pair && isScalar(pair.key)) node = pair.key;
  }
  const range = (node as { range?: [number, number, number] } | null)?.range;
  const pos = lc.linePos(range?.[0] ?? 0);
  return { line: pos.line, col: pos.col };
}

/** Parses and validates a scenario (YAML or JSON); every problem is reported as `file:line:col: problem`. */
export function parseScenario(text: string, file: string): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const syntax = [...doc.errors];
  if (syntax.length > 0) {
    const lines = syntax.map((e) => {
      const pos = lc.linePos(e.pos[0]);
      return `${file}:${pos.line}:${pos.col}: ${e.message.split('\n')[0] ?? e.message}`;
    });
    throw new UserError('SCENARIO', lines[0] ?? `${file}: invalid YAML`, lines.slice(1));
  }
  const data: unknown = doc.toJS();
  const check = validate();
  let problems: Problem[];
  if (!check(data)) {
    problems = (check.errors ?? []).map(schemaProblem).filter((x): x is Problem => x !== undefined);
  } else {
    problems = integrityProblems(data as Scenario);
  }
  if (problems.length > 0) {
    const lines = [
      ...new Set(
        problems
          .map((p) => ({ p, pos: position(doc, lc, p) }))
          .sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col)
          .map(({ p, pos }) => `${file}:${pos.line}:${pos.col}: ${showPath(p.path)}: ${p.message}`),
      ),
    ];
    throw new UserError('SCENARIO', lines[0] ?? `${file}: invalid scenario`, lines.slice(1));
  }
  return data as Scenario;
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError('SCENARIO', `${file}: cannot read scenario (${code ?? String(e)})`);
  }
  return parseScenario(text, file);
}
