import { quotaMetric, type QuotaMetric } from './quota-metrics.js';

/**
 * Google's JSON error model (AIP-193), with the wording and details the real services use, so that clients
 * surface our errors exactly as they surface Google's.
 */

export interface ErrorDetail {
  '@type': string;
  [k: string]: unknown;
}

/** The older model's error entries; Cloud Storage still answers with these and no `status`. */
export interface LegacyErrorEntry {
  message: string;
  domain: string;
  reason: string;
}

export interface GoogleErrorBody {
  error: { code: number; message: string; status?: string; details?: ErrorDetail[]; errors?: LegacyErrorEntry[] };
}

/** An error answer: thrown by handlers, turned into a response by the server. */
export class ApiError extends Error {
  readonly httpStatus: number;
  readonly body: GoogleErrorBody | string;
  readonly headers: Record<string, string>;

  constructor(httpStatus: number, body: GoogleErrorBody | string, headers: Record<string, string> = {}) {
    super(typeof body === 'string' ? `HTTP ${httpStatus}` : body.error.message);
    this.name = 'ApiError';
    this.httpStatus = httpStatus;
    this.body = body;
    this.headers = headers;
  }
}

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

function body(code: number, status: string, message: string, details?: ErrorDetail[]): GoogleErrorBody {
  return { error: details ? { code, message, status, details } : { code, message, status } };
}

export const API_TITLES: Record<string, string> = {
  'run.googleapis.com': 'Cloud Run Admin API',
  'iam.googleapis.com': 'Identity and Access Management (IAM) API',
  'cloudresourcemanager.googleapis.com': 'Cloud Resource Manager API',
  'cloudasset.googleapis.com': 'Cloud Asset API',
  'recommender.googleapis.com': 'Recommender API',
};

export function permissionDenied(permission: string, resource: string, api: string): ApiError {
  // IAM words it without the resource name; the other services name it.
  const message =
    api === 'iam.googleapis.com'
      ? `Permission '${permission}' denied on resource (or it may not exist).`
      : `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`;
  return new ApiError(
    403,
    body(403, 'PERMISSION_DENIED', message, [
      { '@type': ERROR_INFO, reason: 'IAM_PERMISSION_DENIED', domain: 'iam.googleapis.com', metadata: { permission, resource } },
    ]),
  );
}

export function serviceDisabled(api: string, projectNumber: string): ApiError {
  const title = API_TITLES[api] ?? api;
  const url = `https://console.developers.google.com/apis/api/${api}/overview?project=${projectNumber}`;
  const message =
    `${title} has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ${url} then retry. ` +
    'If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.';
  return new ApiError(
    403,
    body(403, 'PERMISSION_DENIED', message, [
      {
        '@type': ERROR_INFO,
        reason: 'SERVICE_DISABLED',
        domain: 'googleapis.com',
        metadata: { service: api, consumer: `projects/${projectNumber}`, serviceTitle: title, activationUrl: url, containerInfo: projectNumber },
      },
      { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Google developers console API activation', url }] },
    ]),
  );
}

export function notFound(message: string): ApiError {
  return new ApiError(404, body(404, 'NOT_FOUND', message));
}

/** Cloud Run's own wording, e.g. "Resource 'x' of kind 'SERVICE' in region 'r' in project 'p' does not exist." */
export function runNotFound(id: string, kind: 'SERVICE' | 'REVISION' | 'JOB', region: string, project: string): ApiError {
  return notFound(`Resource '${id}' of kind '${kind}' in region '${region}' in project '${project}' does not exist.`);
}

/** The request named a host this server does not serve (see host.ts). */
export function hostRefused(host: string): ApiError {
  const shown = host.replace(/[^\x21-\x7e]/g, '?').slice(0, 100);
  return new ApiError(400, body(400, 'INVALID_ARGUMENT', `Host '${shown}' is not served here: the emulator answers loopback names only (127.0.0.1, localhost, [::1]).`));
}

/**
 * A request body over the limit. Google's front end words it "Request payload size exceeds the limit"; answered
 * with 413 so that a client stops rather than retries.
 */
export function payloadTooLarge(limit: number): ApiError {
  return new ApiError(413, body(413, 'INVALID_ARGUMENT', `Request payload size exceeds the limit: ${limit} bytes.`));
}

export function invalidArgument(message: string, field?: string, description?: string): ApiError {
  const details: ErrorDetail[] | undefined =
    field !== undefined
      ? [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description: description ?? message }] }]
      : undefined;
  return new ApiError(400, body(400, 'INVALID_ARGUMENT', message, details));
}

