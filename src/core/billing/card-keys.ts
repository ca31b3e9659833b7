import type { RequestModel, Tier } from '../endpoints/index.js';
import { TIER_LABELS } from '../endpoints/index.js';
import { price, type Price } from '../pricing/price.js';
import type { CardContext, RateCardRow } from './billing-kind.js';

/** The values a request model can ask for in one price dimension: its tiers, or a field's options. */
export function dimensionValues(request: RequestModel, dimension: 'tier' | 'resolution' | 'duration'): readonly string[] {
  if (dimension === 'tier') return request.tiers;
  return request.fields.find((field) => field.name === dimension)?.options ?? [];
}

/**
 * Whether a card's key is a value the request model can ask for; when not, a problem at the key's
 * path. A price no request can reach is a mistake in the table, never silently kept.
 */
export function isReachable(
  context: CardContext,
  path: ReadonlyArray<string | number>,
  dimension: 'tier' | 'resolution' | 'duration',
  key: string,
): boolean {
  const values = dimensionValues(context.request, dimension);
  if (values.includes(key)) return true;
  const message = dimension === 'tier'
    ? `request model ${context.request.id} cannot ask for tier ${key}`
    : `request model ${context.request.id} has no ${dimension} ${key} (it takes ${values.join(', ') || 'none'})`;
  context.problems.push({ file: context.file, path: [...context.path, ...path], message });
  return false;
}

/** The tiers of a card that a request can reach, each with its rates (problems reported for the rest). */
export function reachableTiers<Rates>(context: CardContext, rates: Readonly<Record<string, Rates>>): Array<[Tier, Rates]> {
  return Object.entries(rates).filter(([tier]) => isReachable(context, ['rates', tier], 'tier', tier)) as Array<[Tier, Rates]>;
}

/** Every reachable price of a tier -> resolution -> price card, in the table's order. */
export function tierResolutionPrices(context: CardContext, rates: Readonly<Record<string, Readonly<Record<string, string>>>>): Array<{ tier: Tier; resolution: string; price: Price }> {
  const prices: Array<{ tier: Tier; resolution: string; price: Price }> = [];
  for (const [tier, byResolution] of reachableTiers(context, rates)) {
    for (const [resolution, text] of Object.entries(byResolution)) {
      if (isReachable(context, ['rates', tier, resolution], 'resolution', resolution)) prices.push({ tier, resolution, price: price(text) });
    }
  }
  return prices;
}

/** A kind billed by the source's length needs a model that says where the source comes from. */
export function hasSource(context: CardContext, billedBy: string): boolean {
  if (context.request.source) return true;
  context.problems.push({
    file: context.file,
    path: [...context.path, 'kind'],
    message: `request model ${context.request.id} does not say where its source comes from: it cannot be billed ${billedBy}`,
  });
  return false;
}

/** A rate card's rows: every tier x resolution the model can ask for, priced by `pricesOf`. */
export function cardRows(request: RequestModel, pricesOf: (tier: Tier, resolution: string) => Record<string, string | null>): RateCardRow[] {
  const rows: RateCardRow[] = [];
  for (const tier of request.tiers) {
    for (const resolution of dimensionValues(request, 'resolution')) rows.push({ tier: TIER_LABELS[tier], resolution, prices: pricesOf(tier, resolution) });
  }
  return rows;
}
