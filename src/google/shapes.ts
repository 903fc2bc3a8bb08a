import { BadResponseError } from './errors.js';

/**
 * Checks that a response is shaped like what Google documents before anything reads it. A proxy that rewrites
 * responses, a truncated body, or an imitation with a bug must become BAD_RESPONSE, never an empty inventory.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function expectObject(v: unknown, what: string): JsonObject {
  if (isObject(v)) return v;
  if (typeof v === 'string') {
    throw new BadResponseError(v.length === 0 ? `${what}: empty body` : `${what}: not JSON (${v.length} bytes; truncated?)`);
  }
  throw new BadResponseError(`${what}: expected a JSON object, got ${describe(v)}`);
}

/** A list field: absent means empty (Google omits empty repeated fields); anything but an array of objects is wrong. */
export function expectList(obj: JsonObject, field: string, what: string, requireName = true): JsonObject[] {
  const v = obj[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BadResponseError(`${what}: "${field}" is ${describe(v)}, not a list`);
  return v.map((item, i) => {
    if (!isObject(item)) throw new BadResponseError(`${what}: ${field}[${i}] is ${describe(item)}, not an object`);
    if (requireName && typeof item['name'] !== 'string') throw new BadResponseError(`${what}: ${field}[${i}] has no name`);
    return item;
  });
}

export function optionalString(obj: JsonObject, field: string, what: string): string | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BadResponseError(`${what}: "${field}" is ${describe(v)}, not a string`);
  return v;
}

export function requireString(obj: JsonObject, field: string, what: string): string {
  const v = optionalString(obj, field, what);
  if (v === undefined) throw new BadResponseError(`${what}: "${field}" is missing`);
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}
