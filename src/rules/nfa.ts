/**
 * A Thompson automaton, the matcher behind globs. It is run by keeping the set of states the text so far can be
 * in (never by trying one path and backing up), so a match costs at most text length × automaton size steps,
 * whatever the pattern; the sets met are remembered with their transitions (a DFA built as it is needed), so the
 * usual pattern costs one table step per character. The same automata are what language.ts intersects with the
 * shape of a name to tell a pattern that can never match.
 */

/** A state that consumes one character of its class. */
export const CHAR = 0;
/** A state with two ways on, consuming nothing. */
export const SPLIT = 1;
/** The accepting state. */
export const MATCH = 2;

/** Character classes a CHAR state can hold besides a single UTF-16 code unit (its code, ≥ 0). */
export const CLASS_ANY = -1;
export const CLASS_NOT_SLASH = -2;
const SLASH = 0x2f;

export interface Nfa {
  kind: Uint8Array;
  /** For CHAR states: the code unit, CLASS_ANY or CLASS_NOT_SLASH. */
  cls: Int32Array;
  /** The next state (CHAR), or the first way on (SPLIT). */
  out1: Int32Array;
  /** The second way on (SPLIT). */
  out2: Int32Array;
  /** Scratch space for matching, allocated once per automaton (matching is synchronous, so never shared). */
  scratch?: { cur: Int32Array; next: Int32Array; mark: Int32Array; stack: Int32Array; gen: number };
}

/**
 * Builds an automaton left to right. Every construct continues at the state emitted after it, so no jump
 * needs patching except the skip of an optional part.
 */
export class NfaBuilder {
  private readonly kind: number[] = [];
  private readonly cls: number[] = [];
  private readonly out1: number[] = [];
  private readonly out2: number[] = [];

  private emit(kind: number, cls: number, out1: number, out2: number): number {
    this.kind.push(kind);
    this.cls.push(cls);
    this.out1.push(out1);
    this.out2.push(out2);
    return this.kind.length - 1;
  }

  /** One character of the class. */
  char(cls: number): void {
    const i = this.kind.length;
    this.emit(CHAR, cls, i + 1, -1);
  }

  /** The text of `s` as is (one state per UTF-16 code unit). */
  literal(s: string): void {
    for (let i = 0; i < s.length; i++) this.char(s.charCodeAt(i));
  }

  /** Zero or more characters of the class. */
  star(cls: number): void {
    const split = this.kind.length;
    this.emit(SPLIT, 0, split + 1, split + 2);
    this.emit(CHAR, cls, split, -1);
  }

  /** What `body` emits, or nothing. */
  optional(body: () => void): void {
    const split = this.emit(SPLIT, 0, this.kind.length + 1, -1);
    body();
    this.out2[split] = this.kind.length;
  }

  finish(): Nfa {
    this.emit(MATCH, 0, -1, -1);
    return {
      kind: Uint8Array.from(this.kind),
      cls: Int32Array.from(this.cls),
      out1: Int32Array.from(this.out1),
      out2: Int32Array.from(this.out2),
    };
  }
}

export function classAccepts(cls: number, code: number): boolean {
  return cls === code || cls === CLASS_ANY || (cls === CLASS_NOT_SLASH && code !== SLASH);
}

/**
 * Adds `start` and every state reachable from it without consuming to `list` (from `len`), keeping only CHAR and
 * MATCH states; `mark` stops a state being added twice in one step. Returns the new length.
 */
function addClosure(nfa: Nfa, mark: Int32Array, stack: Int32Array, gen: number, list: Int32Array, len: number, start: number): number {
  if (mark[start] === gen) return len;
  mark[start] = gen;
  const { kind, out1, out2 } = nfa;
  let top = 0;
  stack[top++] = start;
  while (top > 0) {
    const x = stack[--top]!;
    if (kind[x] === SPLIT) {
      const a = out1[x]!;
      const b = out2[x]!;
      if (mark[b] !== gen) {
        mark[b] = gen;
        stack[top++] = b;
      }
      if (mark[a] !== gen) {
        mark[a] = gen;
        stack[top++] = a;
      }
    } else {
      list[len++] = x;
    }
  }
  return len;
}

type Scratch = NonNullable<Nfa['scratch']>;

function scratchOf(nfa: Nfa): Scratch {
  const n = nfa.kind.length;
  const s = (nfa.scratch ??= { cur: new Int32Array(n), next: new Int32Array(n), mark: new Int32Array(n), stack: new Int32Array(n), gen: 0 });
  // Marks are compared with a generation number, so they need clearing only when it would overflow.
  if (s.gen > 0x3fffffff) {
    s.mark.fill(0);
    s.gen = 0;
  }
  return s;
}

