import { invalidArgument } from './google-errors.js';

/**
 * Kubernetes label selectors, as the Run v1 list methods accept them in `labelSelector`:
 * comma-separated requirements, all of which must hold. gcloud writes them with spaces
 * (`serving.knative.dev/service = web`), so whitespace around operators is allowed.
 *
 *   key = v | key == v | key != v | key in (a, b) | key notin (a, b) | key | !key
 */

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);

/** Splits on commas outside parentheses: `a in (x,y),b` → [`a in (x,y)`, `b`]. */
function requirements(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function has(labels: Readonly<Record<string, string>>, key: string): boolean {
  return Object.hasOwn(labels, key);
}

function parseOne(text: string, selector: string): Requirement {
  let m = EQUALITY.exec(text);
  if (m) {
    const key = m[1] ?? '';
    const op = m[3] ?? '=';
    const value = m[4] ?? '';
    if (op === '!=') return (l) => !has(l, key) || l[key] !== value;
    return (l) => has(l, key) && l[key] === value;
  }
  m = SET.exec(text);
  if (m) {
    const key = m[1] ?? '';
    const values = new Set((m[4] ?? '').split(',').map((v) => v.trim()));
    if (m[3] === 'in') return (l) => has(l, key) && values.has(l[key] ?? '');
    return (l) => !has(l, key) || !values.has(l[key] ?? '');
  }
  m = EXISTS.exec(text);
  if (m) {
    const key = m[2] ?? '';
    return m[1] === '!' ? (l) => !has(l, key) : (l) => has(l, key);
  }
  throw invalidArgument(`Invalid label selector: ${JSON.stringify(selector)}.`, 'label_selector', `unable to parse requirement ${JSON.stringify(text)}`);
}

/** A predicate over an object's labels; an empty or absent selector matches everything. */
export function labelSelector(selector: string | null): Requirement {
  if (selector === null || selector.trim() === '') return () => true;
  const reqs = requirements(selector).map((r) => parseOne(r, selector));
  return (labels) => reqs.every((r) => r(labels));
}
