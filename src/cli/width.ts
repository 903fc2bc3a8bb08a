import { SelfExplainingUsageError } from './usage-error.js';

/** The narrowest table that still reads: a badge, a rule id and a few words of a command per line. */
export const MIN_WIDTH = 40;
const DEFAULT_WIDTH = 100;

/** `--width N`: a whole number of columns, at least MIN_WIDTH. yargs turns a non-number into NaN. */
export function widthFlag(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const n = typeof raw === 'number' ? raw : Number.NaN;
  if (!Number.isInteger(n) || n < MIN_WIDTH) {
    const got = typeof raw === 'number' && !Number.isNaN(raw) ? String(raw) : 'something that is not a number';
    throw new SelfExplainingUsageError(`--width must be a whole number of columns, at least ${MIN_WIDTH}, got ${got}`);
  }
  return n;
}

/**
 * Columns for the table: --width, else COLUMNS (honoured when piped too: `COLUMNS=80 … | less`), else the
 * terminal's width, else 100. COLUMNS is the environment's, not the user's typing, so a value that is not a
 * number is ignored and one below the minimum is raised to it rather than refused.
 */
export function tableWidth(flag: number | undefined, env: NodeJS.ProcessEnv, terminalColumns: number | undefined): number {
  if (flag !== undefined) return flag;
  const fromEnv = Number((env['COLUMNS'] ?? '').trim());
  if ((env['COLUMNS'] ?? '').trim() !== '' && Number.isInteger(fromEnv) && fromEnv > 0) return Math.max(MIN_WIDTH, fromEnv);
  if (terminalColumns !== undefined && terminalColumns > 0) return Math.max(MIN_WIDTH, terminalColumns);
  return DEFAULT_WIDTH;
}
