/**
 * A deliberately tiny glob dialect for rules files: `*` matches within one `/`-separated segment, `**` (a whole
 * segment) matches across segments, `?` matches one character other than `/`. Nothing else is special, so a
 * pattern means the same thing to every reader; characters other globbers treat specially (`[`, `]`, `{`, `}`, `\`)
 * are refused rather than silently taken literally.
 */

const FORBIDDEN = /[[\]{}\\!]/;

export class GlobError extends Error {}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function segmentToRegExp(segment: string): string {
  let out = '';
  for (const ch of segment) {
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else out += escapeRegExp(ch);
  }
  return out;
}

/** Throws GlobError with a one-line reason when the pattern is not valid in this dialect. */
export function compileGlob(pattern: string): RegExp {
  if (pattern.length === 0) throw new GlobError('empty pattern');
  const bad = FORBIDDEN.exec(pattern);
  if (bad) throw new GlobError(`unsupported character "${bad[0]}" (only *, ** and ? are special)`);
  const segments = pattern.split('/');
  for (const seg of segments) {
    if (seg.includes('**') && seg !== '**') {
      throw new GlobError(`"**" must be a whole path segment, got "${seg}"`);
    }
  }
  let re = '';
  segments.forEach((seg, i) => {
    const first = i === 0;
    const last = i === segments.length - 1;
    if (seg === '**') {
      // `a/**/b` also matches `a/b`; `a/**` matches `a` and everything below it.
      if (segments.length === 1) re += '.*';
      else if (first) re += '(?:.*/)?';
      else if (last) re += '(?:/.*)?';
      else re += '(?:/.*)?/';
      return;
    }
    const prevWasDoubleStar = i > 0 && segments[i - 1] === '**';
    if (!first && !prevWasDoubleStar) re += '/';
    re += segmentToRegExp(seg);
  });
  return new RegExp(`^${re}$`);
}

const cache = new Map<string, RegExp>();

/** Matches `text` against a pattern already validated at load time. */
export function globMatch(pattern: string, text: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = compileGlob(pattern);
    cache.set(pattern, re);
  }
  return re.test(text);
}

/** True when the pattern has no special characters, i.e. it only matches itself. */
export function isLiteralGlob(pattern: string): boolean {
  return !/[*?]/.test(pattern);
}