/** Steps through the automaton from `states` (CHAR and MATCH states only) over text[from…]: the general case. */
function simulate(nfa: Nfa, states: Int32Array, text: string, from: number): boolean {
  const s = scratchOf(nfa);
  const { kind, cls, out1 } = nfa;
  const { mark, stack } = s;
  let cur = s.cur;
  let next = s.next;
  cur.set(states);
  let curLen = states.length;
  for (let i = from; i < text.length && curLen > 0; i++) {
    const code = text.charCodeAt(i);
    const gen = ++s.gen;
    let nextLen = 0;
    for (let k = 0; k < curLen; k++) {
      const st = cur[k]!;
      if (kind[st] === CHAR && classAccepts(cls[st]!, code)) nextLen = addClosure(nfa, mark, stack, gen, next, nextLen, out1[st]!);
    }
    const t = cur;
    cur = next;
    next = t;
    curLen = nextLen;
  }
  let matched = false;
  for (let k = 0; k < curLen; k++) if (kind[cur[k]!] === MATCH) matched = true;
  s.cur = cur;
  s.next = next;
  return matched;
}

/** The states reached from `states` on `code`, sorted (so equal sets have equal keys). */
function step(nfa: Nfa, states: Int32Array, code: number): Int32Array {
  const s = scratchOf(nfa);
  const gen = ++s.gen;
  let len = 0;
  for (const st of states) {
    if (nfa.kind[st] === CHAR && classAccepts(nfa.cls[st]!, code)) len = addClosure(nfa, s.mark, s.stack, gen, s.next, len, nfa.out1[st]!);
  }
  return s.next.slice(0, len).sort();
}

/**
 * Sets of automaton states met so far, each with its transitions once taken (a DFA built lazily): a pattern
 * tried on thousands of permission names walks a table instead of a set. Bounded, because some patterns have
 * very many reachable sets; past the bound the run goes on by plain simulation, still linear.
 */
const MAX_DFA_STATES = 256;

interface Dfa {
  sets: Int32Array[];
  accepting: boolean[];
  /** Per set: the next set for each ASCII code (-1 until taken). */
  ascii: Int32Array[];
  /** Per set: the next set for other code units. */
  other: Map<number, number>[];
  ids: Map<string, number>;
}

const dfas = new WeakMap<Nfa, Dfa>();

function setId(dfa: Dfa, nfa: Nfa, set: Int32Array): number | undefined {
  const key = set.join(',');
  const known = dfa.ids.get(key);
  if (known !== undefined) return known;
  if (dfa.sets.length >= MAX_DFA_STATES) return undefined;
  const id = dfa.sets.length;
  dfa.sets.push(set);
  dfa.accepting.push(set.some((st) => nfa.kind[st] === MATCH));
  dfa.ascii.push(new Int32Array(128).fill(-1));
  dfa.other.push(new Map());
  dfa.ids.set(key, id);
  return id;
}

/** Whether the automaton accepts the whole of `text`. Time: linear in the text, times the automaton's size at worst. */
export function runNfa(nfa: Nfa, text: string): boolean {
  let dfa = dfas.get(nfa);
  if (!dfa) {
    dfa = { sets: [], accepting: [], ascii: [], other: [], ids: new Map() };
    dfas.set(nfa, dfa);
    const n = nfa.kind.length;
    const start = new Int32Array(n);
    const len = addClosure(nfa, new Int32Array(n), new Int32Array(n), 1, start, 0, 0);
    setId(dfa, nfa, start.slice(0, len).sort());
  }
  let cur = 0;
  for (let i = 0; i < text.length; i++) {
    const set = dfa.sets[cur]!;
    if (set.length === 0) return false;
    const code = text.charCodeAt(i);
    let to = code < 128 ? dfa.ascii[cur]![code]! : (dfa.other[cur]!.get(code) ?? -1);
    if (to < 0) {
      const nextSet = step(nfa, set, code);
      const id = setId(dfa, nfa, nextSet);
      if (id === undefined) return simulate(nfa, nextSet, text, i + 1);
      if (code < 128) dfa.ascii[cur]![code] = id;
      else dfa.other[cur]!.set(code, id);
      to = id;
    }
    cur = to;
  }
  return dfa.accepting[cur]!;
}
