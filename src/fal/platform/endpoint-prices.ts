import { Decimal, formatMoney } from '../../core/money.js';
import { malformed as malformedAnswer, pageRows } from './pages.js';
import type { FalPlatformClient } from './platform-client.js';

const PRICING_PATH = '/v1/models/pricing';
/** fal takes 1 to 50 endpoint ids per pricing request. */
const IDS_PER_REQUEST = 50;

/** fal's price for one endpoint: a unit price (exact decimal string) per `unit`. */
export interface EndpointPrice {
  readonly endpointId: string;
  readonly unitPrice: string;
  readonly unit: string;
  readonly currency: string;
}

const malformed = (reason: string) => malformedAnswer(PRICING_PATH, reason);

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
    for await (const raw of pageRows(client, PRICING_PATH, { endpoint_id: ids }, 'prices')) {
      const price = parsePrice(raw);
      prices.set(price.endpointId, price);
    }
  }
  return prices;
}
