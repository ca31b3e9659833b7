import type { UnderivableCell } from './draft-table.js';

export type PriceStatus = 'unchanged' | 'changed' | 'unknown_unit' | 'missing';

/** One fal endpoint of the table in effect, against fal's pricing API. */
export interface PriceCheckRow {
  readonly endpoint: string;
  readonly status: PriceStatus;
  /** The table's base cell ("sdr 540p 5s") and its price, when the card has one. */
  readonly cell: string | undefined;
  readonly tablePrice: string | undefined;
  /** What the cell's price buys: "clip" or "second". */
  readonly tableUnit: string | undefined;
  /** fal's answer, when it gave one. */
  readonly falPrice: string | undefined;
  readonly falUnit: string | undefined;
  readonly falCurrency: string | undefined;
  /** falPrice - tablePrice, signed, when changed. */
  readonly change: string | undefined;
  /** Why an endpoint could not be compared. */
  readonly reason: string | undefined;
}

export interface PricingCheckReport {
  readonly kind: 'pricing-check';
  readonly currency: 'USD';
  /** The instant whose tables were checked. */
  readonly at: string;
  readonly table: { readonly provider: string; readonly version: string; readonly sha256: string; readonly file: string };
  readonly endpoints: readonly PriceCheckRow[];
  readonly counts: Readonly<Record<PriceStatus, number>>;
  /** With --write: the drafted table, or the cells that kept it from being drafted. */
  readonly draft: { readonly file: string; readonly version: string } | { readonly refused: readonly UnderivableCell[] } | undefined;
}
