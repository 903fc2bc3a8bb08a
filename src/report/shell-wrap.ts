import { charWidth, displayWidth, wrap } from './text.js';

/** Splits a shell command into words, keeping quoted parts ('…', "…", \x) inside their word. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === null && c === ' ') {
      if (word !== '') words.push(word);
      word = '';
      continue;
    }
    word += c;
    if (c === '\\' && quote !== "'" && i + 1 < command.length) word += command[++i]!;
    else if (quote === null && (c === "'" || c === '"')) quote = c;
    else if (c === quote) quote = null;
  }
  if (word !== '') words.push(word);
  return words;
}

/** Where a command block goes: the whole line width, and what starts its first and its continued lines. */
export interface CommandLayout {
  /** Columns a line may take, prefixes included. */
  width: number;
  /** Before the first line, e.g. `   $ `. */
  first: string;
  /** Before a line that continues after a break between words (indentation only: it is harmless there). */
  next: string;
}

type Context = 'bare' | 'single' | 'double';

/**
 * Where one shell word may be broken, by code point index: the quoting in force there, or null where a break
 * would change the word (inside `\x`, next to a quote character, after a space or `$`).
 */
function breakContexts(chars: readonly string[]): (Context | null)[] {
  const out: (Context | null)[] = new Array<Context | null>(chars.length + 1).fill(null);
  let ctx: Context = 'bare';
  let escaped = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (escaped) escaped = false;
    else if (ctx !== 'single' && c === '\\') escaped = true;
    else if (ctx === 'bare' && c === "'") ctx = 'single';
    else if (ctx === 'bare' && c === '"') ctx = 'double';
    else if ((ctx === 'single' && c === "'") || (ctx === 'double' && c === '"')) ctx = 'bare';
    const next = chars[i + 1];
    const quoteNear = c === "'" || c === '"' || next === "'" || next === '"';
    if (i + 1 < chars.length && !escaped && !quoteNear && c !== ' ' && c !== '$') out[i + 1] = ctx;
  }
  return out;
}

/** What ends a line broken inside a word, and what starts the next one, so the shell sees one word. */
const BREAK: Record<Context, { end: string; start: string }> = {
  // Backslash-newline is removed before words are split, outside single quotes.
  bare: { end: '\\', start: '' },
  double: { end: '\\', start: '' },
  // Inside single quotes a backslash is literal: close the quote, continue the line, reopen it.
  single: { end: "'\\", start: "'" },
};

/** The least of a long word worth starting on a line that already holds other words. */
const MIN_PIECE = 16;

const SOFT = new Set([',', '=', '/', ':', ';', '&', '.', '@']);

/**
 * Lays a one-line shell command out in lines of at most `layout.width` columns that a shell reads as the very
 * same command: lines are broken between words with ` \`, and a word too long for a line is broken inside
 * with a backslash-newline (closing and reopening a single-quoted part), its next line starting at column 0
 * because indentation there would split the word. Nothing is ever cut. A `# comment` becomes comment lines,
 * because a backslash does not continue a comment and the next line would run as a command.
 */
export function wrapCommand(command: string, layout: CommandLayout): string[] {
  const { width, first, next } = layout;
  if (command.startsWith('#')) {
    const body = command.replace(/^#+\s*/, '');
    const room = Math.max(10, width - Math.max(displayWidth(first), displayWidth(next)) - 2);
    return wrap(body, room).map((l, i) => `${i === 0 ? first : next}# ${l}`);
  }
  const words = shellWords(command);
  const lines: string[] = [];
  let line = first;
  let hasWord = false;
  words.forEach((word, k) => {
    const reserve = k === words.length - 1 ? 0 : 2; // room for the " \" a following word may need
    const w = displayWidth(word);
    if (displayWidth(line) + (hasWord ? 1 : 0) + w + reserve <= width) {
      line += (hasWord ? ' ' : '') + word;
      hasWord = true;
      return;
    }
    // A word too long even for a line of its own is broken anyway: start it here if a fair part of it fits.
    const ownLine = displayWidth(next) + w + reserve <= width;
    if (hasWord && (ownLine || width - displayWidth(line) - 1 < MIN_PIECE)) {
      lines.push(line + ' \\');
      line = next;
      hasWord = false;
    } else if (hasWord) {
      line += ' ';
    }
    const chars = Array.from(word);
    const contexts = breakContexts(chars);
    let pos = 0;
    while (displayWidth(line) + widthOf(chars, pos, chars.length) + reserve > width) {
      const cut = chooseBreak(chars, contexts, pos, width - displayWidth(line));
      if (cut === undefined) break; // no place inside the word may be broken: the line stays long, never cut
      const ctx = contexts[cut]!;
      lines.push(line + chars.slice(pos, cut).join('') + BREAK[ctx].end);
      line = BREAK[ctx].start;
      pos = cut;
    }
    line += chars.slice(pos).join('');
    hasWord = true;
  });
  lines.push(line);
  return lines;
}

function widthOf(chars: readonly string[], from: number, to: number): number {
  let w = 0;
  for (let i = from; i < to; i++) w += charWidth(chars[i]!.codePointAt(0)!);
  return w;
}

/**
 * The break after `pos` that fills the line best: the last allowed one that fits, moved back to just before a
 * space, else after punctuation, when that costs less than a third of the room. Undefined when none is allowed.
 */
function chooseBreak(chars: readonly string[], contexts: readonly (Context | null)[], pos: number, room: number): number | undefined {
  let best: number | undefined;
  let firstAllowed: number | undefined;
  for (let p = pos + 1; p < chars.length; p++) {
    const ctx = contexts[p];
    if (ctx == null) continue;
    firstAllowed ??= p;
    if (widthOf(chars, pos, p) + BREAK[ctx].end.length <= room) best = p;
    else break;
  }
  if (best === undefined) return firstAllowed;
  // Before a space first (a quoted phrase stays readable), then after punctuation.
  for (const soft of [(p: number) => chars[p] === ' ', (p: number) => SOFT.has(chars[p - 1]!)]) {
    for (let p = best; p > pos && widthOf(chars, p, best) < room / 3; p--) {
      if (contexts[p] != null && soft(p)) return p;
    }
  }
  return best;
}
