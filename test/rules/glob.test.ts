import { describe, expect, test } from 'vitest';
import { compileGlob, globMatch } from '../../src/rules/glob.js';

describe('glob', () => {
  test.each([
    ['acme-*', 'acme-prod', true],
    ['acme-*', 'acme-', true],
    ['acme-*', 'acme/prod', false],
    ['acme-?', 'acme-1', true],
    ['acme-?', 'acme-12', false],
    ['projects/acme-prod/**', 'projects/acme-prod/locations/r/services/s', true],
    ['projects/acme-prod/**', 'projects/acme-prod', true],
    ['projects/acme-prod/**', 'projects/acme-prodx/locations/r', false],
    ['projects/*/locations/*/services/billing', 'projects/p/locations/europe-west1/services/billing', true],
    ['projects/*/locations/*/services/billing', 'projects/p/locations/europe-west1/services/billing/revisions/x', false],
    ['projects/**/revisions/*', 'projects/p/locations/r/services/s/revisions/x', true],
    ['**/jobs/*', 'projects/p/locations/r/jobs/j', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['**', 'anything/at/all', true],
    ['iam.*', 'iam.serviceAccounts.actAs', true],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ])('%s ~ %s → %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  test.each([
    ['', 'empty pattern'],
    ['a[bc]', 'unsupported character "[" (only *, ** and ? are special)'],
    ['{a,b}', 'unsupported character "{" (only *, ** and ? are special)'],
    ['a\\*', 'unsupported character "\\" (only *, ** and ? are special)'],
    ['a/x**/b', '"**" must be a whole path segment, got "x**"'],
    ['***', '"**" must be a whole path segment, got "***"'],
  ])('refuses %j: %s', (pattern, message) => {
    expect(() => compileGlob(pattern)).toThrow(message);
  });
});

/**
 * The dialect as a regular expression, the way the matcher used to be built. Fine as an oracle on short texts;
 * on long ones it backtracks exponentially, which is why the product no longer uses it.
 */
function oracle(pattern: string): RegExp {
  const segments = pattern.split('/');
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let re = '';
  segments.forEach((seg, i) => {
    const first = i === 0;
    const last = i === segments.length - 1;
    if (seg === '**') {
      if (segments.length === 1) re += '.*';
      else if (first) re += '(?:.*/)?';
      else if (last) re += '(?:/.*)?';
      else re += '(?:/.*)?/';
      return;
    }
    if (!first && segments[i - 1] !== '**') re += '/';
    for (const ch of seg) re += ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : esc(ch);
  });
  return new RegExp(`^${re}$`);
}

/** Deterministic pseudo-random numbers, so a failure names a case that can be rerun. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('glob matcher agrees with the regular-expression reading of the dialect', () => {
  test('5,000 random patterns and texts over a small alphabet', () => {
    const r = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const disagreements: string[] = [];
    for (let n = 0; n < 5_000; n++) {
      const segs: string[] = [];
      const nseg = 1 + Math.floor(r() * 4);
      for (let i = 0; i < nseg; i++) {
        // No `**/**` runs: the old reading made `a/**/**/b` demand two slashes; the matcher treats it as `a/**/b`.
        if (r() < 0.25 && segs[segs.length - 1] !== '**') segs.push('**');
        else segs.push(Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(['a', 'b', '*', '?', '.'])).join(''));
      }
      const pattern = segs.join('/');
      if (/[^/]\*\*|\*\*[^/]|(^|\/)\*\*\/\*\*(\/|$)/.test(pattern)) continue;
      const text = Array.from({ length: Math.floor(r() * 9) }, () => pick(['a', 'b', '/', '.'])).join('');
      if (globMatch(pattern, text) !== oracle(pattern).test(text)) disagreements.push(`${pattern} ~ ${text}`);
    }
    expect(disagreements).toEqual([]);
  });

  test('consecutive ** segments mean one', () => {
    expect(globMatch('a/**/**/b', 'a/x/b')).toBe(true);
    expect(globMatch('a/**/**/b', 'a/b')).toBe(true);
    expect(globMatch('**/**/b', 'b')).toBe(true);
  });
});

describe('glob matching cannot blow up', () => {
  /** Total time of `reps` matches, measured as a ratio to another pattern on the same text, never against a clock. */
  function cost(pattern: string, text: string, reps: number): number {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) globMatch(pattern, text);
    return performance.now() - t0;
  }

  test.each([
    // 17 bytes that took 46 s with the regular-expression matcher; the `/` keeps every `*` from reaching the Z.
    // The plain pattern reads the same text as far: `*` stops at the first `/`, `**` goes to the end.
    ['*?*?*?*?*?*?*?Z', '*Z', `${'a'.repeat(3000)}/Z`],
    ['*a*a*a*a*a*a*a*a*a*a*a*aZ', '*Z', `${'a'.repeat(3000)}/Z`],
    ['**/**/a/**/a/**/a/**/a/**/Z', '**/x*/Z', `${'aa/'.repeat(1500)}a/a/a/Z`],
  ])('%s against a long non-matching text costs a small multiple of %s', (pattern, plainPattern, text) => {
    expect(globMatch(pattern, text)).toBe(false);
    expect(globMatch(plainPattern, text)).toBe(false);
    // Warm both up, then take the best of several rounds of each so one descheduling cannot decide the ratio.
    cost(pattern, text, 20);
    cost(plainPattern, text, 20);
    let hostile = Infinity;
    let plain = Infinity;
    for (let round = 0; round < 5; round++) {
      hostile = Math.min(hostile, cost(pattern, text, 40));
      plain = Math.min(plain, cost(plainPattern, text, 40));
    }
    expect(hostile / plain).toBeLessThan(20);
  });

  test('a pattern with very many reachable states still costs time in proportion to the text', () => {
    // "the 16th character from the end is an a" needs 2^15 states to track: the matcher stops building its table
    // and steps through the automaton instead. Four times the text must cost about four times as much: a
    // quadratic matcher would cost sixteen times, a backtracking one far more.
    const r = rng(7);
    const text = (n: number): string => Array.from({ length: n }, () => (r() < 0.5 ? 'a' : 'b')).join('') + 'b'.repeat(16) + 'Z';
    const pattern = '*a??????????????Z';
    const short = text(1000);
    const long = text(4000);
    expect(globMatch(pattern, short)).toBe(false);
    expect(globMatch(pattern, long)).toBe(false);
    expect(globMatch(pattern, `${text(2000)}a${'b'.repeat(14)}Z`)).toBe(true);
    cost(pattern, short, 10);
    cost(pattern, long, 10);
    let once = Infinity;
    let four = Infinity;
    for (let round = 0; round < 15; round++) {
      once = Math.min(once, cost(pattern, short, 8));
      four = Math.min(four, cost(pattern, long, 2));
    }
    // Same number of characters per round (8 × 1000 against 2 × 4000): linear time makes this ratio about 1.
    expect(four / once).toBeLessThan(2.5);
  });

  test('an over-long pattern is refused with its length, not echoed', () => {
    let message = '';
    try {
      compileGlob('*'.repeat(4 * 1024 * 1024));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('pattern is 4194304 characters; at most 512 are allowed');
  });
});
