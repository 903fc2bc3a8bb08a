import { createHash } from 'node:crypto';
import { ApiError, type GoogleErrorBody } from './google-errors.js';

/**
 * Cloud Storage JSON API shapes. Storage still answers errors in the older Google error model (no `status`,
 * an `errors[]` list with domain and reason), so its errors are built here rather than in google-errors.ts.
 */

export interface StoredObject {
  bucket: string;
  name: string;
  content: Buffer;
  contentType: string;
  generation: string;
  created: string;
}

function storageError(code: number, reason: string, message: string): ApiError {
  const body: GoogleErrorBody = { error: { code, message, errors: [{ message, domain: 'global', reason }] } };
  return new ApiError(code, body);
}

export function bucketNotFound(): ApiError {
  return storageError(404, 'notFound', 'The specified bucket does not exist.');
}

export function objectNotFound(bucket: string, name: string): ApiError {
  return storageError(404, 'notFound', `No such object: ${bucket}/${name}`);
}

/** Storage names the caller and the permission in one sentence; without credentials the caller is anonymous. */
export function storageForbidden(caller: string, permission: string, what: 'bucket' | 'object'): ApiError {
  const resource = what === 'bucket' ? 'Google Cloud Storage bucket' : 'Google Cloud Storage object';
  return storageError(
    403,
    'forbidden',
    `${caller} does not have ${permission} access to the ${resource}. Permission '${permission}' denied on resource (or it may not exist).`,
  );
}

export function storageRequired(): ApiError {
  return storageError(400, 'required', 'Required');
}

export function storageInvalid(message: string): ApiError {
  return storageError(400, 'invalid', message);
}

export function uploadTypeMissing(): ApiError {
  return storageError(400, 'badRequest', 'Upload requests must include an uploadType URL parameter and a URL-encoded object name.');
}

// CRC32C (Castagnoli), the checksum Storage reports next to MD5.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The `storage#object` resource, as objects.insert and objects.get return it (links name Google's hosts, as Google does). */
export function objectResource(o: StoredObject): Record<string, unknown> {
  const encoded = encodeURIComponent(o.name);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32c(o.content));
  const selfLink = `https://www.googleapis.com/storage/v1/b/${o.bucket}/o/${encoded}`;
  return {
    kind: 'storage#object',
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink,
    mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${o.bucket}/o/${encoded}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: o.generation,
    metageneration: '1',
    contentType: o.contentType,
    storageClass: 'STANDARD',
    size: String(o.content.length),
    md5Hash: createHash('md5').update(o.content).digest('base64'),
    crc32c: crc.toString('base64'),
    etag: Buffer.from(o.generation).toString('base64').replace(/=+$/, ''),
    timeCreated: o.created,
    updated: o.created,
    timeStorageClassUpdated: o.created,
    timeFinalized: o.created,
  };
}
