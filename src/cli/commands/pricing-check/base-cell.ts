/**
 * The one cell of a rate card that fal's pricing API prices: fal answers one unit price per
 * endpoint, which is the card's cheapest plain offering. Read from the table's data as
 * published (`billing`), so any billing kind whose rates are tier -> resolution -> ... can say:
 *   per_clip    SDR, 540p, the shortest duration: a price per clip ("video")
 *   per_second  SDR, 540p: a price per second ("second", "video_second")
 * Any other kind (per_block is not fal's) has no cell fal's answer compares with.
 */
export interface BaseCell {
  /** Where the cell is in `billing.rates`, e.g. ["sdr", "540p", "5s"]. */
  readonly path: readonly string[];
  readonly price: string;
  /** What one price buys. */
  readonly per: 'clip' | 'second';
  /** fal units that mean the same thing. */
  readonly units: readonly string[];
}

const CLIP_UNITS = ['video', 'videos', 'clip', 'clips'];
const SECOND_UNITS = ['second', 'seconds', 'video_second', 'video_seconds'];

type Rates = Record<string, Record<string, unknown>>;

/** The base cell, or why there is none. */
export function baseCellOf(billing: { readonly kind: string; readonly rates?: unknown }): BaseCell | string {
  const rates = billing.rates as Rates | undefined;
  const base = rates?.sdr?.['540p'];
  if (billing.kind === 'per_clip') {
    if (typeof base !== 'object' || base === null) return 'the card prices no SDR 540p clip';
    const durations = Object.keys(base).sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b));
    const shortest = durations[0];
    if (shortest === undefined) return 'the card prices no SDR 540p clip';
    return { path: ['sdr', '540p', shortest], price: String((base as Record<string, unknown>)[shortest]), per: 'clip', units: CLIP_UNITS };
  }
  if (billing.kind === 'per_second') {
    if (typeof base !== 'string') return 'the card prices no SDR 540p second';
    return { path: ['sdr', '540p'], price: base, per: 'second', units: SECOND_UNITS };
  }
  return `a ${billing.kind} card has no cell fal's unit price stands for`;
}
