import { log } from './log.js';
import type { ProgressReporter, ProgressUpdate } from './progress.js';

/**
 * Progress for JSON logs, where no terminal line can be redrawn: one INFO entry at the start and each time
 * another tenth of the projects is done, so a 10,000-project scan logs about a dozen lines, not 10,000.
 * Counted in projects, never in time, so the same scan always logs the same lines.
 */
export function jsonProgressReporter(enabled: boolean): ProgressReporter {
  if (!enabled) return { update() {}, done() {} };
  let lastStep = -1;
  return {
    update({ projectsDone, projectsTotal }: ProgressUpdate) {
      const step = projectsTotal > 0 ? Math.floor((projectsDone * 10) / projectsTotal) : 10;
      if (step <= lastStep) return;
      lastStep = step;
      log('INFO', `scanning: ${projectsDone}/${projectsTotal} projects`, { projectsDone, projectsTotal });
    },
    done() {},
  };
}
