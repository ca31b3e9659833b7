import { DURATIONS, RESOLUTIONS, TIER_LABELS, type Tier } from '../../core/endpoints/index.js';
import { NoPriceInEffectError } from '../../core/errors/index.js';
import { Decimal, formatDecimal, formatMoney } from '../../core/money.js';
import type { PriceBook } from '../../core/pricing/price-book.js';
import { blockKey, clipKey, type EndpointPricing, type PricingTable } from '../../core/pricing/pricing-table.js';
import { selectPricing } from '../../core/quote.js';
import { pricingContext, type PricingFlags } from '../pricing-context.js';
import type { PricesReport, RateCard, RateCardRow } from '../report.js';

export interface PricesFlags extends PricingFlags {
  readonly endpoint?: string;
  readonly provider?: string;
}

/** per_clip: tier x resolution x duration. per_block: tier x resolution x the block count a source length bills. */
export function rateCard(table: PricingTable, pricing: EndpointPricing): RateCard {
  const base = {
    provider: table.provider, version: table.version, effectiveFrom: table.effectiveFrom, sha256: table.sha256,
    endpoint: pricing.endpoint, billing: pricing.billing, verified: pricing.verified, notes: pricing.notes,
  };
  const rows: RateCardRow[] = [];
  if (pricing.billing === 'per_clip') {
    for (const tier of pricing.request.tiers) {
      for (const resolution of RESOLUTIONS) {
        const prices = Object.fromEntries(DURATIONS.map((duration) => [duration, pricing.prices.get(clipKey(tier, resolution, duration))?.text ?? null]));
        rows.push({ tier: TIER_LABELS[tier], resolution, prices });
      }
    }
    return { ...base, columns: [...DURATIONS], rows };
  }
  const blockSeconds = formatDecimal(pricing.blockSeconds);
  const blocks = pricing.maxSourceSeconds.div(pricing.blockSeconds).ceil().toNumber();
  const bounds = Array.from({ length: blocks }, (_, index) => pricing.blockSeconds.times(index + 1));
  const perBlock = `per ${blockSeconds} s block`;
  const columns = [perBlock, ...bounds.map((bound) => `≤ ${formatDecimal(Decimal.min(bound, pricing.maxSourceSeconds))} s`)];
  for (const tier of pricing.request.tiers as readonly Tier[]) {
    for (const resolution of RESOLUTIONS) {
      const price = pricing.prices.get(blockKey(tier, resolution));
      const prices: Record<string, string | null> = { [perBlock]: price?.text ?? null };
      bounds.forEach((_, index) => {
        prices[columns[index + 1]!] = price ? formatMoney(price.amount.times(index + 1)) : null;
      });
      rows.push({ tier: TIER_LABELS[tier], resolution, prices });
    }
  }
  return { ...base, columns, rows, blockSeconds, maxSourceSeconds: formatDecimal(pricing.maxSourceSeconds) };
}

function allCards(book: PriceBook, selector: { at: Date; version: string | undefined }, provider: string | undefined) {
  const cards: RateCard[] = [];
  const notInEffect: string[] = [];
  const providers = provider === undefined ? book.providers().sort() : [provider];
  for (const name of providers) {
    let table: PricingTable;
    try {
      table = selector.version === undefined ? book.select(name, { atMs: selector.at.getTime() }) : book.select(name, { version: selector.version });
    } catch (error) {
      if (!(error instanceof NoPriceInEffectError)) throw error;
      notInEffect.push(name);
      continue;
    }
    for (const pricing of table.endpoints.values()) cards.push(rateCard(table, pricing));
  }
  return { cards, notInEffect };
}

/** `fal-budget prices [endpoint]`: the rate cards in effect (at --at, or the pinned --pricing-version). */
export function pricesCommand(flags: PricesFlags, now: () => Date): PricesReport {
  const { book, at, version } = pricingContext(flags, now);
  const header = { kind: 'prices' as const, currency: 'USD' as const, at: version === undefined ? at.toISOString() : undefined, version };
  if (flags.endpoint !== undefined) {
    const { table, pricing } = selectPricing(book, flags.endpoint, { at, version, provider: flags.provider });
    return { ...header, cards: [rateCard(table, pricing)], notInEffect: [] };
  }
  const { cards, notInEffect } = allCards(book, { at, version }, flags.provider);
  if (cards.length === 0) {
    const when = version === undefined ? `at ${at.toISOString()}` : `in version ${version}`;
    throw new NoPriceInEffectError(`no pricing table is in effect ${when}${flags.provider ? ` for ${flags.provider}` : ''}`, { provider: flags.provider ?? '(any)' });
  }
  return { ...header, cards, notInEffect };
}
