import { FalPlatformError } from './fal-platform-error.js';
import { DEFAULT_MAX_PAGES, type FalPlatformClient } from './platform-client.js';

/**
 * The rows of every page of one platform API query: `cursor` -> `next_cursor` until `has_more`
 * is false. `rows` names the array each page carries ("billing_events", "prices"). An answer that
 * would page forever is an error: a cursor fal already gave, an empty page that says there is
 * more, or more than the client's `maxPages` pages (a server handing out new cursors for ever).
 */
export async function* pageRows(client: FalPlatformClient, path: string, query: Readonly<Record<string, string | undefined>>, rows: string): AsyncGenerator<unknown> {
  const maxPages = client.maxPages ?? DEFAULT_MAX_PAGES;
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 1; ; pages += 1) {
    const page = await client.get(path, { ...query, cursor }) as Record<string, unknown> | null;
    const items = typeof page === 'object' && page !== null ? page[rows] : undefined;
    if (!Array.isArray(items)) throw malformed(path, `the answer has no ${rows} array`);
    yield* items;
    const next = page!.next_cursor;
    if (page!.has_more !== true || next === null || next === undefined) return;
    if (items.length === 0) throw malformed(path, `page ${pages} has no ${rows} but says has_more: true`);
    if (pages >= maxPages) {
      throw new FalPlatformError('platform_page_limit', `GET ${path}: still has_more after ${maxPages} pages (the client's maxPages): stopped rather than page on; ask for less, e.g. a shorter range`, { endpoint: path, status: 200 });
    }
    if (typeof next !== 'string' || next.length === 0) throw malformed(path, `next_cursor: must be a string (got ${JSON.stringify(next)})`);
    if (seen.has(next)) throw malformed(path, `next_cursor ${JSON.stringify(next)} repeats an earlier page`);
    seen.add(next);
    cursor = next;
  }
}

export function malformed(path: string, reason: string): FalPlatformError {
  return new FalPlatformError('platform_malformed_response', `GET ${path}: ${reason}`, { endpoint: path, status: 200 });
}
