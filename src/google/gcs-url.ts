import { UserError } from '../errors.js';

/** A `gs://bucket/prefix` destination; `prefix` is '' or ends with '/'. */
export interface GcsLocation {
  bucket: string;
  prefix: string;
}

export function isGcsUrl(s: string): boolean {
  return s.startsWith('gs://');
}

/** Cloud Storage's bucket naming rules, checked before scanning so that a typo costs no scan. */
export function parseGcsUrl(url: string, flag: string): GcsLocation {
  const m = /^gs:\/\/([^/]*)(?:\/(.*))?$/s.exec(url);
  const bucket = m?.[1] ?? '';
  const valid =
    /^[a-z0-9][-_.a-z0-9]*[a-z0-9]$/.test(bucket) &&
    bucket.length >= 3 &&
    (bucket.includes('.') ? bucket.length <= 222 && bucket.split('.').every((p) => p.length >= 1 && p.length <= 63) : bucket.length <= 63) &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(bucket) &&
    !bucket.startsWith('goog');
  if (!valid) {
    throw new UserError('USAGE', `${flag} ${url}: "${bucket}" is not a Cloud Storage bucket name (3-63 characters: a-z, 0-9, -, _ and .)`);
  }
  const rest = (m?.[2] ?? '').replace(/\/+$/, '');
  if (/[\r\n]/.test(rest) || rest.split('/').some((p) => p === '.' || p === '..')) {
    throw new UserError('USAGE', `${flag} ${url}: the object prefix may not contain line breaks, "." or ".." segments`);
  }
  return { bucket, prefix: rest === '' ? '' : `${rest}/` };
}
