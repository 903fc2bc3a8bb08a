import { addSeconds, digitsFor, policyEtag, timestampFor } from './ids.js';
import type { ScenarioCustomRole, ScenarioKey } from './scenario.js';
import type { AccountRef } from './world.js';

/** IAM v1 resources: service accounts, keys and roles. */

type Json = Record<string, unknown>;

/** IAM gives every service account the same constant etag. */
const ACCOUNT_ETAG = 'MDEwMjE5MjA=';

export function uniqueIdOf(ref: AccountRef): string {
  return ref.account.uniqueId ?? digitsFor(21, 'sa', ref.email);
}

export function accountJson(ref: AccountRef): Json {
  const a = ref.account;
  const uniqueId = uniqueIdOf(ref);
  const out: Json = {
    name: `projects/${ref.project.projectId}/serviceAccounts/${ref.email}`,
    projectId: ref.project.projectId,
    uniqueId,
    email: ref.email,
  };
  const display = a.displayName ?? (ref.email.endsWith('-compute@developer.gserviceaccount.com') ? 'Compute Engine default service account' : undefined);
  if (display !== undefined) out['displayName'] = display;
  if (a.description !== undefined) out['description'] = a.description;
  out['etag'] = ACCOUNT_ETAG;
  out['oauth2ClientId'] = uniqueId;
  if (a.disabled) out['disabled'] = true;
  return out;
}

export function keyJson(ref: AccountRef, k: ScenarioKey): Json {
  const validAfter = k.validAfterTime ?? timestampFor(`${ref.email}/${k.keyId}`).replace(/\.\d+Z$/, 'Z');
  const validBefore =
    k.validBeforeTime ?? (k.keyType === 'USER_MANAGED' ? '9999-12-31T23:59:59Z' : addSeconds(validAfter.replace(/Z$/, '.000000Z'), 730 * 86_400).replace(/\.\d+Z$/, 'Z'));
  const out: Json = {
    name: `projects/${ref.project.projectId}/serviceAccounts/${ref.email}/keys/${k.keyId}`,
    validAfterTime: validAfter,
    validBeforeTime: validBefore,
    keyAlgorithm: 'KEY_ALG_RSA_2048',
    keyOrigin: k.keyOrigin ?? 'GOOGLE_PROVIDED',
    keyType: k.keyType,
  };
  if (k.disabled) out['disabled'] = true;
  return out;
}

export interface PredefinedRole {
  name: string;
  title: string;
  description: string;
  stage: string;
  etag: string;
  includedPermissions: string[];
}

export function roleView(role: PredefinedRole, full: boolean): Json {
  const out: Json = { name: role.name, title: role.title, description: role.description };
  if (full) out['includedPermissions'] = role.includedPermissions;
  out['stage'] = role.stage;
  out['etag'] = role.etag;
  return out;
}

export function customRoleJson(r: ScenarioCustomRole, full: boolean): Json {
  const out: Json = { name: r.roleId };
  if (r.title !== undefined) out['title'] = r.title;
  if (r.description !== undefined) out['description'] = r.description;
  if (full) out['includedPermissions'] = [...r.includedPermissions];
  const stage = r.stage ?? 'GA';
  // IAM leaves the stage out for ALPHA roles.
  if (stage !== 'ALPHA') out['stage'] = stage;
  out['etag'] = policyEtag(r.roleId + JSON.stringify(r.includedPermissions));
  if (r.deleted) out['deleted'] = true;
  return out;
}
