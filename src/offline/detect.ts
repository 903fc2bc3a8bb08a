import { UserError } from '../errors.js';
import { isObject, type JsonObject } from '../google/shapes.js';
import type { InputSpec } from './read.js';

/**
 * What one document in an input file is, told apart by shape alone. Each kind is what a documented command prints:
 * see the README section "Audit exported JSON" for the command behind each.
 */
export type OfflineItem =
  /** `gcloud run services|revisions list/describe --format=json`, `gcloud run jobs list/describe --format=json`. */
  | { kind: 'knative'; type: 'Service' | 'Revision' | 'Job'; obj: JsonObject; file: string }
  /** Cloud Run Admin API v2 objects (`gcloud run services describe` is v1; the v2 REST API returns these). */
  | { kind: 'v2'; type: 'services' | 'revisions' | 'jobs'; obj: JsonObject; file: string }
  /** A policy and the resource it is set on: `projects/ID`, `projects/NUMBER`, `folders/N`, `organizations/N`. */
  | { kind: 'policy'; on: string; policy: JsonObject; file: string }
  /** `gcloud projects describe --format=json` (v1 or v3 Project). */
  | { kind: 'project'; projectId: string; projectNumber?: string; parent?: string; labels?: JsonObject; state?: string; file: string }
  /** `gcloud projects get-ancestors ID --format=json`: nearest first, the project itself included. */
  | { kind: 'ancestors'; projectId: string; chain: string[]; file: string }
  /** `gcloud iam service-accounts describe EMAIL --format=json`. */
  | { kind: 'account'; account: JsonObject; file: string }
  /** One key from `gcloud iam service-accounts keys list --iam-account=EMAIL --format=json`. */
  | { kind: 'key'; email: string; key: JsonObject; file: string }
  /** `gcloud iam roles describe --format=json`. */
  | { kind: 'role'; role: JsonObject; file: string }
  /** One Cloud Asset Inventory resource, from an export (`resource.data`) or a search (`versionedResources`). */
  | { kind: 'asset'; name: string; assetType: string; data: JsonObject | undefined; ancestors: string[]; project?: string; file: string }
  /** One Cloud Asset Inventory IAM policy (iam-policy export line, or a search-all-iam-policies result). */
  | { kind: 'asset-policy'; name: string; assetType: string; policy: JsonObject; ancestors: string[]; project?: string; file: string }
  /** A list that says it is not all there: a v2 `nextPageToken` or v1 `metadata.continue` (more pages), or `unreachable` regions. */
  | { kind: 'partial'; list: string; where: string; nextPage: boolean; unreachable: string[]; projects: string[]; file: string };

