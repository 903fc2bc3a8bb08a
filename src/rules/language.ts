/**
 * Whether a glob can match anything of the kind it is written for. A region glob `EU`, a permission glob
 * `roles/editor` or a suppression for `billing` (a service's short name, where findings carry full resource
 * names) pass every syntax check and then silently match nothing: a policy that never applies, a suppression that
 * never suppresses. Each kind of name is described here as a small automaton over the characters Google allows;
 * a glob is refused when no text is accepted by both (the two automata are walked together, pair of states by
 * pair of states, so this is exact and takes at most |glob| × |shape| steps).
 */
import { compileGlob, type CompiledGlob } from './glob.js';
import { CHAR, CLASS_ANY, CLASS_NOT_SLASH, MATCH, NfaBuilder, SPLIT, type Nfa } from './nfa.js';

/** Characters are told apart only as far as the shapes need: ASCII one by one, everything else as one. */
const OTHER = 128;
const ALPHABET = 129;

/** A set of characters as a 129-bit mask (five 32-bit words). */
type CharSet = Uint32Array;

function charSet(test: (code: number) => boolean): CharSet {
  const s = new Uint32Array(5);
  for (let c = 0; c < ALPHABET; c++) if (test(c === OTHER ? 0x100 : c)) s[c >>> 5]! |= 1 << (c & 31);
  return s;
}

function ofChars(chars: string): CharSet {
  return charSet((c) => c < 128 && chars.includes(String.fromCharCode(c)));
}

const range = (from: string, to: string): string =>
  Array.from({ length: to.charCodeAt(0) - from.charCodeAt(0) + 1 }, (_, i) => String.fromCharCode(from.charCodeAt(0) + i)).join('');
const LOWER = range('a', 'z');
const UPPER = range('A', 'Z');
const DIGIT = range('0', '9');

/** A shape: a regular expression over character sets, small enough to write by hand. */
type Shape =
  | { set: CharSet }
  | { seq: Shape[] }
  | { alt: Shape[] }
  | { star: Shape }
  | { opt: Shape };

const set = (chars: string): Shape => ({ set: ofChars(chars) });
const lit = (s: string): Shape => ({ seq: [...s].map((ch) => set(ch)) });
const seq = (...parts: Shape[]): Shape => ({ seq: parts });
const star = (s: Shape): Shape => ({ star: s });
const plus = (s: Shape): Shape => seq(s, star(s));
const opt = (s: Shape): Shape => ({ opt: s });
const alt = (...parts: Shape[]): Shape => ({ alt: parts });

/** A shape's automaton: the same state kinds as a glob's, with a character set per CHAR state. */
interface ShapeNfa {
  kind: number[];
  sets: (CharSet | null)[];
  out1: number[];
  out2: number[];
  /** Filled in once built: see closures(). */
  closures?: number[][];
}

function compileShape(shape: Shape): ShapeNfa {
  const a: ShapeNfa = { kind: [], sets: [], out1: [], out2: [] };
  const emit = (kind: number, s: CharSet | null): number => {
    a.kind.push(kind);
    a.sets.push(s);
    a.out1.push(-1);
    a.out2.push(-1);
    return a.kind.length - 1;
  };
  // Thompson's construction; every piece continues at the state emitted right after it.
  const build = (s: Shape): void => {
    if ('set' in s) {
      const i = emit(CHAR, s.set);
      a.out1[i] = i + 1;
    } else if ('seq' in s) {
      for (const p of s.seq) build(p);
    } else if ('opt' in s) {
      const split = emit(SPLIT, null);
      a.out1[split] = split + 1;
      build(s.opt);
      a.out2[split] = a.kind.length;
    } else if ('star' in s) {
      const split = emit(SPLIT, null);
      a.out1[split] = split + 1;
      build(s.star);
      const back = emit(SPLIT, null);
      a.out1[back] = split;
      a.out2[back] = back + 1;
      a.out2[split] = back + 1;
    } else {
      // alt: a chain of splits, each branch jumping to the common end once done.
      const ends: number[] = [];
      s.alt.forEach((p, i) => {
        const last = i === s.alt.length - 1;
        const split = last ? -1 : emit(SPLIT, null);
        if (split >= 0) a.out1[split] = split + 1;
        build(p);
        const jump = emit(SPLIT, null);
        ends.push(jump);
        if (split >= 0) a.out2[split] = a.kind.length;
      });
      for (const j of ends) a.out1[j] = a.out2[j] = a.kind.length;
    }
  };
  build(shape);
  emit(MATCH, null);
  a.closures = closures(a.kind, a.out1, a.out2);
  return a;
}

const SINGLE_SETS = Array.from({ length: ALPHABET }, (_, c) => {
  const s = new Uint32Array(5);
  s[c >>> 5] = 1 << (c & 31);
  return s;
});

function globCharSet(cls: number): CharSet {
  if (cls === CLASS_ANY) return ANY_SET;
  if (cls === CLASS_NOT_SLASH) return NOT_SLASH_SET;
  return SINGLE_SETS[cls < 128 ? cls : OTHER]!;
}

function overlaps(x: CharSet, y: CharSet): boolean {
  return ((x[0]! & y[0]!) | (x[1]! & y[1]!) | (x[2]! & y[2]!) | (x[3]! & y[3]!) | (x[4]! & y[4]!)) !== 0;
}

