import { TIER_LABELS } from '../../core/endpoints/index.js';
import { Decimal, formatMoney } from '../../core/money.js';
import type { PriceBook } from '../../core/pricing/price-book.js';
import type { EndpointPricing, Price, PricingTable } from '../../core/pricing/pricing-table.js';
import { MAX_TABLE_BYTES } from '../../tables/load-directory.js';
import { readPricingTable } from '../../tables/read-table.js';
import { readRegularFile } from '../../tables/read-regular-file.js';
import { CliError } from '../cli-error.js';
import { pricingContext } from '../pricing-context.js';
import type { BillingChange, ChangedCell, DiffReport, PriceCellRef, PricedCell } from '../report.js';

export interface DiffFlags {
  readonly old: string;
  readonly new: string;
  readonly pricing?: string;
  /** --exit-code: exit 3 when the tables differ (main decides it, from tablesDiffer). */
  readonly exitCode?: boolean;
}

/** Whether two tables differ in anything diff reports: a price, an added or removed cell, a billing term. */
export function tablesDiffer(report: DiffReport): boolean {
  return report.changed.length + report.added.length + report.removed.length + report.billingChanges.length > 0;
}

/** A ref ending in .json is a table file; anything else is `<provider>/<version>` in the book. */
async function resolveTable(ref: string, which: string, book: PriceBook): Promise<PricingTable> {
  if (ref.endsWith('.json')) {
    // A regular file within the table cap, as --pricing reads: a FIFO or /dev/zero never hangs diff.
    const read = readRegularFile(ref, MAX_TABLE_BYTES);
    if (!read.ok) throw new CliError('unreadable_input', `diff ${which} ${ref}: cannot read (${read.reason})`, { cause: read.cause });
    return readPricingTable(read.text, ref);
  }
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1 || ref.indexOf('/', slash + 1) >= 0) {
    throw new CliError('usage', `diff ${which}: expected <provider>/<version> (e.g. fal/2026-11-21) or a path to a .json table (got "${ref}")`);
  }
  return book.select(ref.slice(0, slash), { version: ref.slice(slash + 1) });
}

/** Every priced cell of an endpoint, as its card lists them, keyed so the same cell in two versions meets. */
function cellsOf(pricing: EndpointPricing): Map<string, { ref: PriceCellRef; price: Price }> {
  const cells = new Map<string, { ref: PriceCellRef; price: Price }>();
  for (const cell of pricing.card.cells()) {
    cells.set(`${pricing.endpoint}\u0000${pricing.billing}\u0000${cell.key}`, {
      ref: { endpoint: pricing.endpoint, tier: TIER_LABELS[cell.tier], resolution: cell.resolution, unit: cell.unit },
      price: cell.price,
    });
  }
  return cells;
}

function allCells(table: PricingTable) {
  const cells = new Map<string, { ref: PriceCellRef; price: Price }>();
  for (const pricing of table.endpoints.values()) for (const [key, cell] of cellsOf(pricing)) cells.set(key, cell);
  return cells;
}

function signed(amount: Decimal, text: string): string {
  return amount.isNegative() ? text : `+${text}`;
}

/** How an endpoint bills, besides its prices: the kind and its terms (block length, maximum source). */
function billingOf(pricing: EndpointPricing): Record<string, string> {
  return { kind: pricing.billing, ...pricing.card.terms };
}

/**
 * `fal-budget diff <old> <new>`: every price cell that changed, with the change exact and the
 * percent to 2 places rounded half-even; cells only one side prices are listed as added/removed.
 */
export async function diffCommand(flags: DiffFlags, now: () => Date): Promise<DiffReport> {
  const { book } = pricingContext({ pricing: flags.pricing }, now);
  const before = await resolveTable(flags.old, '<old>', book);
  const after = await resolveTable(flags.new, '<new>', book);
  const oldCells = allCells(before);
  const newCells = allCells(after);
  const changed: ChangedCell[] = [];
  const removed: PricedCell[] = [];
  const added: PricedCell[] = [];
  let unchanged = 0;
  for (const [key, { ref, price }] of oldCells) {
    const next = newCells.get(key);
    if (!next) {
      removed.push({ ...ref, price: price.text });
    } else if (next.price.amount.eq(price.amount)) {
      unchanged += 1;
    } else {
      const change = next.price.amount.minus(price.amount);
      const percent = change.div(price.amount).times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
      changed.push({
        ...ref, old: price.text, new: next.price.text,
        change: signed(change, formatMoney(change)),
        percent: signed(percent, percent.toFixed(2)),
      });
    }
  }
  for (const [key, { ref, price }] of newCells) if (!oldCells.has(key)) added.push({ ...ref, price: price.text });

  const billingChanges: BillingChange[] = [];
  for (const [endpoint, pricing] of before.endpoints) {
    const next = after.endpoints.get(endpoint);
    if (!next) continue;
    const was = billingOf(pricing);
    const becomes = billingOf(next);
    for (const field of new Set([...Object.keys(was), ...Object.keys(becomes)])) {
      if (was[field] !== becomes[field]) billingChanges.push({ endpoint, field, old: was[field] ?? '', new: becomes[field] ?? '' });
    }
  }
  const ref = (table: PricingTable) => ({ provider: table.provider, version: table.version, sha256: table.sha256, file: table.file });
  return {
    kind: 'diff', currency: 'USD', old: ref(before), new: ref(after), percentRounding: 'half-even',
    changed, added, removed, billingChanges, unchanged,
  };
}
