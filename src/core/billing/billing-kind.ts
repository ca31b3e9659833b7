import type { z } from 'zod/mini';
import type { RequestModel, Tier } from '../endpoints/index.js';
import type { PricingTableProblem } from '../errors/pricing-table-error.js';
import type { Price } from '../pricing/price.js';
import type { CoreQuoteOptions } from '../quote-options.js';
import type { QuoteLine, QuoteWarning } from '../quote-line.js';

/** Where a card is compiled: which endpoint and model, and where to report problems. */
export interface CardContext {
  readonly file: string;
  readonly endpoint: string;
  readonly request: RequestModel;
  /** JSON path of the endpoint's `billing` object in the table. */
  readonly path: ReadonlyArray<string | number>;
  readonly problems: PricingTableProblem[];
}

/** Who is quoting: the endpoint and provider for messages, and the caller's options. */
export interface QuoteContext {
  readonly endpoint: string;
  readonly provider: string;
  readonly options: CoreQuoteOptions;
}

/** What a card says one request costs. */
export interface PricedRequest<Unit extends string = string, Params = unknown> {
  readonly line: QuoteLine<Unit>;
  readonly params: Params;
  readonly total: string;
  /** A quantity was unknown and quoted at its maximum. */
  readonly upperBound: boolean;
  readonly warnings: readonly QuoteWarning[];
}

/** One priced cell, as `diff` compares them: the same key in two versions is the same cell. */
export interface PriceCell {
  readonly key: string;
  readonly tier: Tier;
  readonly resolution: string;
  /** What one price buys: "5s", "per 5 s block". */
  readonly unit: string;
  readonly price: Price;
}

export interface RateCardRow {
  readonly tier: string;
  readonly resolution: string;
  /** Keyed by the card's columns; null where the combination is not offered. */
  readonly prices: Readonly<Record<string, string | null>>;
}

/** A card laid out for people: `prices` renders this as it is. */
export interface RateCardView {
  readonly columns: readonly string[];
  readonly rows: readonly RateCardRow[];
  /** How the card bills, when its columns cannot say it alone. */
  readonly note?: string;
}

/**
 * The one cell of a card that fal's pricing API prices: fal answers one unit price per endpoint,
 * the card's cheapest plain offering (used by `fal-budget pricing check`).
 */
export interface BaseCell {
  /** Where the cell is in the table's `billing.rates`, e.g. ["sdr", "540p", "5s"]. */
  readonly path: readonly string[];
  /** The published price, a decimal string. */
  readonly price: string;
  /** What one price buys. */
  readonly per: string;
  /** fal's unit names that mean the same thing ("video", "second"). */
  readonly units: readonly string[];
}

/** One endpoint's compiled card: the only thing that knows how its kind prices a request. */
export interface Card<Unit extends string = string, Params = unknown> {
  readonly kind: BillingKind;
  /** The billing terms besides the prices (block length, maximum source), as decimal strings. */
  readonly terms: Readonly<Record<string, string>>;
  /** Prices a request the model has validated (defaults applied); throws NotOfferedError for a missing cell. */
  quote(parsed: Record<string, unknown>, context: QuoteContext): PricedRequest<Unit, Params>;
  cells(): readonly PriceCell[];
  rateCard(): RateCardView;
}

/**
 * A way of billing (per clip, per block of the source, ...): its part of the pricing schema and
 * how a card of that kind compiles. Registered in ./index.ts; nothing else knows the kinds.
 */
export interface BillingKind<Id extends string = string, Unit extends string = string, Params = unknown, Data = unknown> {
  /** The `billing.kind` value in a table. */
  readonly id: Id;
  /** How it bills, in words that finish "priced ...": "per clip". */
  readonly label: string;
  readonly unit: Unit;
  /** The `billing` object of a table entry of this kind. */
  readonly schema: z.ZodMiniType<Data>;
  /**
   * Present when a quote needs the source video's length (the `sourceSeconds` option, the CLI's
   * --source-seconds / --source): `replaces` is the request field the length stands in for.
   */
  readonly source?: { readonly billedBy: string; readonly replaces: string };
  /** Compiles a card for fast quoting; reports problems in `context` and returns undefined when broken. */
  compile(data: Data, context: CardContext): Card<Unit, Params> | undefined;
  /**
   * The cell fal's unit price stands for, or why the card has none. Absent: the kind is not one
   * fal's pricing API prices (a per-block card is GMI's).
   */
  baseCell?(data: Data): BaseCell | string;
}

/** The parameters a kind's quotes carry in `Quote.params`. */
export type ParamsOf<Kind> = Kind extends BillingKind<string, string, infer Params> ? Params : never;
export type DataOf<Kind> = Kind extends BillingKind<string, string, unknown, infer Data> ? Data : never;
export type UnitOf<Kind> = Kind extends BillingKind<string, infer Unit> ? Unit : never;
