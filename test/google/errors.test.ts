import { describe, expect, test } from 'vitest';
import type { CallContext } from '../../src/google/apis.js';
import { AttemptTimeoutError, BadResponseError, GoogleCallError, classify, isRetryable } from '../../src/google/errors.js';
import { registerSecret } from '../../src/google/redact.js';

const listCtx: CallContext = {
  api: 'run',
  method: 'services.list',
  resource: 'projects/acme-secure/locations/us-central1',
  project: 'acme-secure',
  permission: 'run.services.list',
  target: 'project acme-secure',
};

/** A googleapis GaxiosError as observed: status on the error, parsed body in response.data. */
function gapiError(status: number, body: unknown, headers: Record<string, string> = {}): Error {
  const e = new Error('x') as Error & Record<string, unknown>;
  e['status'] = status;
  e['code'] = status;
  e['response'] = { status, data: body, headers: new Headers(headers) };
  return e;
}

/** resource-manager's REST error as observed: code = HTTP status, message = the raw JSON body text. */
function gaxError(status: number, body: unknown): Error {
  const e = new Error(JSON.stringify(body)) as Error & Record<string, unknown>;
  e['code'] = status;
  return e;
}

function message(ctx: CallContext, err: unknown): string {
  return new GoogleCallError(ctx, classify(err), 1, 0).message;
}

describe('classification and fix text', () => {
  test('a disabled API names the project and the exact command', () => {
    const body = {
      error: {
        code: 403,
        message: 'Cloud Run Admin API has not been used in project 593018274466 before or it is disabled.',
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'SERVICE_DISABLED',
            domain: 'googleapis.com',
            metadata: { service: 'run.googleapis.com', consumer: 'projects/593018274466' },
          },
        ],
      },
    };
    const ctx = { ...listCtx, project: 'acme-legacy', resource: 'projects/acme-legacy/locations/us-central1', target: 'project acme-legacy' };
    const err = new GoogleCallError(ctx, classify(gapiError(403, body)), 1, 0);
    expect(err.message).toBe(
      'run.googleapis.com is disabled in project acme-legacy: enable it with "gcloud services enable run.googleapis.com --project=acme-legacy"',
    );
    expect(err.toCollectionError()).toEqual({
      project: 'acme-legacy',
      resource: 'projects/acme-legacy/locations/us-central1',
      api: 'run.googleapis.com',
      method: 'services.list',
      status: 403,
      reason: 'SERVICE_DISABLED',
      message: err.message,
    });
    expect(isRetryable(classify(gapiError(403, body)))).toBe(false);
  });

  test('a denied permission names the permission and the role to grant', () => {
    const body = {
      error: {
        code: 403,
        message: "Permission 'run.services.list' denied on resource 'projects/acme-secure/locations/us-central1' (or it may not exist).",
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'IAM_PERMISSION_DENIED',
            domain: 'iam.googleapis.com',
            metadata: { permission: 'run.services.list' },
          },
        ],
      },
    };
    expect(message(listCtx, gapiError(403, body))).toBe(
      'permission run.services.list denied on project acme-secure: grant the scanner roles/run.viewer on it',
    );
  });

  test('resource-manager errors carry the body as message text and are parsed the same way', () => {
    const body = { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } };
    const ctx: CallContext = {
      api: 'crm',
      method: 'folders.getIamPolicy',
      resource: 'folders/731045829163',
      permission: 'resourcemanager.folders.getIamPolicy',
      target: 'folders/731045829163',
    };
    const f = classify(gaxError(403, body));
    expect(f.status).toBe(403);
    expect(f.googleStatus).toBe('PERMISSION_DENIED');
    expect(message(ctx, gaxError(403, body))).toBe(
      'permission resourcemanager.folders.getIamPolicy denied on folders/731045829163: grant the scanner roles/iam.securityReviewer on it',
    );
  });

  test('429 with Retry-After is retryable and the wait is read in seconds', () => {
    const body = {
      error: {
        code: 429,
        message: "Quota exceeded for quota metric 'Read requests'",
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED', metadata: {} }],
      },
    };
    const f = classify(gapiError(429, body, { 'retry-after': '3' }));
    expect(f).toMatchObject({ status: 429, reason: 'RATE_LIMIT_EXCEEDED', retryAfterMs: 3000 });
    expect(isRetryable(f)).toBe(true);
    expect(new GoogleCallError(listCtx, f, 4, 12_500).message).toBe(
      'services.list on projects/acme-secure/locations/us-central1: run.googleapis.com quota exhausted (RATE_LIMIT_EXCEEDED) (4 attempts over 12.5 s): rerun later, lower --qpm, or raise the quota',
    );
  });

  test('retryable and final statuses', () => {
    for (const s of [429, 500, 502, 503, 504]) expect(isRetryable(classify(gapiError(s, {})))).toBe(true);
    for (const s of [400, 401, 403, 404, 409]) expect(isRetryable(classify(gapiError(s, {})))).toBe(false);
  });

  test('network resets are retryable; a refused connection is not', () => {
    const reset = Object.assign(new Error('request to http://127.0.0.1/v2 failed, reason: socket hang up'), { code: 'ECONNRESET' });
    expect(classify(reset)).toMatchObject({ status: 'NETWORK', networkCode: 'ECONNRESET' });
    expect(isRetryable(classify(reset))).toBe(true);
    const hangUp = new Error('socket hang up');
    expect(isRetryable(classify(hangUp))).toBe(true);
    const wrapped = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(classify(wrapped)).toMatchObject({ status: 'NETWORK', networkCode: 'ECONNREFUSED' });
    expect(isRetryable(classify(wrapped))).toBe(false);
  });

  test('timeouts, bad bodies and redirects have their own statuses', () => {
    expect(classify(new AttemptTimeoutError(50)).status).toBe('TIMEOUT');
    expect(classify(new BadResponseError('services.list: not JSON')).status).toBe('BAD_RESPONSE');
    const premature = Object.assign(new Error('Invalid response body: Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    expect(classify(premature)).toMatchObject({ status: 'NETWORK', networkCode: 'PREMATURE_CLOSE' });
    expect(isRetryable(classify(premature))).toBe(true);
    const redirect = gapiError(302, '', { location: 'https://elsewhere.example/v2/x?y=1' });
    const f = classify(redirect);
    expect(f).toMatchObject({ status: 'REDIRECT', location: 'https://elsewhere.example' });
    expect(new GoogleCallError(listCtx, f, 1, 0).message).toBe(
      'services.list on projects/acme-secure/locations/us-central1: run.googleapis.com answered with an unexpected redirect (HTTP 302 to https://elsewhere.example), which was not followed: check --endpoint and any proxy',
    );
  });

  test('no token or Authorization header ever reaches a message', () => {
    registerSecret('tok-Secret-123456');
    const body = { error: { code: 400, message: 'bad header Authorization: Bearer tok-Secret-123456 and ya29.a0AfH6SMBxyz', status: 'INVALID_ARGUMENT' } };
    const msg = message(listCtx, gapiError(400, body));
    expect(msg).not.toContain('tok-Secret-123456');
    expect(msg).not.toContain('ya29.a0AfH6SMBxyz');
    expect(msg).toContain('[redacted]');
  });
});
