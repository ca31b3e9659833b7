import type { Ledger, RequestLink, Settlement, SettleResult } from '../core/budget/ledger-types.js';
import type { RefusingBudget } from '../core/errors/index.js';
import type { PriceBook } from '../core/pricing/price-book.js';
import type { SourceProbe } from '../core/quote-options.js';
import type { Quote } from '../core/quote-types.js';
import type { BudgetOptions, CallContext } from './budget-spec.js';

export interface ThresholdEvent {
  readonly budget: RefusingBudget;
  /** The crossed fraction of the limit, as configured ("0.8"). */
  readonly threshold: string;
  readonly limit: string;
  readonly spent: string;
  readonly reserved: string;
  readonly remaining: string;
}

export interface GuardWarning {
  readonly code: 'unknown_endpoint_admitted' | 'settle_failed' | 'threshold_failed' | 'request_id_missing';
  readonly message: string;
  readonly cause?: unknown;
}

export interface BudgetGuardOptions {
  /** One global budget, USD as a decimal string ("25.00"). Combine with `budgets` or use alone. */
  readonly limit?: string;
  /** Budgets per scope and window; a call must fit every one that applies. */
  readonly budgets?: readonly BudgetOptions[];
  /** Default IANA zone of windowed budgets. Default "UTC". */
  readonly timeZone?: string;
  /** Where spend is kept. Default: memoryLedger() (this process only). */
  readonly ledger?: Ledger;
  /**
   * The clock (epoch ms or Date). Default: the ledger's clock where it has one (the Redis
   * ledger: Redis's TIME) for picking windows and pricing calls, and Date.now for the rest.
   */
  readonly now?: () => number | Date;
  /** How long an unsettled hold stays a reservation before it counts as spent. Default 1 hour. */
  readonly holdTtlMs?: number;
  /** Price tables. Default: the bundled tables. */
  readonly book?: PriceBook;
  /** Price every call as of this instant instead of the clock's now. */
  readonly pricingAt?: Date | string | number;
  /**
   * Endpoints no table prices, admitted at a declared USD price per call ("*" for any unknown
   * endpoint). Each admitted call warns. Without this, an unknown endpoint is refused.
   */
  readonly allowUnknownEndpoints?: Readonly<Record<string, string>>;
  /** Fractions of each limit that call onThreshold once per window, e.g. ["0.8"]. Default ["0.8"]. */
  readonly thresholds?: readonly (string | number)[];
  readonly onThreshold?: (event: ThresholdEvent) => void;
  /** Default: process.emitWarning. */
  readonly onWarning?: (warning: GuardWarning) => void;
  /** Context every call starts from; a wrap's or call's context is laid over it. */
  readonly context?: CallContext;
}

export interface GuardCallOptions {
  readonly context?: CallContext;
  /** Which provider's table prices the endpoint (the fal wrapper passes "fal"). */
  readonly provider?: string;
  /** An edit source's length, for endpoints priced per block of source. */
  readonly sourceSeconds?: string;
}

/** One budget's position. Money as decimal strings. */
export interface BudgetReport {
  readonly budget: RefusingBudget;
  readonly limit: string;
  readonly spent: string;
  readonly reserved: string;
  readonly remaining: string;
}

export interface BudgetStatus {
  /** The tightest budget that applies (least remaining). */
  readonly limit: string;
  readonly spent: string;
  readonly reserved: string;
  readonly remaining: string;
  readonly budget: RefusingBudget;
  /** Every budget that applies, in configuration order. */
  readonly budgets: readonly BudgetReport[];
}

export interface CheckResult {
  readonly endpoint: string;
  /** Undefined only for an unknown endpoint admitted at a declared price. */
  readonly quote: Quote | undefined;
  readonly amount: string;
  readonly declared: boolean;
  readonly fits: boolean;
  /** The budget that would refuse it, when it does not fit. */
  readonly refusal: BudgetReport | undefined;
  readonly budgets: readonly BudgetReport[];
}

export interface Reservation {
  readonly holdId: string;
  readonly quote: Quote | undefined;
  readonly amount: string;
  readonly declared: boolean;
  readonly budgets: readonly RefusingBudget[];
  readonly expiresAt: number;
  /** The call was (or may have been) billed. Idempotent. */
  commit(): Promise<SettleResult>;
  /** The call was definitely not billed. Idempotent. */
  release(): Promise<SettleResult>;
  /**
   * Links the hold to a fal request id in the ledger, so settleRequest from any process sharing
   * the ledger resolves it. `app`: the app path fal's polls of the request use ("luma/agent").
   * False when the ledger no longer knows the hold.
   */
  attachRequest(requestId: string, app?: string): Promise<boolean>;
}

export type { Settlement };

/**
 * What an entry point binds the guard to, as zod's classic layer binds its core: the guard itself
 * knows no bundled tables, no MP4 parser and no fal client.
 */
export interface GuardBinding {
  /** The tables when `options.book` is not given: the entry points bind the bundled tables. */
  readonly defaultBook: () => PriceBook;
  /** Measures an inline edit source: the entry points bind the MP4 probe. */
  readonly probeSource?: SourceProbe;
  /** The input as it is priced: the fal layer prices each media Blob as the URL it is uploaded to. */
  readonly pricedInput?: (input: unknown) => unknown;
}

/** The guard without a fal client: what the fal adapters (guardedFetch, the proxy, webhooks) take. */
export interface CoreBudgetGuard {
  /** Where the budgets that apply to `context` stand. */
  status(context?: CallContext): Promise<BudgetStatus>;
  /** The quote and whether it fits now, without reserving anything. */
  check(endpoint: string, input: unknown, options?: GuardCallOptions): Promise<CheckResult>;
  /** Quotes strictly and reserves against every budget that applies, or throws. */
  reserve(endpoint: string, input: unknown, options?: GuardCallOptions): Promise<Reservation>;
  /**
   * Settles the hold linked to a fal request id, from any process sharing the ledger: 'unknown'
   * when no hold is linked; with `app`, 'endpoint_mismatch' (and nothing changes) when the
   * request was linked under another app.
   */
  settleRequest(requestId: string, settlement: Settlement, options?: { readonly app?: string }): Promise<SettleResult>;
  /** The hold a fal request id is linked to in the ledger, if any. */
  linkOf(requestId: string): Promise<RequestLink | undefined>;
  /** The clock the guard uses (epoch ms). */
  now(): number;
  /** Reports a problem that must not fail the caller's call (e.g. a settle after a successful call). */
  warn(warning: GuardWarning): void;
  readonly ledger: Ledger;
}
