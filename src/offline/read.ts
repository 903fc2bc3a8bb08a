import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';

/** One `--input` argument: a file, optionally naming the resource an IAM policy file belongs to. */
export interface InputSpec {
  file: string;
  /** From `iam=TARGET:FILE`: a project ID, `folders/N`, `organizations/N`, a service account email or a Run service name. */
  policyOf?: string;
}

const PROJECT_ID = /^(?:[a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const NODE = /^(folders|organizations)\/[1-9][0-9]*$/;
const ACCOUNT = /^[^@\s:]+@[^@\s:]+\.gserviceaccount\.com$/;
const SERVICE = /^projects\/[^/]+\/locations\/[^/]+\/(services|jobs)\/[^/]+$/;

export function parseInputArg(raw: string): InputSpec {
  if (raw === '') throw new UserError('USAGE', '--input needs a file name');
  const m = /^iam=([^:]+(?::[^:]+)?):(.+)$/.exec(raw);
  if (!raw.startsWith('iam=')) return { file: raw };
  // Legacy domain-scoped project IDs contain a colon (example.com:proj), so the file is whatever follows the last one.
  const at = raw.lastIndexOf(':');
  const target = raw.slice('iam='.length, at);
  const file = raw.slice(at + 1);
  if (!m || target === '' || file === '' || (!PROJECT_ID.test(target) && !NODE.test(target) && !ACCOUNT.test(target) && !SERVICE.test(target))) {
    throw new UserError('USAGE', `--input ${raw}: expected iam=PROJECT_ID:FILE, iam=folders/N:FILE, iam=organizations/N:FILE, iam=SERVICE_ACCOUNT_EMAIL:FILE or iam=projects/P/locations/R/services/S:FILE`);
  }
  return { file, policyOf: target };
}

/**
 * The JSON documents in a file: one JSON value (`--format=json` output), or one per line (Asset Inventory's
 * newline-delimited exports). Anything else is the user's to fix, and nothing is audited.
 */
export function readDocuments(file: string): { docs: unknown[]; lines: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const c = (err as { code?: string }).code;
    const why = c === 'ENOENT' ? 'no such file' : c === 'EACCES' || c === 'EPERM' ? 'permission denied' : c === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new UserError('INPUT', `${file}: ${why}`);
  }
  if (text.trim() === '') throw new UserError('INPUT', `${file}: the file is empty`);
  try {
    return { docs: [JSON.parse(text) as unknown], lines: false };
  } catch (whole) {
    const lines = text.split('\n');
    const nonEmpty = lines.map((l, i) => ({ l, n: i + 1 })).filter((x) => x.l.trim() !== '');
    let firstIsWhole = false;
    try {
      firstIsWhole = typeof JSON.parse(nonEmpty[0]?.l ?? '') === 'object';
    } catch {
      firstIsWhole = false;
    }
    // Newline-delimited only when the first line is a JSON value on its own; otherwise it is one broken document.
    if (nonEmpty.length < 2 || !firstIsWhole) {
      throw new UserError('INPUT', `${file}: not valid JSON, the file may be truncated (${(whole as Error).message})`);
    }
    const docs: unknown[] = [];
    for (const { l, n } of nonEmpty) {
      try {
        docs.push(JSON.parse(l) as unknown);
      } catch (e) {
        const last = n === nonEmpty[nonEmpty.length - 1]?.n;
        throw new UserError(
          'INPUT',
          last
            ? `${file}: line ${n} is not complete JSON, the file may be truncated (${(e as Error).message})`
            : `${file}: line ${n} is not JSON (${(e as Error).message}); expected one JSON value, or one JSON object per line`,
        );
      }
    }
    return { docs, lines: true };
  }
}
