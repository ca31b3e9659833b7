import { parseBillingEvent, type BillingEvent } from './billing-event.js';
import { malformed, pageRows } from './pages.js';
import type { FalPlatformClient } from './platform-client.js';

const BILLING_EVENTS_PATH = '/v1/models/billing-events';
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
 * Every billing event with a timestamp in [since, until), page by page, one 90-day range after
 * another. A row that is not in fal's documented shape is an error that names the field.
 */
export async function* billingEvents(client: FalPlatformClient, query: BillingEventsQuery): AsyncGenerator<BillingEvent> {
  const limit = String(query.pageSize ?? 10_000);
  for (const range of billingRanges(query.since, query.until)) {
    const window = { start: new Date(range.start).toISOString(), end: new Date(range.end).toISOString(), limit };
    for await (const raw of pageRows(client, BILLING_EVENTS_PATH, window, 'billing_events')) {
      const event = parseBillingEvent(raw);
      if (typeof event === 'string') throw malformed(BILLING_EVENTS_PATH, event);
      yield event;
    }
  }
}
