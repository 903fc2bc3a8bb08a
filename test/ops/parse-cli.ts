import { buildCli } from '../../src/cli/cli.js';

class Parsed extends Error {}

/**
 * Parses a command line with the real CLI definition, strict flags and choices included, and stops before any
 * handler runs: resolves when yargs accepts it, rejects with yargs' own message when it does not.
 */
export async function parsesWithCli(args: string[]): Promise<void> {
  try {
    await buildCli(args)
      .middleware(() => {
        throw new Parsed();
      })
      .parseAsync();
  } catch (e) {
    if (e instanceof Parsed) return;
    throw e;
  }
  throw new Error(`${args.join(' ')}: no command ran`);
}

/** Splits a shell command line into words (quotes and backslash-newlines; variables stay as written). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.replace(/\\\n/g, ' ').matchAll(re)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

/**
 * Every `cloudrun-auditor …` (or `node dist/src/cli/main.js …`) command in a text, continuation lines joined,
 * with shell and CI variables replaced by a plausible value.
 */
export function invocations(text: string): string[][] {
  const joined = text.replace(/\\\r?\n\s*/g, ' ');
  const out: string[][] = [];
  for (const raw of joined.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const m = /(?:^|[\s;&|(`])(?:cloudrun-auditor|node dist\/src\/cli\/main\.js)\s+([a-z].*)$/.exec(raw);
    if (!m?.[1]) continue;
    const line = m[1].replace(/\s#.*$/, '').replace(/\s*(?:\|\||&&|;|\||>|2>).*$/, '');
    // A bash array expansion such as "${extra[@]}" stands for optional flags: left out.
    const words = shellWords(line)
      .filter((w) => !/^\$\{[A-Za-z_]+\[@\]\}$/.test(w))
      .map((w) => w.replace(/\$\{\{[^}]*\}\}|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '123456'));
    out.push(words);
  }
  return out;
}

/** The contents of a Markdown file's fenced code blocks: where commands are shown to be typed. */
export function codeBlocks(markdown: string): string {
  return [...markdown.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '').join('\n');
}
