import { displayWidth } from './text.js';

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

/**
 * Wraps a one-line command between words with ` \` continuations, so a copied block still runs as one command.
 * A single word longer than a line is never split (that would change the command), so only such a line can
 * be wider than `width`.
 */
export function wrapCommand(command: string, width: number, continuationIndent: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of shellWords(command)) {
    // Keeps room for the " \" that ends every line but the last.
    if (line.trim() !== '' && displayWidth(line) + 1 + displayWidth(word) + 2 > width) {
      lines.push(line + ' \\');
      line = ' '.repeat(continuationIndent) + word;
    } else {
      line += (line.trim() === '' ? '' : ' ') + word;
    }
  }
  lines.push(line);
  return lines;
}
