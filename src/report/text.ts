/** Terminal text layout: widths, wrapping and truncation. Untrusted strings are made safe in sanitize.ts. */
import { safeLine } from './sanitize.js';

/** One line: line breaks and tabs become spaces, other controls visible escapes, long values cut (sanitize.ts). */
export function oneLine(s: string): string {
  return safeLine(s);
}

/** Columns a code point takes in a monospace terminal (East Asian wide and emoji count 2, combining marks 0). */
export function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/**
 * Greedy word wrap to `width` columns. Words longer than a line are cut, so no line ever exceeds the width.
 */
export function wrap(text: string, width: number): string[] {
  const max = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const w = displayWidth(word);
    if (lineWidth > 0 && lineWidth + 1 + w <= max) {
      line += ' ' + word;
      lineWidth += 1 + w;
      continue;
    }
    if (lineWidth > 0) lines.push(line);
    line = '';
    lineWidth = 0;
    if (w <= max) {
      line = word;
      lineWidth = w;
      continue;
    }
    for (const ch of word) {
      const cw = charWidth(ch.codePointAt(0)!);
      if (lineWidth + cw > max) {
        lines.push(line);
        line = '';
        lineWidth = 0;
      }
      line += ch;
      lineWidth += cw;
    }
  }
  if (lineWidth > 0 || lines.length === 0) lines.push(line);
  return lines;
}

/** Cuts to at most `width` columns, ending in an ellipsis when cut. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return out + '…';
}
