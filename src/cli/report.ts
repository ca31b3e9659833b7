import type { BatchError, Subtotal } from '../core/batch.js';
import type { RateCardRow } from '../core/billing/index.js';
import type { PricingTableProblem } from '../core/errors/index.js';
import type { BillingParams, Quote, QuoteLine, QuoteWarning } from '../core/quote-types.js';
import type { BudgetCheck } from './budget-check.js';
import type { PlanComparison } from './compare-plans.js';

/**
 * What each command returns: plain data that the renderers turn into text and main turns into
 * an exit code. Money is decimal strings throughout.
 */
export type Report = QuoteReport | BatchReport | PricesReport | VersionsReport | DiffReport | ValidateReport;

export interface QuoteReport {
  readonly kind: 'quote';
  readonly quote: Quote;
  readonly budget: BudgetCheck | undefined;
}

/** One priced line of a batch, without the table details every line shares. */
export interface BatchReportItem {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly id: string | number | undefined;
  readonly endpoint: string;
  readonly provider: string;
  readonly pricingVersion: string;
  /** How many identical jobs the line stands for (its `count`, default 1). */
  readonly count: number;
  /** What the line costs: one job's total (its `lines` add up to that) x `count`. */
  readonly total: string;
  readonly upperBound: boolean;
  readonly params: BillingParams;
  readonly lines: readonly QuoteLine[];
  readonly warnings: readonly QuoteWarning[];
}

export interface BatchReportError extends Omit<BatchError, 'index'> {
  readonly line: number;
}

export interface WarningSummary {
  readonly code: QuoteWarning['code'];
  /** How many quoted lines carried this warning. */
  readonly count: number;
  readonly firstLine: number;
  readonly message: string;
}

export interface TableRef {
  readonly provider: string;
  readonly version: string;
  readonly sha256: string;
}

export interface BatchReport {
  readonly kind: 'batch';
  readonly currency: 'USD';
  readonly total: string;
  readonly upperBound: boolean;
  readonly subtotals: readonly Subtotal[];
  /** `jobs` adds up the priced lines' counts: the number of renders the total pays for. */
  readonly counts: { readonly lines: number; readonly blank: number; readonly quoted: number; readonly invalid: number; readonly jobs: number };
  /** The first `itemLimit` priced lines (all of them in JSON unless --items says otherwise). */
  readonly items: readonly BatchReportItem[];
  readonly itemsOmitted: number;
  /** Every invalid line, but in a table or markdown report only the first 50 (`counts.invalid` counts them all). */
  readonly errors: readonly BatchReportError[];
  readonly pricing: readonly TableRef[];
  readonly pricedAt: string | undefined;
  readonly warnings: readonly WarningSummary[];
  readonly budget: BudgetCheck | undefined;
  /** Set when the plan had no request at all (an empty file, only blank lines): exit 2, not a silent $0. */
  readonly emptyPlan: { readonly code: 'empty_plan'; readonly message: string } | undefined;
  /** With --compare-to: what changed since the saved result. */
  readonly comparison: PlanComparison | undefined;
}

export interface RateCard {
  readonly provider: string;
  readonly version: string;
  readonly effectiveFrom: string;
  readonly sha256: string;
  readonly endpoint: string;
  /** The billing kind's id ("per_clip", "per_block"). */
  readonly billing: string;
  readonly verified: boolean;
  readonly notes: string;
  /** As the kind lays its card out: per clip the durations; per block "per block" then one column per source length bound. */
  readonly columns: readonly string[];
  readonly rows: readonly RateCardRow[];
  /** How the card bills, when the columns cannot say it alone (shown above the grid). */
  readonly note?: string;
  /** The kind's billing terms besides its prices (per block: blockSeconds, maxSourceSeconds). */
  readonly terms: Readonly<Record<string, string>>;
}

export interface PricesReport {
  readonly kind: 'prices';
  readonly currency: 'USD';
  /** The instant the cards apply at, or undefined when a version was pinned. */
  readonly at: string | undefined;
  readonly version: string | undefined;
  readonly cards: readonly RateCard[];
  /** Providers with no table in effect at `at` (when no endpoint was named). */
  readonly notInEffect: readonly string[];
}

interface VersionRow {
  readonly provider: string;
  readonly version: string;
  readonly effectiveFrom: string;
  readonly effectiveUntil: string | undefined;
  readonly checked: string;
  readonly sha256: string;
  readonly file: string;
  readonly endpoints: readonly string[];
  readonly inEffect: boolean;
}

export interface VersionsReport {
  readonly kind: 'versions';
  readonly at: string;
  readonly tables: readonly VersionRow[];
}

export interface PriceCellRef {
  readonly endpoint: string;
  readonly tier: string;
  readonly resolution: string;
  /** What one price buys, as the billing kind says: "5s", "per 5 s block", "per second". */
  readonly unit: string;
}

export interface ChangedCell extends PriceCellRef {
  readonly old: string;
  readonly new: string;
  /** new - old, signed: "+0.28", "-0.10". */
  readonly change: string;
  /** change / old x 100, signed, to 2 places rounded half-even: "+12.96". */
  readonly percent: string;
}

export interface PricedCell extends PriceCellRef {
  readonly price: string;
}

export interface BillingChange {
  readonly endpoint: string;
  readonly field: string;
  readonly old: string;
  readonly new: string;
}

export interface DiffReport {
  readonly kind: 'diff';
  readonly currency: 'USD';
  readonly old: TableRef & { readonly file: string };
  readonly new: TableRef & { readonly file: string };
  readonly percentRounding: 'half-even';
  readonly changed: readonly ChangedCell[];
  readonly added: readonly PricedCell[];
  readonly removed: readonly PricedCell[];
  readonly billingChanges: readonly BillingChange[];
  readonly unchanged: number;
}

export interface ValidateReport {
  readonly kind: 'validate';
  readonly path: string;
  readonly valid: boolean;
  readonly tables: readonly (TableRef & { readonly file: string })[];
  readonly problems: readonly PricingTableProblem[];
}
