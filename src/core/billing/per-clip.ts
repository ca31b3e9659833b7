import * as z from 'zod/mini';
import { TIER_LABELS, tierOf, type RequestModel, type Tier } from '../endpoints/index.js';
import { price, type Price } from '../pricing/price.js';
import { priceSchema, ratesBy } from '../pricing/price-schema.js';
import type { BaseCell, BillingKind, Card, CardContext, PriceCell, PricedRequest, QuoteContext, RateCardView } from './billing-kind.js';
import { cardRows, dimensionValues, isReachable, reachableTiers } from './card-keys.js';
import { notOffered } from './not-offered.js';

/** What a per-clip quote's `params` say: the cell it was priced from. */
export interface ClipParams {
  readonly billing: 'per_clip';
  readonly tier: Tier;
  readonly resolution: string;
  readonly duration: string;
}

const schema = z.strictObject({
  kind: z.literal('per_clip'),
  /** tier -> resolution -> duration -> price. */
  rates: ratesBy(ratesBy(ratesBy(priceSchema, 'durations'), 'resolutions'), 'tiers'),
});

type ClipData = z.infer<typeof schema>;

const NO_WARNINGS = Object.freeze([]);

/** A clip's price depends only on its cell: each cell's whole priced answer is built once, frozen. */
class ClipCard implements Card<'clip', ClipParams> {
  readonly kind = perClip;
  readonly terms = Object.freeze({});
  private readonly byCell = new Map<Tier, Map<string, Map<string, PricedRequest<'clip', ClipParams>>>>();
  private readonly priced: Array<{ tier: Tier; resolution: string; duration: string; price: Price }> = [];

  constructor(private readonly endpoint: string, private readonly request: RequestModel) {}

  add(tier: Tier, resolution: string, duration: string, cellPrice: Price): void {
    const byResolution = this.byCell.get(tier) ?? new Map<string, Map<string, PricedRequest<'clip', ClipParams>>>();
    this.byCell.set(tier, byResolution);
    const byDuration = byResolution.get(resolution) ?? new Map<string, PricedRequest<'clip', ClipParams>>();
    byResolution.set(resolution, byDuration);
    byDuration.set(duration, Object.freeze({
      line: Object.freeze({
        description: `${this.endpoint} · ${resolution} · ${TIER_LABELS[tier]} · ${duration}`,
        quantity: '1',
        unit: 'clip' as const,
        unitPrice: cellPrice.text,
        amount: cellPrice.text,
      }),
      params: Object.freeze({ billing: 'per_clip' as const, tier, resolution, duration }),
      total: cellPrice.text,
      upperBound: false,
      warnings: NO_WARNINGS,
    }));
    this.priced.push({ tier, resolution, duration, price: cellPrice });
  }

  quote(parsed: Record<string, unknown>, context: QuoteContext): PricedRequest<'clip', ClipParams> {
    const tier = tierOf(parsed);
    const resolution = parsed.resolution as string;
    const duration = parsed.duration as string;
    return this.byCell.get(tier)?.get(resolution)?.get(duration)
      ?? notOffered(context.endpoint, context.provider, { tier: TIER_LABELS[tier], resolution, duration });
  }

  cells(): PriceCell[] {
    return this.priced.map(({ tier, resolution, duration, price: cellPrice }) => ({
      key: `${tier} ${resolution} ${duration}`, tier, resolution, unit: duration, price: cellPrice,
    }));
  }

  /** tier x resolution x duration, every combination the model can ask for. */
  rateCard(): RateCardView {
    const durations = dimensionValues(this.request, 'duration');
    const rows = cardRows(this.request, (tier, resolution) => {
      const byDuration = this.byCell.get(tier)?.get(resolution);
      return Object.fromEntries(durations.map((duration) => [duration, byDuration?.get(duration)?.total ?? null]));
    });
    return { columns: [...durations], rows };
  }
}

function compile(data: ClipData, context: CardContext): ClipCard {
  const card = new ClipCard(context.endpoint, context.request);
  for (const [tier, byResolution] of reachableTiers(context, data.rates)) {
    for (const [resolution, byDuration] of Object.entries(byResolution)) {
      if (!isReachable(context, ['rates', tier, resolution], 'resolution', resolution)) continue;
      for (const [duration, text] of Object.entries(byDuration)) {
        if (isReachable(context, ['rates', tier, resolution, duration], 'duration', duration)) card.add(tier, resolution, duration, price(text));
      }
    }
  }
  return card;
}

const CLIP_UNITS = ['video', 'videos', 'clip', 'clips'];

/** fal prices a per-clip endpoint by its SDR 540p clip of the shortest duration. */
function baseCell(data: ClipData): BaseCell | string {
  const base = (data.rates as Record<string, Record<string, Record<string, string>> | undefined>).sdr?.['540p'];
  const shortest = base === undefined ? undefined : Object.keys(base).sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b))[0];
  if (base === undefined || shortest === undefined) return 'the card prices no SDR 540p clip';
  return { path: ['sdr', '540p', shortest], price: base[shortest]!, per: 'clip', units: CLIP_UNITS };
}

/** Per clip: one price per tier x resolution x duration. */
export const perClip: BillingKind<'per_clip', 'clip', ClipParams, ClipData> = {
  id: 'per_clip',
  label: 'per clip',
  unit: 'clip',
  schema,
  compile,
  baseCell,
};
