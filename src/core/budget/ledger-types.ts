/**
 * The contract between the guard and a ledger. Money crosses it as decimal strings; time as
 * epoch milliseconds supplied by the guard's clock, so every ledger is deterministic under test.
 */

/** A budget as a ledger sees it: a key (scope and window already encoded in it) and a limit. */
export interface BudgetKey {
  readonly key: string;
  /** USD, decimal string. */
  readonly limit: string;
  /** When the key's window ends (epoch ms); a ledger may forget the key some time after. */
  readonly windowEndsAt?: number;
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
 * it again changes nothing and says what it had already become.
 */
export type SettleResult =
  | 'committed'
  | 'released'
  | 'already_committed'
  | 'already_released'
  | 'expired'
  | 'unknown';

export interface Usage {
  readonly key: string;
  readonly spent: string;
  readonly reserved: string;
}

/** Three methods that move money, one that reads. Implementations: memory, file, Redis. */
export interface Ledger {
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  commit(holdId: string, now: number): Promise<SettleResult>;
  release(holdId: string, now: number): Promise<SettleResult>;
  usage(keys: readonly string[], now: number): Promise<Usage[]>;
  close?(): Promise<void>;
}
