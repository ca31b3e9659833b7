import type { EndpointTotals, ReconcileCategory, ReconcileRow } from './join-billing.js';

/** What `fal-budget reconcile` returns: data for the renderers, money as decimal USD strings. */
export interface ReconcileReport {
  readonly kind: 'reconcile';
  readonly currency: 'USD';
  /** The range reported, [since, until). */
  readonly since: string;
  readonly until: string;
  /** Rows newer than this before the run are pending, not missing. */
  readonly settleDelaySeconds: number;
  readonly checkedAt: string;
  /** "fal billing events API" or the --events file. */
  readonly billingSource: string;
  readonly ledger: string;
  readonly counts: Readonly<Record<ReconcileCategory, number>>;
  /** Every request, worst first: under_quoted, unguarded, unbilled, over_reserved, pending, matched. */
  readonly rows: readonly ReconcileRow[];
  readonly totals: readonly EndpointTotals[];
  readonly grandTotal: EndpointTotals;
  readonly withoutRequestId: { readonly count: number; readonly counted: string; readonly endpoints: readonly string[] };
}

export type { ReconcileCategory, ReconcileRow };
