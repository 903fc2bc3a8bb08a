import type { OAuth2Client } from 'google-auth-library';
import { storage_v1 } from 'googleapis/build/src/apis/storage/index.js';
import { UserError } from '../errors.js';
import type { CallContext } from './apis.js';
import { resolveCredentials, type CredentialOptions } from './auth.js';
import { Caller, type Attempt, type CallerOptions } from './call.js';
import { parseEndpoint } from './clients.js';
import { BadResponseError, isGoogleCallError, type GoogleCallError } from './errors.js';
import { expectObject, requireString } from './shapes.js';

export { isGcsUrl, parseGcsUrl, type GcsLocation } from './gcs-url.js';

export interface StorageOptions extends CredentialOptions, Omit<CallerOptions, 'endpoint'> {}

/**
 * Writes report objects through the Cloud Storage JSON API (objects.insert, uploadType=media), with the same
 * credentials, endpoint override and retries as every other Google call.
 */
export class ReportBucket {
  private constructor(
    private readonly client: storage_v1.Storage,
    private readonly caller: Caller,
    private readonly rootUrl: string | undefined,
  ) {}

  static async connect(opts: StorageOptions): Promise<ReportBucket> {
    const endpoint = opts.endpoint !== undefined ? parseEndpoint(opts.endpoint) : undefined;
    const auth = await resolveCredentials(opts);
    const caller = new Caller({ ...opts, ...(endpoint !== undefined ? { endpoint: endpoint.origin } : {}) });
    // googleapis types auth as a few AuthClient subclasses but only calls request(), which every AuthClient has.
    const client = new storage_v1.Storage({ retry: false, ...(auth !== undefined ? { auth: auth as OAuth2Client } : {}) });
    return new ReportBucket(client, caller, endpoint?.origin);
  }

  /** Uploads one object; a failure is an OUTPUT error naming the object and what to do. */
  async upload(bucket: string, name: string, body: string, contentType: string): Promise<void> {
    const url = `gs://${bucket}/${name}`;
    const ctx: CallContext = { api: 'storage', method: 'objects.insert', resource: url, permission: 'storage.objects.create', target: `bucket ${bucket}` };
    try {
      await this.caller.call(ctx, async (a: Attempt) => {
        // The upload URL is built from the per-call rootUrl only: a rootUrl given to the constructor redirects
        // the JSON paths but not /upload/, which would silently go to storage.googleapis.com.
        const res = await this.client.objects.insert(
          { bucket, name, media: { mimeType: contentType, body } },
          { signal: a.signal, timeout: a.timeoutMs * 2, retry: false, redirect: 'manual', ...(this.rootUrl !== undefined ? { rootUrl: this.rootUrl } : {}) },
        );
        const obj = expectObject(res.data, ctx.method);
        if (requireString(obj, 'name', ctx.method) !== name) throw new BadResponseError(`${ctx.method}: the stored object has another name`);
      });
    } catch (e) {
      if (isGoogleCallError(e)) throw new UserError('OUTPUT', `cannot write ${url}: ${explain(e, bucket)}`);
      if (e instanceof UserError && e.code === 'CREDENTIALS') throw e;
      if (e instanceof UserError) throw new UserError('OUTPUT', `cannot write ${url}: ${e.message}`);
      throw e;
    }
  }
}

function explain(e: GoogleCallError, bucket: string): string {
  const f = e.failure;
  if (f.status === 404) return `bucket ${bucket} does not exist: create it with "gcloud storage buckets create gs://${bucket}"`;
  if (f.status === 403) {
    const permission = /does not have (storage\.[a-zA-Z.]+) access/.exec(f.detail)?.[1] ?? e.ctx.permission;
    const why = permission === 'storage.objects.delete' ? ' (replacing an existing object, such as latest.*, needs it)' : '';
    return (
      `permission ${permission} denied on bucket ${bucket}${why}: grant the scanner's service account ` +
      `storage.objects.create and storage.objects.delete on gs://${bucket} (roles/storage.objectUser, or the custom role in examples/cloud-run-job/)`
    );
  }
  return e.message;
}
