/**
 * A deliberately tiny glob dialect for rules files: `*` matches within one `/`-separated segment, `**` (a whole
 * segment) matches across segments, `?` matches one character other than `/`. Nothing else is special, so a
 * pattern means the same thing to every reader; characters other globbers treat specially (`[`, `]`, `{`, `}`, `\`)
 * are refused rather than silently taken literally.
 *
 * Patterns come from a file anyone can hand the auditor, so matching must not backtrack: a regular expression built
 * from `*?*?*?*?Z` takes exponential time on a long non-matching text. A pattern is instead compiled to a small
 * automaton (see nfa.ts) and run over the text once, keeping the set of live states, so the time is at most
 * text length × pattern length whatever the pattern is.
 */
import { CLASS_ANY, CLASS_NOT_SLASH, NfaBuilder, runNfa, type Nfa } from './nfa.js';

/** Longest pattern accepted: far above any real resource name (a revision's full name is under 250 characters). */
export const MAX_GLOB_LENGTH = 512;

const FORBIDDEN = /[[\]{}\\!]/;

export class GlobError extends Error {}

/**
 * A pattern ready to match: a plain string compared as is, or an automaton with the literal text every match
 * must start and end with (checked first: most texts a pattern is tried on fail there, in constant time).
 */
export type CompiledGlob = { literal: string } | { nfa: Nfa; prefix: string; suffix: string };

/** The literal start and end every match of the (already collapsed) pattern has. */
function fixedEnds(segments: readonly string[]): { prefix: string; suffix: string } {
  const pattern = segments.join('/');
  const first = pattern.search(/[*?]/);
  const last = Math.max(pattern.lastIndexOf('*'), pattern.lastIndexOf('?'));
  let prefix = pattern.slice(0, first);
  let suffix = pattern.slice(last + 1);
  // The `/` before a `**` segment is optional (`a/**` matches `a`), and so is the one after a leading `**`.
  if (pattern.startsWith('**', first) && (first === 0 || pattern[first - 1] === '/')) prefix = prefix.replace(/\/$/, '');
  if (segments[0] === '**' && last === 1) suffix = suffix.replace(/^\//, '');
  return { prefix, suffix };
}

/**
 * `?*`, `*?*`, `**` inside a segment… all mean "at least this many characters": rewrite each run of `*`/`?` as its
 * `?`s followed by at most one `*`, so the automaton has one loop per run, not one per star.
 */
function collapseRuns(segment: string): string {
  return segment.replace(/[*?]{2,}/g, (run) => {
    const ones = run.replace(/\*/g, '');
    return run.includes('*') ? `${ones}*` : ones;
  });
}

function addSegment(b: NfaBuilder, segment: string): void {
  for (const ch of collapseRuns(segment)) {
    if (ch === '*') b.star(CLASS_NOT_SLASH);
    else if (ch === '?') b.char(CLASS_NOT_SLASH);
    else b.literal(ch);
  }
}

/** Throws GlobError with a one-line reason when the pattern is not valid in this dialect. */
export function compileGlob(pattern: string): CompiledGlob {
  if (pattern.length === 0) throw new GlobError('empty pattern');
  if (pattern.length > MAX_GLOB_LENGTH) {
    throw new GlobError(`pattern is ${pattern.length} characters; at most ${MAX_GLOB_LENGTH} are allowed`);
  }
  const bad = FORBIDDEN.exec(pattern);
  if (bad) throw new GlobError(`unsupported character "${bad[0]}" (only *, ** and ? are special)`);
  const raw = pattern.split('/');
  for (const seg of raw) {
    if (seg.includes('**') && seg !== '**') {
      throw new GlobError(`"**" must be a whole path segment, got "${seg}"`);
    }
  }
  if (!/[*?]/.test(pattern)) return { literal: pattern };

  // `a/**/**/b` means `a/**/b`: consecutive `**` segments are one.
  const segments = raw.filter((seg, i) => !(seg === '**' && raw[i - 1] === '**'));
  const b = new NfaBuilder();
  segments.forEach((seg, i) => {
    const first = i === 0;
    const last = i === segments.length - 1;
    if (seg === '**') {
      // `a/**/b` also matches `a/b`; `a/**` matches `a` and everything below it; `**/b` matches `b`.
      if (segments.length === 1) {
        b.star(CLASS_ANY);
      } else if (first) {
        b.optional(() => {
          b.star(CLASS_ANY);
          b.literal('/');
        });
      } else {
        b.optional(() => {
          b.literal('/');
          b.star(CLASS_ANY);
        });
        if (!last) b.literal('/');
      }
      return;
    }
    const prevWasDoubleStar = i > 0 && segments[i - 1] === '**';
    if (!first && !prevWasDoubleStar) b.literal('/');
    addSegment(b, seg);
  });
  return { nfa: b.finish(), ...fixedEnds(segments) };
}

const cache = new Map<string, CompiledGlob>();

function compiled(pattern: string): CompiledGlob {
  let c = cache.get(pattern);
  if (!c) {
    c = compileGlob(pattern);
    cache.set(pattern, c);
  }
  return c;
}

/** Matches `text` against a pattern already validated at load time. */
export function globMatch(pattern: string, text: string): boolean {
  const c = compiled(pattern);
  if ('literal' in c) return c.literal === text;
  return text.startsWith(c.prefix) && text.endsWith(c.suffix) && runNfa(c.nfa, text);
}

/** True when the pattern has no special characters, i.e. it only matches itself. */
export function isLiteralGlob(pattern: string): boolean {
  return !/[*?]/.test(pattern);
}
