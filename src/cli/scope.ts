import { UserError } from '../errors.js';
import type { Scope } from '../model/inventory.js';

// Project IDs: 6–30 chars, lowercase letter first, letters/digits/hyphens, no trailing hyphen;
// legacy domain-scoped IDs ("example.com:my-project") are still valid in Google Cloud.
const PROJECT_ID = /^(?:[a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const NUMBER = /^[1-9][0-9]{0,19}$/;
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;

export interface ScopeFlags {
  project?: string[] | undefined;
  folder?: string | undefined;
  organization?: string | undefined;
  region?: string[] | undefined;
}

/** Strips an optional `folders/` or `organizations/` prefix and checks the number. */
function resourceNumber(kind: 'folder' | 'organization', raw: string): string {
  const prefix = kind === 'folder' ? 'folders/' : 'organizations/';
  const value = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
  if (!NUMBER.test(value)) {
    throw new UserError('USAGE', `--${kind} must be a numeric ${kind} ID such as 123456789012, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function regionsFrom(flags: ScopeFlags): string[] {
  const regions = [...new Set((flags.region ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()))];
  for (const r of regions) {
    if (!REGION.test(r)) throw new UserError('USAGE', `--region must be a Cloud Run region such as europe-west1, got ${JSON.stringify(r)}`);
  }
  return regions.sort();
}

/** Exactly one of --project (repeatable), --folder, --organization. */
export function scopeFromFlags(flags: ScopeFlags, opts: { required: boolean }): Scope | undefined {
  const given = [
    flags.project !== undefined && '--project',
    flags.folder !== undefined && '--folder',
    flags.organization !== undefined && '--organization',
  ].filter(Boolean);
  if (given.length > 1) throw new UserError('USAGE', `choose one scope: ${given.join(' and ')} cannot be combined`);
  const regions = regionsFrom(flags);
  if (flags.project !== undefined) {
    const ids = [...new Set(flags.project.flatMap((p) => String(p).split(',')).map((p) => p.trim()))];
    if (ids.length === 0) throw new UserError('USAGE', '--project needs a project ID');
    for (const id of ids) {
      if (!PROJECT_ID.test(id)) {
        throw new UserError('USAGE', `--project must be a project ID such as acme-prod (6-30 lowercase letters, digits, hyphens), got ${JSON.stringify(id)}`);
      }
    }
    return { kind: 'projects', ids: ids.sort(), regions };
  }
  if (flags.folder !== undefined) return { kind: 'folder', ids: [resourceNumber('folder', String(flags.folder))], regions };
  if (flags.organization !== undefined) {
    return { kind: 'organization', ids: [resourceNumber('organization', String(flags.organization))], regions };
  }
  if (opts.required) throw new UserError('USAGE', 'no scope given: use --project ID, --folder N or --organization N (or --snapshot FILE)');
  return undefined;
}

export function endpointFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError('USAGE', `--endpoint must be a URL such as http://127.0.0.1:8085, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError('USAGE', `--endpoint must be an http or https URL, got ${JSON.stringify(raw)}`);
  }
  return url.origin;
}
