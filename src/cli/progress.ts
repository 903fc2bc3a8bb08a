/**
 * A one-line progress display on stderr, only when stderr is a terminal and --quiet is off:
 * scheduled runs and pipes get nothing but the report.
 */
export interface ProgressUpdate {
  projectsDone: number;
  projectsTotal: number;
}

export interface ProgressReporter {
  update(p: ProgressUpdate): void;
  done(): void;
}

/** "scanning: 12/40 projects, 1.5/s, ETA 19s": the rate is over the whole run so far, which steadies as it goes. */
export function progressLine({ projectsDone, projectsTotal }: ProgressUpdate, elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? projectsDone / seconds : 0;
  const eta = rate > 0 ? Math.ceil((projectsTotal - projectsDone) / rate) : undefined;
  return `scanning: ${projectsDone}/${projectsTotal} projects, ${rate.toFixed(1)}/s` + (eta !== undefined ? `, ETA ${eta}s` : '');
}

export function progressReporter(
  enabled: boolean,
  stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr,
  now: () => number = Date.now,
): ProgressReporter {
  if (!enabled || stream.isTTY !== true) return { update() {}, done() {} };
  const started = now();
  let shown = false;
  return {
    update(p) {
      // Erase the line first: a shorter line must not leave the tail of a longer one behind.
      stream.write(`\r\u001b[2K${progressLine(p, now() - started)}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}
