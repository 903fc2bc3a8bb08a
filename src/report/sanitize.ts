/**
 * The one sanitiser for untrusted text: anything from Google, an input file, a rules file or an error body.
 * Whoever can deploy a service, write a label or answer at --endpoint controls these strings, so before one
 * reaches a terminal, a spreadsheet, a browser or a CI page:
 *   - control characters are shown, not obeyed: C0 (NUL, BEL, ESC, …), DEL and C1 become `\x1b`-style escapes,
 *     and the invisible characters that reorder or hide text (bidi overrides and isolates, LRM/RLM, ALM,
 *     U+2028/2029) become `\u202e`-style escapes, so an ANSI or OSC sequence prints as inert text;
 *   - a value longer than FIELD_MAX is cut, and the cut says how long the value was.
 * Backslashes are left alone (commands carry `\` continuations), so an escape is for reading, not reversing.
 */

/** Characters of one value a report keeps; longer values are cut (the note gives the original length). */
export const FIELD_MAX = 16_384;

/** Characters of one stderr line; a longer one (a 10 MB glob echoed back) is cut the same way. */
export const MESSAGE_MAX = 4_000;

// C0 other than tab/LF/CR, DEL, C1, the Arabic letter mark, LRM/RLM, U+2028/2029, bidi embeddings/overrides
// (U+202A–U+202E) and isolates (U+2066–U+2069), non-characters U+FFFE/U+FFFF, and lone surrogates (which
// no encoder can write and XML forbids).
const ALWAYS =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Line structure in multi-line text: CRLF becomes LF, a lone CR (which lets a terminal overwrite a line) an escape. */
const LONE_CR = /\r(?!\n)/g;
/** What JSON.stringify leaves raw but a terminal or an editor would act on or hide (JSON itself escapes C0). */
const JSON_INVISIBLE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;
/** Everything that breaks a line or a cell in one-line text. */
const BREAKS = /\r\n|[\r\n\t]/g;
// Quick checks (no /g, so no lastIndex state): most strings hold nothing to change and are returned as they are.
const NEEDS_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]/;
const NEEDS_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]/;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
}

/**
 * `s`, or its first `max` characters followed by `… (N chars, cut)` with N its full length. A surrogate pair is
 * never split.
 */
export function cut(s: string, max = FIELD_MAX): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${s.slice(0, end)}… (${s.length} chars, cut)`;
}

/** Multi-line text (a code block, a CSV cell, an XML text node): keeps LF and tab, escapes every other control. */
export function safeText(s: string, max = FIELD_MAX): string {
  if (s.length <= max && !NEEDS_TEXT.test(s)) return s;
  return cut(s, max).replace(/\r\n/g, '\n').replace(LONE_CR, '\\x0d').replace(ALWAYS, escapeOne);
}

/** One line (a table cell, a heading, a log line): line breaks and tabs become spaces, other controls escapes. */
export function safeLine(s: string, max = FIELD_MAX): string {
  if (s.length <= max && !NEEDS_LINE.test(s)) return s;
  return cut(s, max).replace(BREAKS, ' ').replace(ALWAYS, escapeOne);
}

/**
 * JSON text with DEL, C1, bidi and line-separator characters written as \u escapes: the same values once parsed,
 * but nothing in the bytes a terminal (`--format json` to stdout) would obey. JSON's syntax is ASCII, so these
 * characters can only be inside strings, where a \u escape means the same character.
 */
export function escapeInvisibleInJson(jsonText: string): string {
  return jsonText.replace(JSON_INVISIBLE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * A copy of a JSON-like value with every string (object keys included) passed through `fn`. Objects and
 * arrays in which nothing changed are returned as they are, so a clean report is not copied at all.
 */
export function mapStrings<T>(value: T, fn: (s: string) => string): T {
  return mapValue(value, fn) as T;
}

function mapValue(v: unknown, fn: (s: string) => string): unknown {
  if (typeof v === 'string') return fn(v);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const m = mapValue(v[i], fn);
      if (m !== v[i]) (out ??= v.slice())[i] = m;
    }
    return out ?? v;
  }
  if (v !== null && typeof v === 'object') {
    // Copies only from the first key or value that changes (a clean report allocates nothing).
    const keys = Object.keys(v);
    const src = v as Record<string, unknown>;
    let out: [string, unknown][] | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const mk = fn(k);
      const mx = mapValue(src[k], fn);
      if (out === undefined && (mk !== k || mx !== src[k])) out = keys.slice(0, i).map((p) => [p, src[p]]);
      if (out !== undefined) out.push([mk, mx]);
    }
    return out === undefined ? v : Object.fromEntries(out);
  }
  return v;
}

/** The report (or any part of it) with every string at most FIELD_MAX characters: what every format renders. */
export function boundStrings<T>(value: T, max = FIELD_MAX): T {
  return mapStrings(value, (s) => cut(s, max));
}

/** Every string made visible (multi-line kept): for formats whose text a viewer shows as it is (HTML, SARIF). */
export function visibleStrings<T>(value: T): T {
  return mapStrings(value, (s) => safeText(s));
}
