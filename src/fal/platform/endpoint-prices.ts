import { Decimal, formatMoney } from '../../core/money.js';
import { FalPlatformError } from './fal-platform-error.js';
import type { FalPlatformClient } from './platform-client.js';

export const PRICING_PATH = '/v1/models/pricing';
/** fal takes 1 to 50 endpoint ids per pricing request. */
export const IDS_PER_REQUEST = 50;

/** fal's price for one endpoint: a unit price (exact decimal string) per `unit`. */
export interface EndpointPrice {
  readonly endpointId: string;
  readonly unitPrice: string;
  readonly unit: string;
  readonly currency: string;
}

function malformed(reason: string): FalPlatformError {
  return new FalPlatformError('platform_malformed_response', `GET ${PRICING_PATH}: ${reason}`, { endpoint: PRICING_PATH, status: 200 });
}

function parsePrice(raw: unknown): EndpointPrice {
  const row = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (typeof row.endpoint_id !== 'string' || row.endpoint_id.length === 0) throw malformed('a price has no endpoint_id');
  const price = row.unit_price;
  // A JSON number arrives as its exact text (parseExactJson); a numeric string is read the same.
  if (typeof price !== 'string' || !/^(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(price)) {
    throw malformed(`${row.endpoint_id}: unit_price must be a non-negative number (got ${JSON.stringify(price)})`);
  }
  if (typeof row.unit !== 'string' || row.unit.length === 0) throw malformed(`${row.endpoint_id}: unit must be a string`);
  if (typeof row.currency !== 'string' || row.currency.length === 0) throw malformed(`${row.endpoint_id}: currency must be a string`);
  return { endpointId: row.endpoint_id, unitPrice: formatMoney(new Decimal(price)), unit: row.unit, currency: row.currency };
}

/** fal's prices for these endpoints (for this account: prices may be specific to it), 50 ids a request. */
export async function endpointPrices(client: FalPlatformClient, endpointIds: readonly string[]): Promise<Map<string, EndpointPrice>> {
  const prices = new Map<string, EndpointPrice>();
  for (let index = 0; index < endpointIds.length; index += IDS_PER_REQUEST) {
    const ids = endpointIds.slice(index, index + IDS_PER_REQUEST).join(',');
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await client.get(PRICING_PATH, { endpoint_id: ids, cursor }) as { prices?: unknown; next_cursor?: unknown; has_more?: unknown } | null;
      if (typeof page !== 'object' || page === null || !Array.isArray(page.prices)) throw malformed('the answer has no prices array');
      for (const raw of page.prices) {
        const price = parsePrice(raw);
        prices.set(price.endpointId, price);
      }
      const next = page.next_cursor;
      if (page.has_more !== true || typeof next !== 'string' || next.length === 0) break;
      if (seen.has(next)) throw malformed(`next_cursor ${JSON.stringify(next)} repeats an earlier page`);
      seen.add(next);
      cursor = next;
    }
  }
  return prices;
}
