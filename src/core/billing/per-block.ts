import * as z from 'zod/mini';
import { TIER_LABELS, tierOf, type RequestModel, type Tier } from '../endpoints/index.js';
import { Decimal, formatDecimal } from '../money.js';
import type { Price } from '../pricing/price.js';
import { priceSchema, ratesBy, secondsSchema } from '../pricing/price-schema.js';
import type { SourceSecondsFrom } from '../quote-line.js';
import { ceilDivSeconds, compareSeconds, parseSeconds, type Seconds } from '../seconds.js';
import type { BillingKind, Card, CardContext, PriceCell, PricedRequest, QuoteContext, RateCardView } from './billing-kind.js';
import { cardRows, hasSource, tierResolutionPrices } from './card-keys.js';
import { priceTimes } from './multiples.js';
import { notOffered } from './not-offered.js';
import { checkSourceLength, sourceLength, type SourcePricing } from './source-length.js';
import { TierResolutionCells } from './tier-resolution-cells.js';

/** What a per-block quote's `params` say: the cell, the blocks billed and the length they came from. */
export interface BlockParams {
  readonly billing: 'per_block';
  readonly tier: Tier;
  readonly resolution: string;
  readonly blocks: number;
  readonly blockSeconds: string;
  readonly sourceSeconds: string;
  readonly sourceSecondsFrom: SourceSecondsFrom;
}

const schema = z.strictObject({
  kind: z.literal('per_block'),
  blockSeconds: secondsSchema,
  maxSourceSeconds: secondsSchema,
  /** tier -> resolution -> price of one block. */
  rates: ratesBy(ratesBy(priceSchema, 'resolutions'), 'tiers'),
});

type BlockData = z.infer<typeof schema>;

class BlockCard implements Card<'block', BlockParams>, SourcePricing {
  readonly kind = perBlock;
  readonly terms: Readonly<Record<string, string>>;
  /** Each cell's price, and its line's description between the endpoint and the source length. */
  private readonly cellsByKey = new TierResolutionCells<{ price: Price; describes: string }>();
  private readonly priced: Array<{ tier: Tier; resolution: string; price: Price }> = [];

  constructor(
    private readonly endpoint: string,
    readonly request: RequestModel,
    readonly blockLength: Seconds,
    readonly maxSourceLength: Seconds,
  ) {
    this.terms = Object.freeze({ blockSeconds: blockLength.text, maxSourceSeconds: maxSourceLength.text });
  }

  add(tier: Tier, resolution: string, blockPrice: Price): void {
    this.cellsByKey.set(tier, resolution, { price: blockPrice, describes: ` · ${resolution} · ${TIER_LABELS[tier]} · ${this.blockLength.text} s blocks of a ` });
    this.priced.push({ tier, resolution, price: blockPrice });
  }

  quote(parsed: Record<string, unknown>, context: QuoteContext): PricedRequest<'block', BlockParams> {
    const { endpoint } = context;
    const tier = tierOf(parsed);
    const resolution = parsed.resolution as string;
    const cell = this.cellsByKey.get(tier, resolution)
      ?? notOffered(endpoint, context.provider, { tier: TIER_LABELS[tier], resolution });
    const blockPrice = cell.price;
    const { seconds, from, field, warnings } = sourceLength(endpoint, this, parsed, context.options);
    checkSourceLength(endpoint, this, seconds, field);
    // Billed per started block: 25.0000000000000001 s is six 5 s blocks. At most
    // maxSourceSeconds / blockSeconds blocks, so the count is a small whole number.
    const blocks = ceilDivSeconds(seconds, this.blockLength);
    const amount = priceTimes(blockPrice, blocks);
    const blockSeconds = this.blockLength.text;
    const sourceSeconds = seconds.text;
    return {
      line: {
        description: `${endpoint}${cell.describes}${sourceSeconds} s source`,
        quantity: String(blocks),
        unit: 'block',
        unitPrice: blockPrice.text,
        amount,
      },
      params: { billing: 'per_block', tier, resolution, blocks, blockSeconds, sourceSeconds, sourceSecondsFrom: from },
      total: amount,
      upperBound: from === 'maximum',
      warnings,
    };
  }

  cells(): PriceCell[] {
    const unit = `per ${this.blockLength.text} s block`;
    return this.priced.map(({ tier, resolution, price: blockPrice }) => ({ key: `${tier} ${resolution}`, tier, resolution, unit, price: blockPrice }));
  }

  /** tier x resolution x the block count a source length bills: each column what a source up to that length costs. */
  rateCard(): RateCardView {
    const blockSeconds = new Decimal(this.blockLength.text);
    const maxSourceSeconds = new Decimal(this.maxSourceLength.text);
    const blocks = ceilDivSeconds(this.maxSourceLength, this.blockLength);
    const bounds = Array.from({ length: blocks }, (_, index) => blockSeconds.times(index + 1));
    const perBlock = `per ${this.blockLength.text} s block`;
    const columns = [perBlock, ...bounds.map((bound) => `≤ ${formatDecimal(Decimal.min(bound, maxSourceSeconds))} s`)];
    const rows = cardRows(this.request, (tier, resolution) => {
      const blockPrice = this.cellsByKey.get(tier, resolution)?.price;
      const prices: Record<string, string | null> = { [perBlock]: blockPrice?.text ?? null };
      bounds.forEach((_, index) => {
        prices[columns[index + 1]!] = blockPrice ? priceTimes(blockPrice, index + 1) : null;
      });
      return prices;
    });
    const note = `Billed per ${this.blockLength.text} s block of the source, rounded up; sources up to ${this.maxSourceLength.text} s.`;
    return { columns, rows, note };
  }
}

function compile(data: BlockData, context: CardContext): BlockCard | undefined {
  if (!hasSource(context, 'per block')) return undefined;
  // The schema has checked both are positive decimal strings.
  const blockLength = parseSeconds(data.blockSeconds)!;
  const maxSourceLength = parseSeconds(data.maxSourceSeconds)!;
  if (compareSeconds(maxSourceLength, blockLength) < 0) {
    context.problems.push({ file: context.file, path: [...context.path, 'maxSourceSeconds'], message: 'maxSourceSeconds is shorter than one block' });
  }
  const card = new BlockCard(context.endpoint, context.request, blockLength, maxSourceLength);
  for (const { tier, resolution, price } of tierResolutionPrices(context, data.rates)) card.add(tier, resolution, price);
  return card;
}

/** Per started block of the source video (GMI's edit: 5 s blocks, rounded up). */
export const perBlock: BillingKind<'per_block', 'block', BlockParams, BlockData> = {
  id: 'per_block',
  label: 'per block of the source',
  unit: 'block',
  schema,
  source: { billedBy: 'per block of the source', replaces: 'duration' },
  compile,
};
