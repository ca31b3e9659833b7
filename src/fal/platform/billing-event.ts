import { Decimal } from '../../core/money.js';
import { instantOf } from '../../core/instant.js';

/** One row of fal's billing events: what fal billed for one request. */
export interface BillingEvent {
  readonly requestId: string;
  readonly endpointId: string;
  /** As fal wrote it, and as epoch ms. */
  readonly timestamp: string;
  readonly at: number;
  /** Decimal strings, exact; undefined when fal sent none. */
  readonly outputUnits: string | undefined;
  readonly unitPrice: string | undefined;
  readonly percentDiscount: string | undefined;
  /** What fal billed, in whole nano-USD; undefined while fal has not priced the request. */
  readonly costNanoUsd: bigint | undefined;
}

const INTEGER = /^(0|[1-9]\d*)$/;

/** A JSON number (as exact text, see parseExactJson) or a numeric string, as a plain decimal string. */
function decimalText(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(value.trim())) return undefined;
  return new Decimal(value.trim()).toFixed();
}

/**
 * Reads one billing event as fal's API (or a saved export of it) has it, numbers as exact text.
 * A string is a problem to report, naming the field; nothing is guessed.
 */
export function parseBillingEvent(raw: unknown): BillingEvent | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'a billing event must be a JSON object';
  const row = raw as Record<string, unknown>;
  if (typeof row.request_id !== 'string' || row.request_id.length === 0) return 'request_id: must be a non-empty string';
  if (typeof row.endpoint_id !== 'string' || row.endpoint_id.length === 0) return `request ${row.request_id}: endpoint_id: must be a non-empty string`;
  const at = typeof row.timestamp === 'string' ? instantOf(row.timestamp) : undefined;
  if (at === undefined) return `request ${row.request_id}: timestamp: must be an ISO 8601 date-time with an offset (got ${JSON.stringify(row.timestamp)})`;
  const optional: Record<'output_units' | 'unit_price' | 'percent_discount', string | undefined> = { output_units: undefined, unit_price: undefined, percent_discount: undefined };
  for (const field of Object.keys(optional) as (keyof typeof optional)[]) {
    const value = row[field];
    if (value === undefined || value === null) continue;
    const text = decimalText(value);
    if (text === undefined) return `request ${row.request_id}: ${field}: must be a number (got ${JSON.stringify(value)})`;
    optional[field] = text;
  }
  const cost = row.cost_estimate_nano_usd;
  let costNanoUsd: bigint | undefined;
  if (cost !== undefined && cost !== null) {
    // An integer count of nano-USD: no fraction, no exponent, no sign. Anything else is refused.
    if (typeof cost !== 'string' || !INTEGER.test(cost)) return `request ${row.request_id}: cost_estimate_nano_usd: must be a whole number of nano-USD (got ${JSON.stringify(cost)})`;
    costNanoUsd = BigInt(cost);
  }
  return {
    requestId: row.request_id, endpointId: row.endpoint_id, timestamp: row.timestamp as string, at,
    outputUnits: optional.output_units, unitPrice: optional.unit_price, percentDiscount: optional.percent_discount, costNanoUsd,
  };
}
