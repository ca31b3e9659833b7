import { Decimal, formatMoney } from '../../../core/money.js';
import type { PricingTableData } from '../../../core/pricing/schema.js';

export interface PriceChange {
  readonly endpoint: string;
  readonly old: string;
  readonly new: string;
  readonly unit: string;
}

export interface UnderivableCell {
  readonly endpoint: string;
  /** The cell's path in `billing.rates`, e.g. "hdr.1080p.10s". */
  readonly cell: string;
  readonly reason: string;
}

export interface DraftMeta {
  readonly version: string;
  readonly effectiveFrom: string;
  /** The date fal's API was asked (YYYY-MM-DD). */
  readonly checked: string;
}

/** Ledgers count whole nano-USD: a drafted price finer than that could not be charged as written. */
const MAX_DECIMALS = 9;

/**
 * cell x new / old, exactly, or why not: the scaled price must be a terminating decimal of at most
 * 9 places. (0.72 -> 0.80 takes 1.08 to 1.20; 0.30 -> 0.40 cannot take 1.00 to 1.333...)
 */
function scaled(cell: string, change: PriceChange): Decimal | string {
  const old = new Decimal(change.old);
  const numerator = new Decimal(cell).times(change.new);
  const result = numerator.div(old);
  if (!result.times(old).eq(numerator)) return `${cell} x ${change.new} / ${change.old} is not a terminating decimal`;
  if (result.decimalPlaces() > MAX_DECIMALS) return `${cell} x ${change.new} / ${change.old} = ${result.toFixed()} has more than ${MAX_DECIMALS} decimals`;
  return result;
}

/** Every price under `rates`, scaled; the cells that could not be, by path. */
function scaleRates(rates: unknown, change: PriceChange, path: string[], refused: UnderivableCell[]): unknown {
  if (typeof rates === 'string') {
    const result = scaled(rates, change);
    if (typeof result === 'string') {
      refused.push({ endpoint: change.endpoint, cell: path.join('.'), reason: result });
      return rates;
    }
    return formatMoney(result);
  }
  if (typeof rates !== 'object' || rates === null) return rates;
  return Object.fromEntries(Object.entries(rates).map(([key, value]) => [key, scaleRates(value, change, [...path, key], refused)]));
}

/**
 * A new version of `table` for people to review: each changed endpoint's whole rate card scaled
 * by fal's new base price over the old one (the card's proportions kept, as fal's pages state
 * them: multipliers of the base), marked unverified with a note saying so; every other endpoint
 * as it was. Refused, cell by cell, where the scaled price is not exact.
 */
export function draftTable(table: PricingTableData, changes: readonly PriceChange[], meta: DraftMeta): { data: PricingTableData } | { refused: UnderivableCell[] } {
  const refused: UnderivableCell[] = [];
  const endpoints: Record<string, PricingTableData['endpoints'][string]> = {};
  for (const [endpoint, pricing] of Object.entries(table.endpoints)) {
    const change = changes.find((candidate) => candidate.endpoint === endpoint);
    if (!change) {
      endpoints[endpoint] = pricing;
      continue;
    }
    const rates = scaleRates(pricing.billing.rates, change, [], refused);
    endpoints[endpoint] = {
      ...pricing,
      verified: false,
      notes: `Drafted by \`fal-budget pricing check\` on ${meta.checked}: fal's pricing API gave $${change.new} per ${change.unit} for the base cell, which this table had at $${change.old}; every cell is scaled by ${change.new}/${change.old}, keeping the card's proportions. Check the model page before publishing. Was: ${pricing.notes}`,
      billing: { ...pricing.billing, rates } as typeof pricing.billing,
    };
  }
  if (refused.length > 0) return { refused };
  const { $schema: _schema, effectiveUntil: _until, ...rest } = table;
  return { data: { ...rest, version: meta.version, effectiveFrom: meta.effectiveFrom, checked: meta.checked, endpoints } };
}
