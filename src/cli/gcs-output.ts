import { parseGcsUrl } from '../google/gcs-url.js';
import { endpointFrom } from './scope.js';

/** What `--output-dir gs://…` needs to know about the connection: the same flags the scan uses. */
export interface GcsConnectionArgs {
  endpoint?: string;
  'impersonate-service-account'?: string;
}

export interface ReportObject {
  /** File name under the prefix, e.g. `latest.json`. */
  name: string;
  body: string;
  contentType: string;
}

/** Content types by extension, so a browser opening an object from the console shows it right. */
const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  sarif: 'application/sarif+json; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
};

export function contentTypeFor(extension: string): string {
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/**
 * Uploads report objects to `gs://bucket/prefix/`, in order, and returns their URLs. The Storage client is
 * loaded only here, so runs that write local files never pay for it.
 */
export async function uploadReportObjects(url: string, objects: readonly ReportObject[], conn: GcsConnectionArgs): Promise<string[]> {
  const { bucket, prefix } = parseGcsUrl(url, '--output-dir');
  const { ReportBucket } = await import('../google/storage.js');
  const endpoint = endpointFrom(conn.endpoint ?? process.env['CLOUDRUN_AUDITOR_ENDPOINT']);
  const impersonate = conn['impersonate-service-account'];
  const writer = await ReportBucket.connect({
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(impersonate !== undefined ? { impersonateServiceAccount: impersonate } : {}),
  });
  const written: string[] = [];
  for (const o of objects) {
    await writer.upload(bucket, prefix + o.name, o.body, o.contentType);
    written.push(`gs://${bucket}/${prefix}${o.name}`);
  }
  return written;
}
