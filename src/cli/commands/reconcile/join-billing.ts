import type { JournalEntry } from '../../../core/budget/ledger-types.js';
import { amountToNano, nanoToMoney } from '../../../core/budget/nano-usd.js';
import type { BillingEvent } from '../../../fal/platform/billing-event.js';

/**
 * How one request's two accounts compare: the ledger's journal (what the guard counted) and
 * fal's billing event (what fal billed).
 *   matched        both say the same (a released hold fal did not bill: both $0)
 *   over_reserved  counted more than billed: the quote was above the bill
 *   under_quoted   counted less than billed: the quote (or a release) was below the bill
 *   unguarded      billed, and the ledger knows no such request: spend that went around the guard
 *   unbilled       counted, and fal billed nothing
 *   pending        too new to tell, a hold still open, or a bill fal has not priced yet
 */
export type ReconcileCategory = 'matched' | 'over_reserved' | 'under_quoted' | 'unguarded' | 'unbilled' | 'pending';

export const CATEGORIES: readonly ReconcileCategory[] = ['under_quoted', 'unguarded', 'unbilled', 'over_reserved', 'pending', 'matched'];

export interface ReconcileRow {
  readonly requestId: string;
  readonly endpoint: string;
  readonly category: ReconcileCategory;
  /** Why a row is pending. */
  readonly pending?: 'settle_delay' | 'hold_open' | 'not_priced';
  /** The journal's side; undefined when the ledger has no entry for the request. */
  readonly ledger?: {
    readonly outcome: JournalEntry['outcome'];
    /** The hold's amount (the quote), USD. */
    readonly amount: string;
    /** What it counts as spent: the amount, or 0.00 for a released hold. */
    readonly counted: string;
    readonly at: string;
  };
  /** fal's side; undefined when fal billed nothing for the request. */
  readonly billed?: {
    /** USD; undefined while fal has not priced it. */
    readonly cost: string | undefined;
    readonly costNanoUsd: string | undefined;
    readonly at: string;
    readonly endpoint: string;
    readonly outputUnits: string | undefined;
    readonly unitPrice: string | undefined;
  };
  /** billed - counted, USD, signed ("+0.36", "-0.72", "0.00"); undefined when a side is unpriced. */
  readonly difference: string | undefined;
}

interface CategoryTotal {
  readonly count: number;
  /** USD the ledger counted for these rows. */
  readonly counted: string;
  /** USD fal billed for these rows. */
  readonly billed: string;
  /** billed - counted, signed. */
  readonly difference: string;
}

export interface EndpointTotals {
  readonly endpoint: string;
  readonly categories: Readonly<Record<ReconcileCategory, CategoryTotal>>;
  readonly counted: string;
  readonly billed: string;
  /** billed - counted over every row of the endpoint, signed. */
  readonly difference: string;
}

export interface JoinInput {
  /** Journal entries read for the range and its margin. */
  readonly entries: Iterable<JournalEntry>;
  /** Billing events read for the range and its margin. */
  readonly events: Iterable<BillingEvent>;
  /** [since, until) in epoch ms: a request is reported when either side of it falls in the range. */
  readonly since: number;
  readonly until: number;
  readonly now: number;
  /** Rows newer than now - settleDelayMs are pending, not missing. */
  readonly settleDelayMs: number;
  /** Request ids the ledger links to a hold that is still open. */
  readonly openHolds: ReadonlySet<string>;
}

export interface JoinResult {
  readonly rows: readonly ReconcileRow[];
  readonly totals: readonly EndpointTotals[];
  readonly grandTotal: EndpointTotals;
  /** Journal entries in the range with no request id (calls fal answered without one): they cannot be joined. */
  readonly withoutRequestId: { readonly count: number; readonly counted: string; readonly endpoints: readonly string[] };
}

/** Signed USD from nano-USD: "+0.36", "-0.72", "0.00". */
export function signedUsd(nano: bigint): string {
  if (nano === 0n) return nanoToMoney(0n);
  return nano > 0n ? `+${nanoToMoney(nano)}` : `-${nanoToMoney(-nano)}`;
}

const iso = (ms: number) => new Date(ms).toISOString();
const counts = (entry: JournalEntry) => (entry.outcome === 'released' ? 0n : amountToNano('journal amount', entry.amount));

interface Sides {
  entry?: JournalEntry;
  /** Counted nano-USD, summed if the journal holds the request more than once. */
  counted: bigint;
  event?: BillingEvent;
  billed: bigint | undefined;
}

function emptyCategories(): Record<ReconcileCategory, { count: number; counted: bigint; billed: bigint }> {
  return Object.fromEntries(CATEGORIES.map((category) => [category, { count: 0, counted: 0n, billed: 0n }])) as Record<ReconcileCategory, { count: number; counted: bigint; billed: bigint }>;
}

/**
 * Joins the ledger's journal with fal's billing events by request id. Pure: the caller reads
 * both and the ledger's open holds. Money is nano-USD (BigInt) throughout, USD strings out.
 */
