import type { CallContext } from './apis.js';
import { GoogleCallError } from './errors.js';

export interface Page<T> {
  items: T[];
  /** Absent or empty on the last page (AIP-158). */
  nextPageToken?: string | null | undefined;
}

/** No real list in a Run/IAM/CRM scope comes near this; reaching it means the server pages forever. */
export const MAX_PAGES = 10_000;

/**
 * Follows nextPageToken until the last page. A token seen before would restart the same pages forever, so it stops
 * paging and fails the whole list with PAGING_LOOP (a partial list would look complete to the rules).
 */
export async function collectPages<T>(
  ctx: CallContext,
  fetchPage: (pageToken: string | undefined) => Promise<Page<T>>,
  maxPages: number = MAX_PAGES,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let pages = 1; ; pages++) {
    const page = await fetchPage(token);
    items.push(...page.items);
    const next = page.nextPageToken ?? '';
    if (next === '') return items;
    if (seen.has(next) || next === token) {
      throw loop(ctx, `the server sent page token "${short(next)}" again after ${pages} pages`);
    }
    if (pages >= maxPages) throw loop(ctx, `the server kept sending page tokens for ${pages} pages`);
    seen.add(next);
    token = next;
  }
}

function short(token: string): string {
  return token.length > 24 ? token.slice(0, 23) + '…' : token;
}

function loop(ctx: CallContext, detail: string): GoogleCallError {
  return new GoogleCallError(ctx, { status: 'PAGING_LOOP', metadata: {}, detail }, 1, 0);
}