const ANY_SET = charSet(() => true);
const NOT_SLASH_SET = charSet((c) => c !== 0x2f);

/** For each state of an automaton, the CHAR and MATCH states reachable from it without consuming (computed once). */
function closures(kind: ArrayLike<number>, out1: ArrayLike<number>, out2: ArrayLike<number>): number[][] {
  return Array.from({ length: kind.length }, (_, st) => closure(st, kind, out1, out2));
}

/** States reachable without consuming, from `start`, in either automaton. */
function closure(start: number, kind: ArrayLike<number>, out1: ArrayLike<number>, out2: ArrayLike<number>): number[] {
  const seen = new Set<number>([start]);
  const todo = [start];
  const out: number[] = [];
  while (todo.length > 0) {
    const x = todo.pop()!;
    if (kind[x] === SPLIT) {
      for (const y of [out1[x]!, out2[x]!]) {
        if (y >= 0 && !seen.has(y)) {
          seen.add(y);
          todo.push(y);
        }
      }
    } else {
      out.push(x);
    }
  }
  return out;
}

function literalNfa(text: string): Nfa {
  const b = new NfaBuilder();
  b.literal(text);
  return b.finish();
}

/** Whether some text is both matched by the glob and has the shape. */
function intersects(glob: CompiledGlob, shape: ShapeNfa): boolean {
  const g = 'literal' in glob ? literalNfa(glob.literal) : glob.nfa;
  // Most glob states consume a character and reach only themselves; the rest are worked out when first met.
  const gClosures: (number[] | undefined)[] = [];
  const gClosure = (st: number): number[] => (gClosures[st] ??= g.kind[st] === SPLIT ? closure(st, g.kind, g.out1, g.out2) : [st]);
  const sClosures = shape.closures!;
  const width = shape.kind.length;
  const seen = new Uint8Array(g.kind.length * width);
  const todo: number[] = [];
  const visit = (gs: number, ss: number): void => {
    for (const x of gClosure(gs)) {
      for (const y of sClosures[ss]!) {
        const key = x * width + y;
        if (!seen[key]) {
          seen[key] = 1;
          todo.push(key);
        }
      }
    }
  };
  visit(0, 0);
  while (todo.length > 0) {
    const key = todo.pop()!;
    const x = Math.floor(key / width);
    const y = key % width;
    if (g.kind[x] === MATCH && shape.kind[y] === MATCH) return true;
    if (g.kind[x] === CHAR && shape.kind[y] === CHAR && overlaps(globCharSet(g.cls[x]!), shape.sets[y]!)) {
      visit(g.out1[x]!, shape.out1[y]!);
    }
  }
  return false;
}

// The shapes. Each is what the inventory can hold for that field, taken generously: a glob is refused only when
// no name Google could give would match it.

/** `iam.serviceAccounts.actAs`, also `iam.googleapis.com/oauthClients.create`: three or more dot-separated parts. */
const PERMISSION_PART = set(LOWER + UPPER + DIGIT + '_-/');
const PERMISSION = seq(set(LOWER), star(PERMISSION_PART), lit('.'), plus(PERMISSION_PART), lit('.'), plus(PERMISSION_PART), star(seq(lit('.'), plus(PERMISSION_PART))));
/** `europe-west1`, `northamerica-northeast2` (the same shape --region accepts). */
const REGION = seq(plus(set(LOWER)), lit('-'), plus(set(LOWER)), plus(set(DIGIT)));
/** `acme-prod`, a domain-scoped `example.com:acme-prod`, or a project number where only the number was known. */
const PROJECT = seq(opt(seq(plus(set(LOWER + DIGIT + '.-')), lit(':'))), plus(set(LOWER + DIGIT + '-')));
/** A service, job or revision name: lowercase letters, digits and hyphens, starting with a letter. */
const NAME = seq(set(LOWER), star(set(LOWER + DIGIT + '-')));
/** What a finding's `resource` holds: the full name of the service, job or revision. */
const RESOURCE = seq(
  lit('projects/'),
  PROJECT,
  lit('/locations/'),
  REGION,
  lit('/'),
  alt(seq(lit('services/'), NAME, opt(seq(lit('/revisions/'), NAME))), seq(lit('jobs/'), NAME)),
);

export type NameKind = 'permission' | 'region' | 'project' | 'name' | 'resource';

const SHAPES: Record<NameKind, { nfa: ShapeNfa; words: string }> = {
  permission: { nfa: compileShape(PERMISSION), words: 'a permission name (service.resource.verb, such as run.services.get)' },
  region: { nfa: compileShape(REGION), words: 'a region (such as europe-west1)' },
  project: { nfa: compileShape(PROJECT), words: 'a project ID (lowercase letters, digits and hyphens)' },
  name: { nfa: compileShape(NAME), words: 'a service or job name (lowercase letters, digits and hyphens, starting with a letter)' },
  resource: {
    nfa: compileShape(RESOURCE),
    words: "a finding's resource (a full name: projects/P/locations/R/services/S, …/jobs/J or …/services/S/revisions/V)",
  },
};

/**
 * Undefined when the (valid) glob can match some name of the kind; otherwise what such names look like, for the
 * error message.
 */
export function cannotMatch(pattern: string | CompiledGlob, kind: NameKind): string | undefined {
  const shape = SHAPES[kind];
  return intersects(typeof pattern === 'string' ? compileGlob(pattern) : pattern, shape.nfa) ? undefined : shape.words;
}
