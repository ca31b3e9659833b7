/**
 * The contract between the guard and a ledger. Money crosses it as decimal strings; time as
 * epoch milliseconds supplied by the guard's clock, so every ledger is deterministic under test.
 *
 * Every ledger (memory, file, Redis) keeps three things, each operation one atomic step:
 *   - budgets and holds: reserve -> commit | release | expiry, under the rule of decide.ts, on
 *     integer nano-USD (the rule of nano-usd.ts: amounts round up, limits past 9 decimals refused);
 *   - request links: fal request id -> hold, so any process sharing the ledger can settle it;
 *   - the spend journal: one entry per settled hold, written in the same step as the settlement.
 */

/** A budget as a ledger sees it: a key (scope and window already encoded in it) and a limit. */
export interface BudgetKey {
  readonly key: string;
  /** USD, decimal string. */
  readonly limit: string;
  /** When the key's window ends (epoch ms); a ledger may forget the key some time after. */
  readonly windowEndsAt?: number;
}

/** What the journal records about the call a hold pays for. All optional: a ledger used directly may know none. */
export interface HoldDetails {
  /** The endpoint id priced, e.g. "luma/agent/ray/v3.2/video-to-video". */
  readonly endpoint?: string;
  /** The pricing provider ("fal"). */
  readonly provider?: string;
  /** The pricing table's version and sha256 (absent for an endpoint admitted at a declared price). */
  readonly pricingVersion?: string;
  readonly pricingSha256?: string;
  /** The call's scope ids, e.g. { user: "u1" }. */
  readonly scope?: Readonly<Record<string, string>>;
}

export interface ReserveRequest {
  /** Unique per logical call; reserving the same id again is a no-op that reports the first result. */
  readonly holdId: string;
  /** USD, decimal string. */
  readonly amount: string;
  /** Every budget the call must fit; reserved in all of them atomically, or in none. */
  readonly budgets: readonly BudgetKey[];
  /** When an unsettled hold stops being a reservation and counts as spent (epoch ms). */
  readonly expiresAt: number;
  readonly now: number;
  /** Kept with the hold and copied into its journal entry when it settles. */
  readonly details?: HoldDetails;
}

export interface Refusal {
  readonly key: string;
  readonly limit: string;
  readonly spent: string;
  readonly reserved: string;
  /** What was left before the refused call. */
  readonly remaining: string;
}

export type ReserveResult = { readonly ok: true } | { readonly ok: false; readonly refusal: Refusal };

/**
 * How a settle call ended. A hold resolves exactly once: by commit, release or expiry. Settling
 * it again changes nothing and says what it had already become. `endpoint_mismatch`: a settle by
 * request id named an app other than the one the request was linked with; nothing changed.
 */
export type SettleResult =
  | 'committed'
  | 'released'
  | 'already_committed'
  | 'already_released'
  | 'expired'
  | 'unknown'
  | 'endpoint_mismatch';

export type Settlement = 'commit' | 'release';

export type HoldStatus = 'held' | 'committed' | 'released' | 'expired';

export interface Usage {
  readonly key: string;
  readonly spent: string;
  readonly reserved: string;
}

export interface LinkRequest {
  /** fal's request id (from the submit's answer). */
  readonly requestId: string;
  readonly holdId: string;
  /**
   * The app path fal's polls of this request use (queue.fal.run/<app>/requests/<id>), e.g.
   * "luma/agent". A settle by request id that names another app changes nothing.
   */
  readonly app?: string;
  readonly now: number;
}

/** Where a request id points. */
export interface RequestLink {
  readonly requestId: string;
  readonly holdId: string;
  readonly app?: string;
  /** The hold's state now: 'held' while it is still a reservation. */
  readonly status: HoldStatus;
}

/** One settled hold, as the journal keeps it. */
export interface JournalEntry {
  /** When it settled (epoch ms, from the caller's clock; for an expiry, the operation that found it due). */
  readonly at: number;
  readonly outcome: 'committed' | 'released' | 'expired';
  readonly holdId: string;
  /** USD, decimal string. */
  readonly amount: string;
  /** The budget keys the hold drew on. */
  readonly budgets: readonly string[];
  readonly requestId?: string;
  readonly endpoint?: string;
  readonly provider?: string;
  readonly pricingVersion?: string;
  readonly pricingSha256?: string;
  readonly scope?: Readonly<Record<string, string>>;
}

export interface JournalQuery {
  /** Entries with at >= since (epoch ms). Default: all retained. */
  readonly since?: number;
  /** Entries with at < until (epoch ms). Default: no end. */
  readonly until?: number;
}

/** One budget key as an operator sees it (`fal-budget ledger status`). */
export interface BudgetKeyStatus {
  readonly key: string;
  /** The last limit a guard reserved against this key with (USD), when the ledger has seen one. */
  readonly limit?: string;
  readonly spent: string;
  readonly reserved: string;
  /** Open holds drawing on this key. */
  readonly openHolds: number;
  readonly windowEndsAt?: number;
}

/**
 * Three methods that move money, settlement by fal request id, and reads. Implementations:
 * memory, file, Redis; each passes test/support/ledger-contract.ts.
 */
export interface Ledger {
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  commit(holdId: string, now: number): Promise<SettleResult>;
  release(holdId: string, now: number): Promise<SettleResult>;
  usage(keys: readonly string[], now: number): Promise<Usage[]>;
  /**
   * Links a fal request id to a hold, kept as long as the hold is (open, then the retention of
   * settled holds). False when the hold is unknown (nothing is stored). A request id already
   * linked keeps its first link: the call answers whether that link names the same hold.
   */
  link(request: LinkRequest): Promise<boolean>;
  /**
   * Settles the hold linked to `requestId`, atomically with the lookup. With `app`, only a link
   * made with that same app settles ('endpoint_mismatch' otherwise). No link: 'unknown'.
   */
  settleRequest(requestId: string, settlement: Settlement, now: number, app?: string): Promise<SettleResult>;
  /** The link of a request id, or undefined. */
  linkOf(requestId: string, now: number): Promise<RequestLink | undefined>;
  /** The spend journal, oldest first, within the journal's retention. */
  journal(query?: JournalQuery): AsyncIterable<JournalEntry>;
  /**
   * Every budget key the ledger keeps, sorted by key, as of `now` (holds due by then count as
   * expired). It writes nothing a later operation would not have written anyway.
   */
  inspect(now: number): Promise<BudgetKeyStatus[]>;
  /**
   * The ledger's own clock (epoch ms), for a ledger whose every user reads the same one (Redis:
   * its TIME). A guard given no `now` option picks budget windows by it, so instances whose
   * clocks differ still agree on the day, week or month a call belongs to. Optional: a ledger
   * without it leaves the guard on its own clock.
   */
  clock?(): Promise<number>;
  close?(): Promise<void>;
}
