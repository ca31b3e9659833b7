import * as z from 'zod/mini';
import { TIER_LABELS, tierOf, type RequestModel, type Tier } from '../endpoints/index.js';
import type { Price } from '../pricing/price.js';
import { priceSchema, ratesBy, secondsSchema } from '../pricing/price-schema.js';
import type { SourceSecondsFrom } from '../quote-line.js';
import { ceilDivSeconds, compareSeconds, parseSeconds, type Seconds } from '../seconds.js';
import type { BaseCell, BillingKind, Card, CardContext, PriceCell, PricedRequest, QuoteContext, RateCardView } from './billing-kind.js';
import { cardRows, hasSource, tierResolutionPrices } from './card-keys.js';
import { priceTimes } from './multiples.js';
import { notOffered } from './not-offered.js';
import { checkSourceLength, sourceLength, type SourcePricing } from './source-length.js';
import { TierResolutionCells } from './tier-resolution-cells.js';

/** What a per-second quote's `params` say: the cell, the started seconds billed and the length they came from. */
export interface SecondParams {
  readonly billing: 'per_second';
  readonly tier: Tier;
  readonly resolution: string;
  /** Started seconds of the source: a whole number, as a decimal string ("8" for 7.2 s). */
  readonly billedSeconds: string;
  readonly sourceSeconds: string;
  readonly sourceSecondsFrom: SourceSecondsFrom;
}

const schema = z.strictObject({
  kind: z.literal('per_second'),
  maxSourceSeconds: secondsSchema,
  /** tier -> resolution -> price of one started second of the source. */
  rates: ratesBy(ratesBy(priceSchema, 'resolutions'), 'tiers'),
});

type SecondData = z.infer<typeof schema>;

const ONE_SECOND = parseSeconds('1')!;
/** Source lengths the rate card prices besides its maximum: the examples a price page gives. */
const CARD_LENGTHS = ['5', '10'];

class SecondCard implements Card<'second', SecondParams>, SourcePricing {
  readonly kind = perSecond;
  readonly terms: Readonly<Record<string, string>>;
  /** Each cell's price, and its line's description between the endpoint and the source length. */
  private readonly cellsByKey = new TierResolutionCells<{ price: Price; describes: string }>();
  private readonly priced: Array<{ tier: Tier; resolution: string; price: Price }> = [];

  constructor(readonly request: RequestModel, readonly maxSourceLength: Seconds) {
    this.terms = Object.freeze({ maxSourceSeconds: maxSourceLength.text });
  }

  add(tier: Tier, resolution: string, secondPrice: Price): void {
    this.cellsByKey.set(tier, resolution, { price: secondPrice, describes: ` · ${resolution} · ${TIER_LABELS[tier]} · started seconds of a ` });
    this.priced.push({ tier, resolution, price: secondPrice });
  }

  quote(parsed: Record<string, unknown>, context: QuoteContext): PricedRequest<'second', SecondParams> {
    const { endpoint } = context;
    const tier = tierOf(parsed);
    const resolution = parsed.resolution as string;
    const cell = this.cellsByKey.get(tier, resolution)
      ?? notOffered(endpoint, context.provider, { tier: TIER_LABELS[tier], resolution });
    const secondPrice = cell.price;
    const { seconds, from, field, warnings } = sourceLength(endpoint, this, parsed, context.options);
    checkSourceLength(endpoint, this, seconds, field);
    // Billed per started second: 7.2 s is 8 seconds, 5.0000001 s is 6. At most maxSourceSeconds of them.
    const started = ceilDivSeconds(seconds, ONE_SECOND);
    const amount = priceTimes(secondPrice, started);
    const sourceSeconds = seconds.text;
    return {
      line: {
        description: `${endpoint}${cell.describes}${sourceSeconds} s source`,
        quantity: String(started),
        unit: 'second',
        unitPrice: secondPrice.text,
        amount,
      },
      params: { billing: 'per_second', tier, resolution, billedSeconds: String(started), sourceSeconds, sourceSecondsFrom: from },
      total: amount,
      upperBound: from === 'maximum',
      warnings,
    };
  }

  cells(): PriceCell[] {
    return this.priced.map(({ tier, resolution, price: secondPrice }) => ({ key: `${tier} ${resolution}`, tier, resolution, unit: 'per second', price: secondPrice }));
  }

  /** tier x resolution: the price per second, then what a source of each length costs. */
  rateCard(): RateCardView {
    const lengths = [...CARD_LENGTHS.map((text) => parseSeconds(text)!).filter((length) => compareSeconds(length, this.maxSourceLength) < 0), this.maxSourceLength];
    const columns = ['per second', ...lengths.map((length) => `${length.text} s`)];
    const rows = cardRows(this.request, (tier, resolution) => {
      const secondPrice = this.cellsByKey.get(tier, resolution)?.price;
      const prices: Record<string, string | null> = { 'per second': secondPrice?.text ?? null };
      lengths.forEach((length, index) => {
        prices[columns[index + 1]!] = secondPrice ? priceTimes(secondPrice, ceilDivSeconds(length, ONE_SECOND)) : null;
      });
      return prices;
    });
    return { columns, rows, note: `Billed per started second of the source (7.2 s bills 8 s); sources up to ${this.maxSourceLength.text} s.` };
  }
}

function compile(data: SecondData, context: CardContext): SecondCard | undefined {
  if (!hasSource(context, 'per second')) return undefined;
  // The schema has checked it is a positive decimal string.
  const card = new SecondCard(context.request, parseSeconds(data.maxSourceSeconds)!);
  for (const { tier, resolution, price } of tierResolutionPrices(context, data.rates)) card.add(tier, resolution, price);
  return card;
}

const SECOND_UNITS = ['second', 'seconds', 'video_second', 'video_seconds'];

/** fal prices a per-second endpoint by its SDR 540p second. */
function baseCell(data: SecondData): BaseCell | string {
  const base = (data.rates as Record<string, Record<string, string> | undefined>).sdr?.['540p'];
  if (base === undefined) return 'the card prices no SDR 540p second';
  return { path: ['sdr', '540p'], price: base, per: 'second', units: SECOND_UNITS };
}

/** Per started second of the source video (fal's reframe). */
export const perSecond: BillingKind<'per_second', 'second', SecondParams, SecondData> = {
  id: 'per_second',
  label: 'per second of the source',
  unit: 'second',
  schema,
  source: { billedBy: 'per started second of the source', replaces: 'duration' },
  compile,
  baseCell,
};
