import { NoPriceInEffectError } from '../../core/errors/index.js';
import type { PriceBook } from '../../core/pricing/price-book.js';
import type { EndpointPricing, PricingTable } from '../../core/pricing/pricing-table.js';
import { selectPricing } from '../../core/quote.js';
import { pricingContext, type PricingFlags } from '../pricing-context.js';
import type { PricesReport, RateCard } from '../report.js';

export interface PricesFlags extends PricingFlags {
  readonly endpoint?: string;
  readonly provider?: string;
}

/** An endpoint's rate card, laid out by its billing kind. */
export function rateCard(table: PricingTable, pricing: EndpointPricing): RateCard {
  const { columns, rows, note } = pricing.card.rateCard();
  return {
    provider: table.provider, version: table.version, effectiveFrom: table.effectiveFrom, sha256: table.sha256,
    endpoint: pricing.endpoint, billing: pricing.billing, verified: pricing.verified, notes: pricing.notes,
    columns, rows, ...(note === undefined ? {} : { note }), terms: pricing.card.terms,
  };
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
