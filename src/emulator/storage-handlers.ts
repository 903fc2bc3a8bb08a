import { MediaBody, param, type RequestContext } from './context.js';
import { permissionMatches } from './world.js';
import type { ScenarioBucket, ScenarioProject } from './scenario.js';
import {
  bucketNotFound,
  objectNotFound,
  objectResource,
  storageForbidden,
  storageInvalid,
  storageRequired,
  uploadTypeMissing,
  type StoredObject,
} from './storage-shapes.js';
import { ApiError } from './google-errors.js';
import { bucketObjects, nextGeneration } from './storage-store.js';

/**
 * Cloud Storage JSON API: media uploads (objects.insert) and the reads tests use to look at what was written
 * (objects.get, objects.list). Buckets come from the scenario's projects; objects live only as long as the emulator.
 */

interface BucketRef {
  bucket: ScenarioBucket;
  project: ScenarioProject;
}

function findBucket(ctx: RequestContext, name: string): BucketRef {
  for (const project of ctx.world.projects) {
    for (const bucket of project.buckets ?? []) if (bucket.name === name) return { bucket, project };
  }
  throw bucketNotFound();
}

function callerName(ctx: RequestContext): string {
  return ctx.headers['authorization'] === undefined ? 'Anonymous caller' : 'The caller';
}

/** Bucket IAM on top of project IAM: a permission denied on either is denied. */
function requirePermission(ctx: RequestContext, ref: BucketRef, permission: string, what: 'bucket' | 'object'): void {
  const deniedHere = (ref.bucket.deniedPermissions ?? []).some((d) => permissionMatches(d, permission));
  if (deniedHere || !ctx.world.granted(permission, ref.project)) throw storageForbidden(callerName(ctx), permission, what);
}

function headerValue(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function insertObject(ctx: RequestContext): Record<string, unknown> {
  const uploadType = ctx.query.get('uploadType');
  if (uploadType === null || uploadType === '') throw uploadTypeMissing();
  if (uploadType !== 'media') throw storageInvalid(`uploadType=${uploadType} is not served by this emulator; it serves uploadType=media`);
  const ref = findBucket(ctx, param(ctx, 'bucket'));
  const name = ctx.query.get('name') ?? '';
  if (name === '') throw storageRequired();
  if (/[\r\n]/.test(name) || Buffer.byteLength(name) > 1024 || name === '.' || name === '..') {
    throw storageInvalid(`The object name '${name.slice(0, 64)}' is invalid.`);
  }
  requirePermission(ctx, ref, 'storage.objects.create', 'object');
  const objects = bucketObjects(ctx.world, ref.bucket.name);
  const existing = objects.get(name);
  const ifGenerationMatch = ctx.query.get('ifGenerationMatch');
  if (ifGenerationMatch !== null && ifGenerationMatch !== (existing?.generation ?? '0')) {
    throw new ApiError(412, {
      error: {
        code: 412,
        message: 'At least one of the pre-conditions you specified did not hold.',
        errors: [{ message: 'At least one of the pre-conditions you specified did not hold.', domain: 'global', reason: 'conditionNotMet' }],
      },
    });
  }
  // Replacing an object deletes the old generation, so Storage asks for delete as well as create.
  if (existing) requirePermission(ctx, ref, 'storage.objects.delete', 'object');
  const stored: StoredObject = {
    bucket: ref.bucket.name,
    name,
    content: ctx.rawBody,
    contentType: headerValue(ctx, 'content-type') ?? 'application/octet-stream',
    generation: nextGeneration(),
    created: new Date().toISOString(),
  };
  objects.set(name, stored);
  return objectResource(stored);
}

export function getObject(ctx: RequestContext): Record<string, unknown> | MediaBody {
  const ref = findBucket(ctx, param(ctx, 'bucket'));
  requirePermission(ctx, ref, 'storage.objects.get', 'object');
  const name = param(ctx, 'object');
  const o = bucketObjects(ctx.world, ref.bucket.name).get(name);
  if (!o) throw objectNotFound(ref.bucket.name, name);
  return ctx.query.get('alt') === 'media' ? new MediaBody(o.content, o.contentType) : objectResource(o);
}

const MAX_RESULTS = 1000;

export function listObjects(ctx: RequestContext): Record<string, unknown> {
  const ref = findBucket(ctx, param(ctx, 'bucket'));
  requirePermission(ctx, ref, 'storage.objects.list', 'bucket');
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const rawMax = ctx.query.get('maxResults');
  const max = rawMax === null ? MAX_RESULTS : Number(rawMax);
  if (!Number.isInteger(max) || max < 0) throw storageInvalid(`Invalid unsigned integer value: '${rawMax}'.`);
  const size = Math.min(max === 0 ? MAX_RESULTS : max, MAX_RESULTS);
  const token = ctx.query.get('pageToken');
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : '';

  const names = [...bucketObjects(ctx.world, ref.bucket.name).keys()].filter((n) => n.startsWith(prefix)).sort();
  // With a delimiter, everything below the next delimiter collapses into one prefix entry.
  const entries: { key: string; object?: StoredObject }[] = [];
  const seenPrefixes = new Set<string>();
  for (const n of names) {
    const cut = delimiter === '' ? -1 : n.indexOf(delimiter, prefix.length);
    if (cut >= 0) {
      const p = n.slice(0, cut + delimiter.length);
      if (!seenPrefixes.has(p)) entries.push({ key: p });
      seenPrefixes.add(p);
    } else {
      const object = bucketObjects(ctx.world, ref.bucket.name).get(n);
      if (object) entries.push({ key: n, object });
    }
  }
  const rest = entries.filter((e) => e.key > after);
  const page = rest.slice(0, size);
  const out: Record<string, unknown> = { kind: 'storage#objects' };
  const items = page.flatMap((e) => (e.object ? [objectResource(e.object)] : []));
  const prefixes = page.flatMap((e) => (e.object ? [] : [e.key]));
  if (prefixes.length > 0) out['prefixes'] = prefixes;
  if (items.length > 0) out['items'] = items;
  const last = page[page.length - 1];
  if (rest.length > page.length && last) out['nextPageToken'] = Buffer.from(last.key).toString('base64url');
  return out;
}
