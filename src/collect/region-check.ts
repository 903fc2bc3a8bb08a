import { UserError } from '../errors.js';
import { compareText } from './sort.js';

/**
 * `--region` names regions to scan; one that no scanned project offers (per Run's locations list) would scan
 * nothing and pass, so it is refused with the nearest real region as a hint (`us-centrall1` → `us-central1`).
 *
 * @param listed the regions each project's locations list returned, for the projects that answered
 */
export function checkRegions(wanted: readonly string[], listed: readonly (readonly string[])[]): void {
  if (wanted.length === 0 || listed.length === 0) return; // no project answered: nothing to judge by
  const offered = new Set(listed.flat());
  const unknown = wanted.filter((r) => !offered.has(r));
  if (unknown.length === 0) return;
  const all = [...offered].sort(compareText);
  const hints = unknown.flatMap((r) => {
    const near = nearest(r, all);
    return near === undefined ? [] : [unknown.length === 1 ? near : `${near} for ${r}`];
  });
  const one = unknown.length === 1;
  const hint = hints.length > 0 ? ` (did you mean ${hints.join(', ')}?)` : '';
  throw new UserError(
    'USAGE',
    `--region ${unknown.join(', ')} ${one ? 'is not a Cloud Run region' : 'are not Cloud Run regions'} of any scanned project${hint}`,
  );
}

/** The closest candidate within a few edits, if any. */
function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 4)) + 1;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
