/**
 * "Did you mean": the nearest known flag, command or rule to something mistyped. Distance is optimal string
 * alignment (Levenshtein plus swapping two neighbours), so `audti` is one edit from `audit`, and
 * `organisation` one from `organization`.
 */

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate nearest to `word`, if it is near enough to be a typo: at most one edit in a short word, up to a
 * third of the letters in a longer one. Ties go to the first candidate, so callers pass them in a stable order.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d <= limit && (best === undefined || d < best.d)) best = { name: c, d };
  }
  return best?.name;
}

/** What yargs knows about the command being parsed. */
export interface KnownNames {
  commands: readonly string[];
  /** Flag names without dashes, aliases included. */
  options: readonly string[];
}

/**
 * Turns yargs' "Unknown argument(s): a, b" into one line that names the nearest flag or command. Undefined when
 * nothing is near (the caller keeps yargs' words and its usage hint).
 */
export function unknownArgumentsMessage(msg: string, argv: readonly string[], known: KnownNames): string | undefined {
  const m = /^Unknown arguments?: (.+)$/.exec(msg.trim());
  if (m === null) return undefined;
  const names = m[1]!.split(', ');
  const positionals = argv.filter((a) => !a.startsWith('-'));
  const command = positionals[0];
  // No command matched: yargs also calls every flag unknown then, but the command is the mistake.
  if (command !== undefined && names.includes(command) && !known.commands.includes(command)) {
    const guess = nearest(command, known.commands);
    return guess !== undefined ? `Unknown command: ${command}; did you mean ${guess}?` : undefined;
  }
  const isFlag = (n: string): boolean => argv.some((a) => a === `--${n}` || a.startsWith(`--${n}=`) || a === `-${n}`);
  const options = known.options.filter((o) => o.length > 1 && !/[A-Z]/.test(o));
  const parts: string[] = [];
  let anyGuess = false;
  for (const n of names) {
    const guess = isFlag(n) ? nearest(n, options) : undefined;
    if (guess !== undefined) anyGuess = true;
    parts.push(guess !== undefined ? `${n}; did you mean --${guess}?` : n);
  }
  if (!anyGuess) return undefined;
  return `Unknown argument${names.length > 1 ? 's' : ''}: ${parts.join(', ')}`;
}
