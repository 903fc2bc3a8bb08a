import { describe, expect, test } from 'vitest';
import { progressLine, progressReporter } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (s: string) => (written.push(s), true) }, written };
}

describe('progress line', () => {
  test('projects done of total, the rate so far and an ETA', () => {
    expect(progressLine({ projectsDone: 12, projectsTotal: 40 }, 8000)).toBe('scanning: 12/40 projects, 1.5/s, ETA 19s');
    expect(progressLine({ projectsDone: 0, projectsTotal: 40 }, 0)).toBe('scanning: 0/40 projects, 0.0/s');
    expect(progressLine({ projectsDone: 40, projectsTotal: 40 }, 4000)).toBe('scanning: 40/40 projects, 10.0/s, ETA 0s');
  });

  test('a terminal gets the line, rewritten in place and erased at the end', () => {
    const { stream, written } = fakeStream(true);
    let now = 1000;
    const p = progressReporter(true, stream as unknown as NodeJS.WriteStream, () => now);
    now = 3000;
    p.update({ projectsDone: 4, projectsTotal: 10 });
    p.done();
    expect(written).toEqual(['\r\u001b[2Kscanning: 4/10 projects, 2.0/s, ETA 3s', '\r\u001b[2K']);
  });

  test('a pipe or file gets nothing, and neither does --quiet', () => {
    for (const [enabled, tty] of [[true, false], [false, true]] as const) {
      const { stream, written } = fakeStream(tty);
      const p = progressReporter(enabled, stream as unknown as NodeJS.WriteStream);
      p.update({ projectsDone: 1, projectsTotal: 2 });
      p.done();
      expect(written).toEqual([]);
    }
  });
});