const RUN_V2 = /^projects\/[^/]+\/locations\/[^/]+\/(services|jobs)\/[^/]+(\/revisions\/[^/]+)?$/;
const ROLE = /^(roles\/[^/]+|projects\/[^/]+\/roles\/[^/]+|organizations\/\d+\/roles\/[^/]+)$/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Asset Inventory writes numbers as floats (`1.0`, `4.8e11`); int64 project numbers come back as decimal strings here. */
export function numberText(v: unknown): string | undefined {
  if (typeof v === 'string') return /^\d+(\.0+)?$/.test(v) ? v.replace(/\.0+$/, '') : undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return String(v);
  return undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function looksLikePolicy(o: JsonObject): boolean {
  return Array.isArray(o['bindings']) || (typeof o['etag'] === 'string' && o['name'] === undefined && o['kind'] === undefined && Object.keys(o).every((k) => ['etag', 'version', 'bindings', 'auditConfigs'].includes(k)));
}

/** Every item in one document; an unknown shape is a usage error naming the file. */
export function classify(doc: unknown, spec: InputSpec, where: string): OfflineItem[] {
  const file = spec.file;
  if (Array.isArray(doc)) {
    // `gcloud projects get-ancestors` prints [{id, type}, …].
    if (doc.length > 0 && doc.every((d) => isObject(d) && typeof d['type'] === 'string' && typeof d['id'] === 'string' && Object.keys(d).length === 2)) {
      return [ancestors(doc as JsonObject[], spec, where)];
    }
    return doc.flatMap((d, i) => classify(d, spec, `${where}[${i}]`));
  }
  if (!isObject(doc)) throw unknown(spec, where, `a JSON ${doc === null ? 'null' : typeof doc}`);
  const o = doc;
  const apiVersion = str(o['apiVersion']);
  const kind = str(o['kind']);

  if (apiVersion === 'serving.knative.dev/v1' && (kind === 'Service' || kind === 'Revision')) return [{ kind: 'knative', type: kind, obj: o, file }];
  if (apiVersion === 'run.googleapis.com/v1' && kind === 'Job') return [{ kind: 'knative', type: 'Job', obj: o, file }];
  if (kind !== undefined && /List$/.test(kind) && Array.isArray(o['items'])) {
    const items = (o['items'] as unknown[]).flatMap((d, i) => classify(d, spec, `${where}.items[${i}]`));
    const more = str(isObject(o['metadata']) ? o['metadata']['continue'] : undefined) !== undefined;
    // `ServiceList` → `services`: the same words as for a v2 list.
    return [...items, ...partial(`${kind.replace(/List$/, '').toLowerCase()}s`, more, o['unreachable'], items, file, where)];
  }

  const name = str(o['name']);
  const assetType = str(o['asset_type']) ?? str(o['assetType']);
  if (name?.startsWith('//') && assetType !== undefined) {
    // Exports list `ancestors` (the resource's project first); searches give `project`, `folders` and `organization`.
    const anc = Array.isArray(o['ancestors'])
      ? strings(o['ancestors'])
      : [...(str(o['project']) ? [str(o['project']) ?? ''] : []), ...strings(o['folders']), ...(str(o['organization']) ? [str(o['organization']) ?? ''] : [])];
    const project = str(o['project']);
    const base = { name, assetType, ancestors: anc, file, ...(project !== undefined ? { project } : {}) };
    const iam = o['iam_policy'] ?? o['iamPolicy'];
    if (isObject(iam)) return [{ kind: 'asset-policy', ...base, policy: iam }];
    if (isObject(o['resource'])) {
      const data = o['resource']['data'];
      return [{ kind: 'asset', ...base, data: isObject(data) ? data : undefined }];
    }
    if (Array.isArray(o['versionedResources'])) {
      const versions = (o['versionedResources'] as unknown[]).filter(isObject);
      const v = versions.find((x) => x['version'] === 'v1') ?? versions[0];
      const r = v?.['resource'];
      return [{ kind: 'asset', ...base, data: isObject(r) ? r : undefined }];
    }
    // A search result printed without versionedResources has no identity to read; kept so it can be named.
    return [{ kind: 'asset', ...base, data: undefined }];
  }
  // `gcloud asset search-all-iam-policies` results: {resource, assetType, project, policy}.
  if (str(o['resource'])?.startsWith('//') && assetType !== undefined && isObject(o['policy'])) {
    const project = str(o['project']);
    const anc = [...(project !== undefined ? [project] : []), ...strings(o['folders']), ...(str(o['organization']) ? [str(o['organization']) ?? ''] : [])];
    return [{ kind: 'asset-policy', name: str(o['resource']) ?? '', assetType, policy: o['policy'], ancestors: anc, file, ...(project !== undefined ? { project } : {}) }];
  }

  if (name !== undefined && RUN_V2.test(name)) {
    const type = name.includes('/revisions/') ? 'revisions' : name.includes('/jobs/') ? 'jobs' : 'services';
    return [{ kind: 'v2', type, obj: o, file }];
  }
  for (const list of ['services', 'revisions', 'jobs'] as const) {
    if (Array.isArray(o[list]) && Object.keys(o).every((k) => k === list || k === 'nextPageToken' || k === 'unreachable')) {
      const items = (o[list] as unknown[]).flatMap((d, i) => classify(d, spec, `${where}.${list}[${i}]`));
      return [...items, ...partial(list, str(o['nextPageToken']) !== undefined, o['unreachable'], items, file, where)];
    }
  }

  if (isObject(o['policy']) && (str(o['project']) !== undefined || str(o['resource']) !== undefined)) {
    const on = str(o['project']) ?? str(o['resource']) ?? '';
    return [{ kind: 'policy', on: on.includes('/') ? on : `projects/${on}`, policy: o['policy'], file }];
  }
  if (looksLikePolicy(o)) {
    if (spec.policyOf === undefined) {
      throw new UserError('INPUT', `${file}: ${where === 'document' ? 'an' : `${where} is an`} IAM policy, but not whose: name it with --input iam=PROJECT_ID:${file} (or iam=folders/N:…, iam=organizations/N:…, iam=SERVICE_ACCOUNT_EMAIL:…)`);
    }
    const on = spec.policyOf.includes('@') ? `sa:${spec.policyOf.toLowerCase()}` : spec.policyOf.includes('/') ? spec.policyOf : `projects/${spec.policyOf}`;
    return [{ kind: 'policy', on, policy: o, file }];
  }

  const projectId = str(o['projectId']);
  if (projectId !== undefined && (o['projectNumber'] !== undefined || /^projects\/\d+$/.test(name ?? ''))) {
    const number = numberText(o['projectNumber']) ?? /^projects\/(\d+)$/.exec(name ?? '')?.[1];
    const p = o['parent'];
    const parent = isObject(p) ? (str(p['type']) && str(p['id']) ? `${p['type'] === 'folder' ? 'folders' : 'organizations'}/${String(p['id'])}` : undefined) : str(p);
    const state = str(o['lifecycleState']) ?? str(o['state']);
    return [
      {
        kind: 'project',
        projectId,
        file,
        ...(number !== undefined ? { projectNumber: number } : {}),
        ...(parent !== undefined ? { parent } : {}),
        ...(isObject(o['labels']) ? { labels: o['labels'] } : {}),
        ...(state !== undefined ? { state } : {}),
      },
    ];
  }
  const key = /^projects\/[^/]+\/serviceAccounts\/([^/]+)\/keys\/[^/]+$/.exec(name ?? '');
  if (key && str(o['keyType']) !== undefined) return [{ kind: 'key', email: key[1] ?? '', key: o, file }];
  if (/^projects\/[^/]+\/serviceAccounts\/[^/]+$/.test(name ?? '') && str(o['email']) !== undefined) return [{ kind: 'account', account: o, file }];
  if (name !== undefined && ROLE.test(name) && (Array.isArray(o['includedPermissions']) || str(o['title']) !== undefined || str(o['etag']) !== undefined)) {
    return [{ kind: 'role', role: o, file }];
  }
  throw unknown(spec, where, describeKeys(o));
}

/** The marker for a list that says it is incomplete, or nothing; an empty `unreachable` or page token is complete. */
function partial(list: string, nextPage: boolean, unreachableRaw: unknown, items: OfflineItem[], file: string, where: string): OfflineItem[] {
  const unreachable = strings(unreachableRaw).sort();
  if (!nextPage && unreachable.length === 0) return [];
  // The project each listed item names (v2: the ID or number in its name; Knative: the namespace, a number).
  const projects = items.flatMap((i) => {
    const token = i.kind === 'v2' ? /^projects\/([^/]+)\//.exec(String(i.obj['name']))?.[1] : i.kind === 'knative' ? numberText(obj(i.obj['metadata'])['namespace']) : undefined;
    return token !== undefined ? [token] : [];
  });
  return [{ kind: 'partial', list, where, nextPage, unreachable, projects: [...new Set(projects)].sort(), file }];
}

function obj(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

function ancestors(list: JsonObject[], spec: InputSpec, where: string): OfflineItem {
  const first = list[0];
  if (!first || first['type'] !== 'project') throw unknown(spec, where, 'a list of ancestors that does not start with a project');
  const chain: string[] = [];
  for (const a of list.slice(1)) {
    if (a['type'] === 'folder') chain.push(`folders/${String(a['id'])}`);
    else if (a['type'] === 'organization') chain.push(`organizations/${String(a['id'])}`);
    else throw unknown(spec, where, `an ancestor of type "${String(a['type'])}"`);
  }
  return { kind: 'ancestors', projectId: String(first['id']), chain, file: spec.file };
}

function describeKeys(o: JsonObject): string {
  const keys = Object.keys(o).slice(0, 6);
  return keys.length === 0 ? 'an empty object' : `an object with ${keys.map((k) => `"${k}"`).join(', ')}${Object.keys(o).length > 6 ? ', …' : ''}`;
}

function unknown(spec: InputSpec, where: string, what: string): UserError {
  return new UserError(
    'INPUT',
    `${spec.file}: ${where === 'document' ? '' : `${where}: `}unrecognised input (${what}); expected gcloud run/projects/iam --format=json output, Cloud Run v2 JSON, or a Cloud Asset Inventory export or search`,
  );
}
