/** POSIX shell quoting: bare when every character is safe, otherwise single-quoted with `'` spelled `'\''`. */
export function shellQuote(s: string): string {
  if (s.length > 0 && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `--name=value` with the value quoted as needed. */
export function flag(name: string, value: string): string {
  return `--${name}=${shellQuote(value)}`;
}

/** A command line from already-separate words. */
export function command(...words: string[]): string {
  return words.join(' ');
}
