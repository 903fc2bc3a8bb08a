import { describe, expect, test } from 'vitest';
import { escapeMarkdown } from '../../src/report/escape.js';
import { boundStrings, cut, escapeInvisibleInJson, FIELD_MAX, mapStrings, safeLine, safeText } from '../../src/report/sanitize.js';

describe('the sanitiser for untrusted text', () => {
  test('C0, DEL and C1 controls become \\xHH escapes; ANSI and OSC sequences are left inert', () => {
    expect(safeText('a\u001b[1;31mb\u001b]8;;http://x\u0007link\u0000\u007f\u009b2J')).toBe('a\\x1b[1;31mb\\x1b]8;;http://x\\x07link\\x00\\x7f\\x9b2J');
  });

  test('bidi overrides and isolates, LRM/RLM/ALM, line separators, non-characters and lone surrogates become \\uHHHH', () => {
    expect(safeText('\u202a\u202b\u202c\u202d\u202e|\u2066\u2067\u2068\u2069|\u200e\u200f\u061c|\u2028\u2029|\ufffe\uffff')).toBe(
      '\\u202a\\u202b\\u202c\\u202d\\u202e|\\u2066\\u2067\\u2068\\u2069|\\u200e\\u200f\\u061c|\\u2028\\u2029|\\ufffe\\uffff',
    );
    expect(safeText('x\ud800y\udc00z')).toBe('x\\ud800y\\udc00z');
    // Ordinary text, including non-ASCII, emoji and the backslash of a continuation, is untouched.
    expect(safeText('東京-ünïcödé-🚀 gcloud x \\\n  --y')).toBe('東京-ünïcödé-🚀 gcloud x \\\n  --y');
  });

  test('multi-line text keeps LF and tab, turns CRLF into LF and shows a lone CR (which would overwrite a line)', () => {
    expect(safeText('a\r\nb\tc\rd\ne')).toBe('a\nb\tc\\x0dd\ne');
  });

  test('one-line text turns every line break and tab into a space', () => {
    expect(safeLine('a\r\nb\tc\rd\ne\u001b[2J')).toBe('a b c d e\\x1b[2J');
  });

  test('a value longer than the cap is cut and says how long it was; a surrogate pair is not split', () => {
    expect(cut('abcdef', 6)).toBe('abcdef');
    expect(cut('abcdefg', 6)).toBe('abcdef… (7 chars, cut)');
    expect(cut('abcde🚀', 6)).toBe('abcde… (7 chars, cut)');
    const big = 'A'.repeat(20 * 1024 * 1024);
    expect(safeLine(big)).toBe('A'.repeat(FIELD_MAX) + '… (20971520 chars, cut)');
    expect(safeText('\u001b'.repeat(10), 4)).toBe('\\x1b\\x1b\\x1b\\x1b… (10 chars, cut)');
  });

  test('mapStrings reaches keys and nested values, and returns a clean value unchanged (no copy)', () => {
    const clean = { a: ['x', { b: 'y' }], n: 1, t: true, z: null };
    expect(mapStrings(clean, safeText)).toBe(clean);
    const dirty = { ['k\u001b']: ['x', { b: 'y\u202e' }], n: 1 };
    expect(mapStrings(dirty, safeText)).toEqual({ 'k\\x1b': ['x', { b: 'y\\u202e' }], n: 1 });
    expect(dirty).toEqual({ ['k\u001b']: ['x', { b: 'y\u202e' }], n: 1 });
    expect(boundStrings({ a: ['abcdefgh'] }, 4)).toEqual({ a: ['abcd… (8 chars, cut)'] });
  });

  test('JSON text: invisible characters become \\u escapes that parse back to the same value', () => {
    const value = { s: 'a\u009b\u202e\u2066\u007f\u2028b' };
    const text = escapeInvisibleInJson(JSON.stringify(value));
    expect(text).toBe('{"s":"a\\u009b\\u202e\\u2066\\u007f\\u2028b"}');
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('Markdown: no autolinks', () => {
  test('bare URLs, www. and mailto: go into code spans; trailing punctuation stays outside', () => {
    expect(escapeMarkdown('see https://evil.example/a?b=1&c=2, www.evil.example. mailto:x@evil.example')).toBe(
      'see `https://evil.example/a?b=1&c=2`, `www.evil.example`. `mailto:x@evil.example`',
    );
    expect(escapeMarkdown('(conditional: http://evil.example/x_y)')).toBe('\\(conditional: `http://evil.example/x_y`\\)');
  });

  test('a URL cannot carry a pipe or a backtick out of its code span', () => {
    expect(escapeMarkdown('http://a.example/|x `y`')).toBe('`http://a.example/`\\|x \\`y\\`');
    expect(escapeMarkdown('http:// alone')).toBe('http:// alone');
  });
});