export function joinBilling(input: JoinInput): JoinResult {
  const inRange = (ms: number) => ms >= input.since && ms < input.until;
  const byRequest = new Map<string, Sides>();
  const side = (requestId: string) => {
    let sides = byRequest.get(requestId);
    if (!sides) byRequest.set(requestId, (sides = { counted: 0n, billed: undefined }));
    return sides;
  };
  let unlinked = 0;
  let unlinkedNano = 0n;
  const unlinkedEndpoints = new Set<string>();
  for (const entry of input.entries) {
    if (entry.requestId === undefined) {
      if (!inRange(entry.at)) continue;
      unlinked += 1;
      unlinkedNano += counts(entry);
      if (entry.endpoint) unlinkedEndpoints.add(entry.endpoint);
      continue;
    }
    const sides = side(entry.requestId);
    sides.entry ??= entry;
    sides.counted += counts(entry);
  }
  for (const event of input.events) {
    const sides = side(event.requestId);
    sides.event ??= event;
    // One row per request is fal's shape; should a request appear twice, both rows are billed.
    if (event.costNanoUsd !== undefined) sides.billed = (sides.billed ?? 0n) + event.costNanoUsd;
  }

  const fresh = (ms: number) => ms > input.now - input.settleDelayMs;
  const rows: ReconcileRow[] = [];
  for (const [requestId, sides] of byRequest) {
    const { entry, event } = sides;
    if (!(entry && inRange(entry.at)) && !(event && inRange(event.at))) continue;
    let category: ReconcileCategory;
    let pending: ReconcileRow['pending'];
    if (event && sides.billed === undefined) {
      category = 'pending';
      pending = 'not_priced';
    } else if (entry && event) {
      category = sides.counted === sides.billed ? 'matched' : sides.counted > sides.billed! ? 'over_reserved' : 'under_quoted';
    } else if (entry) {
      if (sides.counted === 0n) category = 'matched';
      else if (fresh(entry.at)) [category, pending] = ['pending', 'settle_delay'];
      else category = 'unbilled';
    } else if (input.openHolds.has(requestId)) {
      [category, pending] = ['pending', 'hold_open'];
    } else if (fresh(event!.at)) {
      [category, pending] = ['pending', 'settle_delay'];
    } else {
      category = 'unguarded';
    }
    rows.push({
      requestId,
      endpoint: entry?.endpoint ?? event!.endpointId,
      category,
      ...(pending ? { pending } : {}),
      ...(entry ? { ledger: { outcome: entry.outcome, amount: entry.amount, counted: nanoToMoney(sides.counted), at: iso(entry.at) } } : {}),
      ...(event ? {
        billed: {
          cost: sides.billed === undefined ? undefined : nanoToMoney(sides.billed),
          costNanoUsd: sides.billed?.toString(),
          at: event.timestamp, endpoint: event.endpointId, outputUnits: event.outputUnits, unitPrice: event.unitPrice,
        },
      } : {}),
      difference: event && sides.billed === undefined ? undefined : signedUsd((sides.billed ?? 0n) - sides.counted),
    });
  }
  const order = new Map(CATEGORIES.map((category, index) => [category, index]));
  const timeOf = (row: ReconcileRow) => row.ledger?.at ?? row.billed!.at;
  rows.sort((a, b) => order.get(a.category)! - order.get(b.category)! || a.endpoint.localeCompare(b.endpoint) || timeOf(a).localeCompare(timeOf(b)) || a.requestId.localeCompare(b.requestId));

  const byEndpoint = new Map<string, ReturnType<typeof emptyCategories>>();
  const grand = emptyCategories();
  for (const row of rows) {
    let categories = byEndpoint.get(row.endpoint);
    if (!categories) byEndpoint.set(row.endpoint, (categories = emptyCategories()));
    const counted = row.ledger ? amountToNano('counted', row.ledger.counted) : 0n;
    const billed = row.billed?.costNanoUsd === undefined ? 0n : BigInt(row.billed.costNanoUsd);
    for (const target of [categories[row.category], grand[row.category]]) {
      target.count += 1;
      target.counted += counted;
      target.billed += billed;
    }
  }
  const totalsOf = (endpoint: string, categories: ReturnType<typeof emptyCategories>): EndpointTotals => {
    let counted = 0n;
    let billed = 0n;
    const out = {} as Record<ReconcileCategory, CategoryTotal>;
    for (const category of CATEGORIES) {
      const total = categories[category];
      counted += total.counted;
      billed += total.billed;
      out[category] = { count: total.count, counted: nanoToMoney(total.counted), billed: nanoToMoney(total.billed), difference: signedUsd(total.billed - total.counted) };
    }
    return { endpoint, categories: out, counted: nanoToMoney(counted), billed: nanoToMoney(billed), difference: signedUsd(billed - counted) };
  };
  return {
    rows,
    totals: [...byEndpoint].sort(([a], [b]) => a.localeCompare(b)).map(([endpoint, categories]) => totalsOf(endpoint, categories)),
    grandTotal: totalsOf('all endpoints', grand),
    withoutRequestId: { count: unlinked, counted: nanoToMoney(unlinkedNano), endpoints: [...unlinkedEndpoints].sort() },
  };
}