export function unauthenticated(missing: boolean, api: string): ApiError {
  const message = missing
    ? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'
    : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  const details: ErrorDetail[] = [
    { '@type': ERROR_INFO, reason: missing ? 'CREDENTIALS_MISSING' : 'ACCESS_TOKEN_TYPE_UNSUPPORTED', domain: 'googleapis.com', metadata: { service: api } },
  ];
  return new ApiError(401, body(401, 'UNAUTHENTICATED', message, details), { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' });
}

/** One exhausted quota bucket, as a 429's ErrorInfo names it. */
export interface QuotaBreach {
  api: string;
  consumerNumber: string;
  metric: QuotaMetric;
  limitValue: number;
  /** `global`, or the region of a regional quota. */
  location: string;
}

/** Google's 429 for an exhausted quota: the message quotes the titles, the ErrorInfo the machine names and the value. */
export function quotaExceeded(b: QuotaBreach, retryAfter?: number): ApiError {
  const message =
    `Quota exceeded for quota metric '${b.metric.metricTitle}' and limit '${b.metric.limitTitle}' of service '${b.api}' ` +
    `for consumer 'project_number:${b.consumerNumber}'.`;
  const headers: Record<string, string> = retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {};
  return new ApiError(
    429,
    body(429, 'RESOURCE_EXHAUSTED', message, [
      {
        '@type': ERROR_INFO,
        reason: 'RATE_LIMIT_EXCEEDED',
        domain: 'googleapis.com',
        metadata: {
          consumer: `projects/${b.consumerNumber}`,
          quota_limit: b.metric.limit,
          quota_limit_value: String(b.limitValue),
          quota_location: b.location,
          quota_metric: b.metric.metric,
          service: b.api,
        },
      },
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [{ description: 'Request a higher quota limit.', url: 'https://cloud.google.com/docs/quotas/help/request_increase' }],
      },
    ]),
    headers,
  );
}

/** A fault-injected 429: the API's own quota names, with the value Google publishes (or a typical one). */
export function rateLimited(api: string, consumerNumber: string, retryAfter?: number, location = 'global'): ApiError {
  const metric = quotaMetric(api);
  return quotaExceeded({ api, consumerNumber, metric, limitValue: metric.faultLimitValue, location: metric.regional ? location : 'global' }, retryAfter);
}

/** The front end answers 502 with an HTML page, not JSON; clients must cope with that too. */
const BAD_GATEWAY_HTML =
  '<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 502 (Server Error)!!1</title>\n' +
  '  <p><b>502.</b> <ins>That’s an error.</ins>\n  <p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That’s all we know.</ins>\n';

/** The error a fault of kind 'status' answers with, for any status. */
export function errorForStatus(
  status: number,
  ctx: { api: string; permission?: string; resource: string; consumerNumber: string; retryAfter?: number; quotaLocation?: string },
): ApiError {
  const retryHeaders: Record<string, string> = ctx.retryAfter !== undefined ? { 'retry-after': String(ctx.retryAfter) } : {};
  const simple = (st: string, message: string): ApiError => new ApiError(status, body(status, st, message), retryHeaders);
  switch (status) {
    case 400:
      return simple('INVALID_ARGUMENT', 'Request contains an invalid argument.');
    case 401:
      return unauthenticated(false, ctx.api);
    case 403: {
      const e = permissionDenied(ctx.permission ?? 'resourcemanager.projects.get', ctx.resource, ctx.api);
      return new ApiError(403, e.body, retryHeaders);
    }
    case 404:
      return simple('NOT_FOUND', 'Requested entity was not found.');
    case 409:
      return simple('ABORTED', 'The operation was aborted.');
    case 429:
      return rateLimited(ctx.api, ctx.consumerNumber, ctx.retryAfter, ctx.quotaLocation);
    case 500:
      return simple('INTERNAL', 'Internal error encountered.');
    case 501:
      return simple('UNIMPLEMENTED', 'Operation is not implemented, or supported, or enabled.');
    case 502:
      return new ApiError(502, BAD_GATEWAY_HTML, retryHeaders);
    case 503:
      return simple('UNAVAILABLE', 'The service is currently unavailable.');
    case 504:
      return simple('DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.');
    default:
      return simple(status >= 500 ? 'UNKNOWN' : 'FAILED_PRECONDITION', `HTTP ${status}`);
  }
}
