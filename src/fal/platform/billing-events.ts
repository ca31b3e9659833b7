import { FalPlatformError } from './fal-platform-error.js';
import { parseBillingEvent, type BillingEvent } from './billing-event.js';
import type { FalPlatformClient } from './platform-client.js';

export const BILLING_EVENTS_PATH = '/v1/models/billing-events';
/** fal answers at most 90 days per query. */
export const MAX_RANGE_MS = 90 * 24 * 60 * 60 * 1000;

export interface BillingEventsQuery {
  /** Epoch ms, inclusive. */
  readonly since: number;
  /** Epoch ms, exclusive. */
  readonly until: number;
  /** Rows per page, at most 10 000 (the default). */
  readonly pageSize?: number;
}

/** [since, until) cut into consecutive ranges of at most 90 days. */
export function billingRanges(since: number, until: number): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  for (let start = since; start < until; start += MAX_RANGE_MS) ranges.push({ start, end: Math.min(start + MAX_RANGE_MS, until) });
  return ranges;
}

/**
 * Every billing event with a timestamp in [since, until), page by page (`cursor` ->
 * `next_cursor` until `has_more` is false), one 90-day range after another. A row or page that
 * is not in fal's documented shape is an error that names the field.
 */
export async function* billingEvents(client: FalPlatformClient, query: BillingEventsQuery): AsyncGenerator<BillingEvent> {
  const limit = String(query.pageSize ?? 10_000);
  for (const range of billingRanges(query.since, query.until)) {
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await client.get(BILLING_EVENTS_PATH, {
        start: new Date(range.start).toISOString(), end: new Date(range.end).toISOString(), limit, cursor,
      }) as { billing_events?: unknown; next_cursor?: unknown; has_more?: unknown } | null;
      const malformed = (reason: string) => new FalPlatformError('platform_malformed_response', `GET ${BILLING_EVENTS_PATH}: ${reason}`, { endpoint: BILLING_EVENTS_PATH, status: 200 });
      if (typeof page !== 'object' || page === null || !Array.isArray(page.billing_events)) throw malformed('the answer has no billing_events array');
      for (const raw of page.billing_events) {
        const event = parseBillingEvent(raw);
        if (typeof event === 'string') throw malformed(event);
        yield event;
      }
      const next = page.next_cursor;
      if (page.has_more !== true || next === null || next === undefined) break;
      if (typeof next !== 'string' || next.length === 0) throw malformed(`next_cursor: must be a string (got ${JSON.stringify(next)})`);
      // A cursor fal already gave would page forever.
      if (seen.has(next)) throw malformed(`next_cursor ${JSON.stringify(next)} repeats an earlier page`);
      seen.add(next);
      cursor = next;
    }
  }
}
