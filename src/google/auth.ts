import { GoogleAuth, Impersonated, OAuth2Client, type AuthClient } from 'google-auth-library';
import { UserError } from '../errors.js';
import { oneLine, registerSecret } from './redact.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export interface CredentialOptions {
  /** Send every request to this origin instead of Google. */
  endpoint?: string;
  /** A fixed bearer token (no refresh). */
  accessToken?: string;
  /** Act as this service account (ADC must be allowed to mint its tokens). */
  impersonateServiceAccount?: string;
}

/** Ten years: a fixed token must never look expired, or the client would try to refresh it. */
const FIXED_TOKEN_LIFETIME_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * Decides how requests authenticate, and proves it works before any scanning starts:
 * - a fixed token → an OAuth2Client holding it;
 * - an endpoint without a token → no credentials at all (undefined);
 * - otherwise Application Default Credentials, optionally impersonating a service account.
 */
export async function resolveCredentials(opts: CredentialOptions): Promise<AuthClient | undefined> {
  if (opts.accessToken !== undefined) {
    if (opts.accessToken.trim() === '') throw new UserError('USAGE', 'the access token is empty');
    registerSecret(opts.accessToken);
    const client = new OAuth2Client();
    client.setCredentials({ access_token: opts.accessToken, expiry_date: Date.now() + FIXED_TOKEN_LIFETIME_MS });
    return client;
  }
  if (opts.endpoint !== undefined) {
    if (opts.impersonateServiceAccount !== undefined) {
      throw new UserError('USAGE', 'impersonating a service account needs Google itself; it cannot be combined with --endpoint');
    }
    return undefined;
  }

  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
  let source: AuthClient;
  try {
    source = await auth.getClient();
  } catch (err) {
    throw new UserError(
      'CREDENTIALS',
      `no Google credentials found: run "gcloud auth application-default login" or set GOOGLE_APPLICATION_CREDENTIALS (${reason(err)}); ` +
        'to try cloudrun-auditor without Google, run "npx cloudrun-auditor demo", or point --endpoint at `cloudrun-auditor emulator`',
    );
  }
  const target = opts.impersonateServiceAccount;
  const client =
    target === undefined
      ? source
      : new Impersonated({ sourceClient: source, targetPrincipal: target, targetScopes: [CLOUD_PLATFORM_SCOPE], lifetime: 3600, delegates: [] });
  try {
    const { token } = await client.getAccessToken();
    if (!token) throw new Error('no access token was issued');
  } catch (err) {
    if (target !== undefined) {
      throw new UserError(
        'CREDENTIALS',
        `cannot impersonate ${target}: grant your credentials roles/iam.serviceAccountTokenCreator on it (${reason(err)})`,
      );
    }
    throw new UserError(
      'CREDENTIALS',
      `the Google credentials found could not be used: run "gcloud auth application-default login" again (${reason(err)})`,
    );
  }
  return client;
}

function reason(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err), 200);
}
