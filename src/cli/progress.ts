/**
 * A one-line progress display on stderr, only when stderr is a terminal and --quiet is off:
 * scheduled runs and pipes get nothing but the report.
 */
export interface ProgressUpdate {
  projectsDone: number;
  projectsTotal: number;
}

export function progressReporter(enabled: boolean): { update(p: ProgressUpdate): void; done(): void } {
  if (!enabled || !process.stderr.isTTY) return { update() {}, done() {} };
  const started = Date.now();
  let shown = false;
  return {
    update({ projectsDone, projectsTotal }) {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? projectsDone / seconds : 0;
      const eta = rate > 0 ? Math.ceil((projectsTotal - projectsDone) / rate) : undefined;
      const line = `scanning: ${projectsDone}/${projectsTotal} projects, ${rate.toFixed(1)}/s` + (eta !== undefined ? `, ETA ${eta}s` : '');
      process.stderr.write(`\r\u001b[2K${line}`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\u001b[2K');
    },
  };
}
