/**
 * SIGINT (Ctrl-C) and SIGTERM (a Cloud Run job at its timeout, `docker stop`, Kubernetes) end a run the way every
 * other ending does: a clean terminal line, no temporary files left behind, one closing line (the JSON
 * `{"exitCode":…}` line with --log-format json), and an exit code a caller can tell apart: 128 + the signal
 * number, 130 and 143.
 */
import { removeLiveTemps } from '../files/safe-write.js';
import { EXIT } from './exit-codes.js';
import { logInterrupted } from './log.js';

type Signal = 'SIGINT' | 'SIGTERM';

const CODES: Record<Signal, number> = { SIGINT: EXIT.SIGINT, SIGTERM: EXIT.SIGTERM };

export interface InterruptIo {
  stderr: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  exit: (code: number) => void;
}

/** Installs the handlers for one run; returns a function that removes them. */
export function endOnInterrupt(command: string, io: InterruptIo = { stderr: process.stderr, exit: (c) => process.exit(c) }): () => void {
  const handler = (signal: Signal): void => {
    // Erase whatever the terminal line holds (the progress line, an echoed ^C) so the closing line starts clean.
    if (io.stderr.isTTY === true) io.stderr.write('\r\u001b[2K');
    removeLiveTemps();
    const code = CODES[signal];
    logInterrupted(signal, code, command);
    io.exit(code);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
