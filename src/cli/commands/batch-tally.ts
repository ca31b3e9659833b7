import type { Subtotal } from '../../core/batch.js';
import { Decimal, formatMoney, ZERO } from '../../core/money.js';
import type { Quote } from '../../core/quote-types.js';

interface Group {
  readonly provider: string;
  readonly endpoint: string;
  count: number;
  /** How many jobs cost each distinct amount, keyed by the amount's decimal string. */
  readonly amounts: Map<string, { count: number }>;
}

/**
 * BatchTotals' sums, computed by counting: a batch has only a handful of distinct line totals
 * (one per price cell and block count), so each line costs a map lookup, and each distinct
 * amount is multiplied by its count once, exactly, at the end. Same summary as BatchTotals
 * (the CLI tests compare them), at a fraction of the per-line cost on a million lines.
 */
export class BatchTally {
  /** provider -> endpoint -> group: two lookups by strings the quote already holds, no key to build. */
  private readonly groups = new Map<string, Map<string, Group>>();
  private upperBound = false;

  /** Adds `count` identical jobs priced by `quote` (one job's quote). */
  add(quote: Quote, count = 1): void {
    if (quote.upperBound) this.upperBound = true;
    let byEndpoint = this.groups.get(quote.provider);
    if (!byEndpoint) {
      byEndpoint = new Map();
      this.groups.set(quote.provider, byEndpoint);
    }
    let group = byEndpoint.get(quote.endpoint);
    if (!group) {
      group = { provider: quote.provider, endpoint: quote.endpoint, count: 0, amounts: new Map() };
      byEndpoint.set(quote.endpoint, group);
    }
    group.count += count;
    const tally = group.amounts.get(quote.total);
    if (tally) tally.count += count;
    else group.amounts.set(quote.total, { count });
  }

  private static sum(group: Group): Decimal {
    let total = ZERO;
    for (const [amount, { count }] of group.amounts) total = total.plus(new Decimal(amount).times(count));
    return total;
  }

  summary(): { total: string; totalAmount: Decimal; upperBound: boolean; subtotals: Subtotal[] } {
    const groups = [...this.groups.values()].flatMap((byEndpoint) => [...byEndpoint.values()]).sort((a, b) => a.provider.localeCompare(b.provider) || a.endpoint.localeCompare(b.endpoint));
    let total = ZERO;
    const subtotals = groups.map((group) => {
      const amount = BatchTally.sum(group);
      total = total.plus(amount);
      return { endpoint: group.endpoint, provider: group.provider, count: group.count, total: formatMoney(amount) };
    });
    return { total: formatMoney(total), totalAmount: total, upperBound: this.upperBound, subtotals };
  }
}
