import type { ApiFolder, ApiOrganization } from '../google/types.js';
import type { Folder, Organization, Policy } from '../model/inventory.js';

/** The number is int64 and only reachable through `projects/{number}`; kept as a decimal string. */
export function projectNumberOf(name: string): string | undefined {
  return /^projects\/(\d+)$/.exec(name)?.[1];
}

export function mapFolder(name: string, api: ApiFolder | undefined, parent: string | undefined, iamPolicy: Policy | null): Folder {
  const out: Folder = { name, iamPolicy };
  if (api?.displayName !== undefined) out.displayName = api.displayName;
  const p = api?.parent ?? parent;
  if (p !== undefined) out.parent = p;
  return out;
}

export function mapOrganization(name: string, api: ApiOrganization | undefined, iamPolicy: Policy | null): Organization {
  const out: Organization = { name, iamPolicy };
  if (api?.displayName !== undefined) out.displayName = api.displayName;
  return out;
}
