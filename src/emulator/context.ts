import type { World } from './world.js';

/** What a route handler gets for one request. */
export interface RequestContext {
  method: string;
  pathname: string;
  query: URLSearchParams;
  /** Parsed JSON body (POST), or undefined; never parsed for media routes. */
  body: unknown;
  /** The body as sent: the content of a media upload. */
  rawBody: Buffer;
  /** Request headers, lower-cased names (a media upload's content-type; whether credentials were sent). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Path parameters, percent-decoded, by the names used in the route template. */
  params: Record<string, string>;
  world: World;
  /** Page cap applied on top of the client's pageSize. */
  maxPageSize: number;
  /** A 'repeat-token' fault is active for this request. */
  repeatToken: boolean;
  /** The API host the route belongs to, e.g. 'run.googleapis.com'. */
  api: string;
  /** The IAM permission Google checks for this route, if any. */
  permission?: string;
  /**
   * The region of a regional endpoint (`{region}-run.googleapis.com`), read from the request's Host name
   * (`{region}-127.0.0.1`, see host.ts); undefined on the global endpoint.
   */
  endpointRegion?: string;
}

/** A non-JSON answer (a media download), sent as is with its own content type. */
export class MediaBody {
  constructor(
    readonly content: Buffer,
    readonly contentType: string,
  ) {}
}

export function param(ctx: RequestContext, name: string): string {
  const v = ctx.params[name];
  if (v === undefined) throw new Error(`route has no parameter ${name}`);
  return v;
}
