import type { LedgerRef } from './open-ledger.js';

/** One budget key, as `fal-budget ledger status` reports it. Money is decimal strings. */
export interface KeyStatus {
  readonly key: string;
  /** The last limit a guard reserved against the key with; null when the ledger has none. */
  readonly limit: string | null;
  readonly spent: string;
  readonly reserved: string;
  /** limit - spent - reserved, never below 0.00; null without a limit. */
  readonly remaining: string | null;
  readonly openHolds: number;
  /** When the key's window ends (ISO 8601), or null for a running total. */
  readonly windowEndsAt: string | null;
}

export interface LedgerStatusReport {
  readonly ledger: LedgerRef;
  /** The instant the ledger was read at: holds due by then count as expired (spent). */
  readonly at: string;
  readonly keys: readonly KeyStatus[];
}

export interface OutcomeTotal {
  readonly count: number;
  readonly amount: string;
}

/** Settled holds of one endpoint (in one day, or in the whole range). */
export interface JournalGroup {
  /** The endpoint priced, or null for holds made without one (a ledger used directly). */
  readonly endpoint: string | null;
  readonly committed: OutcomeTotal;
  /** Holds nobody settled: counted as spent, since fal may have billed them. */
  readonly expired: OutcomeTotal;
  readonly released: OutcomeTotal;
  /** committed + expired. */
  readonly spent: string;
}

interface JournalDay extends JournalGroup {
  /** The UTC date the holds settled on, YYYY-MM-DD. */
  readonly day: string;
}

export interface LedgerJournalReport {
  readonly ledger: LedgerRef;
  readonly since: string | null;
  readonly until: string | null;
  readonly entries: number;
  /** When the first and last entry in range settled (ISO 8601). */
  readonly first: string | null;
  readonly last: string | null;
  readonly days: readonly JournalDay[];
  readonly endpoints: readonly JournalGroup[];
  readonly total: Omit<JournalGroup, 'endpoint'>;
}
