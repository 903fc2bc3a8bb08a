import type { ApiPolicy, ApiRole, ApiServiceAccount, ApiServiceAccountKey } from '../google/types.js';
import type {
  Binding,
  Policy,
  RoleDefinition,
  RoleSource,
  ServiceAccount,
  ServiceAccountKey,
  ServiceAccountState,
} from '../model/inventory.js';
import { compareText } from './sort.js';

/** Pure mapping of IAM shapes (policies, service accounts, keys, roles) to the Inventory. */

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function bindingKey(b: Binding): string {
  return `${b.role}\u0000${b.condition?.expression ?? ''}\u0000${b.condition?.title ?? ''}`;
}

/**
 * Members are kept exactly as written (`deleted:serviceAccount:…?uid=…` included); only their order is normalised.
 * A policy without `version` is version 1, as Google defines it.
 */
export function mapPolicy(p: ApiPolicy): Policy {
  const bindings = p.bindings.map((b) => {
    const out: Binding = { role: b.role, members: [...new Set(b.members)].sort(compareText) };
    const c = b.condition;
    const expression = text(c?.expression);
    const title = text(c?.title);
    if (c && (expression !== undefined || title !== undefined)) {
      out.condition = { title: title ?? '', expression: expression ?? '' };
      const description = text(c.description);
      if (description !== undefined) out.condition.description = description;
    }
    return out;
  });
  bindings.sort((a, b) => compareText(bindingKey(a), bindingKey(b)));
  return { version: typeof p.version === 'number' && p.version > 0 ? p.version : 1, bindings };
}

/** Role names a policy grants that have a definition to fetch (predefined or custom). */
export function rolesIn(policy: Policy | null): string[] {
  if (!policy) return [];
  return policy.bindings.map((b) => b.role).filter((r) => roleSource(r) !== undefined);
}

export function roleSource(name: string): RoleSource | undefined {
  if (/^roles\/[^/]+$/.test(name)) return 'predefined';
  if (/^projects\/[^/]+\/roles\/[^/]+$/.test(name)) return 'project';
  if (/^organizations\/[^/]+\/roles\/[^/]+$/.test(name)) return 'organization';
  return undefined;
}

export function mapRole(role: ApiRole, requestedName: string): RoleDefinition {
  const source = roleSource(requestedName) ?? 'predefined';
  const out: RoleDefinition = {
    name: requestedName,
    deleted: role.deleted === true,
    includedPermissions: [...new Set(role.includedPermissions ?? [])].sort(compareText),
    source,
  };
  const title = text(role.title);
  if (title !== undefined) out.title = title;
  const description = text(role.description);
  if (description !== undefined) out.description = description;
  const stage = text(role.stage);
  if (stage !== undefined) out.stage = stage;
  return out;
}

export function mapKey(key: ApiServiceAccountKey): ServiceAccountKey {
  const name = key.name ?? '';
  const out: ServiceAccountKey = {
    keyId: name.slice(name.lastIndexOf('/') + 1),
    // Anything not known to be Google-rotated is treated as a user-held key: the cautious reading for an auditor.
    keyType: key.keyType === 'SYSTEM_MANAGED' ? 'SYSTEM_MANAGED' : 'USER_MANAGED',
    disabled: key.disabled === true,
  };
  const optional: [keyof ServiceAccountKey, unknown][] = [
    ['keyOrigin', key.keyOrigin],
    ['keyAlgorithm', key.keyAlgorithm],
    ['validAfterTime', key.validAfterTime],
    ['validBeforeTime', key.validBeforeTime],
  ];
  for (const [k, v] of optional) {
    const t = text(v);
    if (t !== undefined) (out as unknown as Record<string, string>)[k] = t;
  }
  return out;
}

export interface ServiceAccountParts {
  email: string;
  /** The API's object; undefined when it could not be read or does not exist. */
  api?: ApiServiceAccount;
  /** 'deleted' when Google answered 404, 'unknown' when it refused or failed. Ignored when `api` is given. */
  missing?: 'deleted' | 'unknown';
  /** Home project when the API did not say (from the email, or a scanned project's number). */
  homeFallback?: string;
  policy: Policy | null;
  keys: ServiceAccountKey[] | null;
}

export function mapServiceAccount(parts: ServiceAccountParts): ServiceAccount {
  const api = parts.api;
  const state: ServiceAccountState = api ? (api.disabled === true ? 'disabled' : 'active') : (parts.missing ?? 'unknown');
  const out: ServiceAccount = {
    email: parts.email,
    state,
    iamPolicy: parts.policy,
    keys: parts.keys ? [...parts.keys].sort((a, b) => compareText(a.keyId, b.keyId)) : null,
  };
  const projectId = text(api?.projectId) ?? parts.homeFallback;
  if (projectId !== undefined) out.projectId = projectId;
  const uniqueId = text(api?.uniqueId);
  if (uniqueId !== undefined) out.uniqueId = uniqueId;
  const displayName = text(api?.displayName);
  if (displayName !== undefined) out.displayName = displayName;
  const description = text(api?.description);
  if (description !== undefined) out.description = description;
  return out;
}
