import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../errors.js';

/** One `--input` argument: a file, optionally naming the resource an IAM policy file belongs to. */
export interface InputSpec {
  file: string;
  /** From `iam=TARGET:FILE`: a project ID, `folders/N`, `organizations/N`, a service account email or a Run service name. */
  policyOf?: string;
}

const PROJECT_ID = /^(?:[a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** A project the inputs know only by number (Knative namespaces) is named by it. */
const PROJECT_NUMBER = /^[1-9][0-9]*$/;
const NODE = /^(folders|organizations)\/[1-9][0-9]*$/;
const ACCOUNT = /^[^@\s:]+@[^@\s:]+\.gserviceaccount\.com$/;
const SERVICE = /^projects\/[^/]+\/locations\/[^/]+\/(services|jobs)\/[^/]+$/;

/**
 * Deepest nesting an input may have. gcloud and Asset Inventory output nests about a dozen levels; the limit keeps
 * every reader after this one (all recursive) far from the stack's end, so a hostile file is a clear error.
 */
export const MAX_INPUT_DEPTH = 64;
/** YAML aliases may expand to at most this many nodes (gcloud never writes aliases; a bomb is refused). */
const MAX_ALIAS_COUNT = 100;

export function parseInputArg(raw: string): InputSpec {
  if (raw === '') throw new UserError('USAGE', '--input needs a file name');
  const m = /^iam=([^:]+(?::[^:]+)?):(.+)$/.exec(raw);
  if (!raw.startsWith('iam=')) return { file: raw };
  // Legacy domain-scoped project IDs contain a colon (example.com:proj), so the file is whatever follows the last one.
  const at = raw.lastIndexOf(':');
  const target = raw.slice('iam='.length, at);
  const file = raw.slice(at + 1);
  if (!m || target === '' || file === '' || (!PROJECT_ID.test(target) && !PROJECT_NUMBER.test(target) && !NODE.test(target) && !ACCOUNT.test(target) && !SERVICE.test(target))) {
    throw new UserError('USAGE', `--input ${raw}: expected iam=PROJECT_ID:FILE (or PROJECT_NUMBER), iam=folders/N:FILE, iam=organizations/N:FILE, iam=SERVICE_ACCOUNT_EMAIL:FILE or iam=projects/P/locations/R/services/S:FILE`);
  }
  return { file, policyOf: target };
}

/**
 * The documents in a file: one JSON value (`--format=json` output), one per line (Asset Inventory's
 * newline-delimited exports), or YAML (gcloud's default format; a list prints as `---`-separated documents).
 * Anything else is the user's to fix, and nothing is audited.
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
  // Editors on Windows (and PowerShell's `Out-File`) start UTF-8 files with a byte-order mark; it is not content.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new UserError('INPUT', `${file}: the file is empty`);
  const read = parseText(file, text);
  read.docs.forEach((d, i) => checkDepth(file, d, read.lines ? `line ${i + 1}` : read.docs.length > 1 ? `document ${i + 1}` : undefined));
  return read;
}

function parseText(file: string, text: string): { docs: unknown[]; lines: boolean } {
  // JSON starts with `{` or `[`; gcloud's YAML starts with a key (or `---`), so the first character decides.
  if (!/^\s*[[{]/.test(text)) return { docs: parseYaml(file, text), lines: false };
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

function parseYaml(file: string, text: string): unknown[] {
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { prettyErrors: true });
  } catch (e) {
    // The YAML parser recurses on nesting: a hostile file can exhaust the stack before any check of ours runs.
    if (e instanceof RangeError) throw tooDeep(file, undefined);
    throw e;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const [i, doc] of list.entries()) {
    const err = doc.errors[0];
    if (err !== undefined) {
      // The parser turns its own stack overflow into a syntax error; it is the nesting that is wrong.
      if (/call stack/i.test(err.message)) throw tooDeep(file, list.length > 1 ? `document ${i + 1}` : undefined);
      const where = err.linePos?.[0] ? ` at line ${err.linePos[0].line}` : '';
      const why = err.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '';
      throw new UserError('INPUT', `${file}: neither JSON nor YAML${where} (${why}); expected gcloud output in --format=json or its default YAML`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      if (e instanceof RangeError) throw tooDeep(file, list.length > 1 ? `document ${i + 1}` : undefined);
      // toJS refuses alias bombs (the only other way it fails); gcloud never writes aliases at all.
      throw new UserError('INPUT', `${file}: YAML aliases expand to too much data (${(e as Error).message}); refusing to read the file`);
    }
    // `---` at the start or end of gcloud's list output leaves an empty document; it holds nothing.
    if (value === null && doc.contents === null) continue;
    out.push(value);
  }
  if (out.length === 0) throw new UserError('INPUT', `${file}: the file is empty`);
  return out;
}

/** Walks the value without recursion: the depth check must itself survive a 100,000-deep array. */
function checkDepth(file: string, doc: unknown, where: string | undefined): void {
  const stack: { v: unknown; d: number }[] = [{ v: doc, d: 1 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > MAX_INPUT_DEPTH) throw tooDeep(file, where);
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push({ v: child, d: d + 1 });
  }
}

function tooDeep(file: string, where: string | undefined): UserError {
  return new UserError('INPUT', `${file}: ${where !== undefined ? `${where}: ` : ''}nested more than ${MAX_INPUT_DEPTH} levels deep; gcloud and Asset Inventory output is never this deep`);
}
