import type { OutputFormat } from '../../output-format.js';

/**
 * Which ledger to look inside: a file path or a redis:// URL, a Redis ledger's prefix, and the
 * ioredis keyPrefix of the app's client, when it has one.
 */
export interface LedgerFlags {
  readonly ledger: string;
  readonly prefix?: string;
  readonly keyPrefix?: string;
}

export interface JournalFlags extends LedgerFlags {
  readonly since?: string;
  readonly until?: string;
}

/** The journal streams JSONL unless a summary format is asked for. */
export type JournalFormat = OutputFormat | 'jsonl';

export type LedgerInvocation =
  | { readonly command: 'ledger'; readonly action: 'status'; readonly flags: LedgerFlags; readonly format: OutputFormat }
  | { readonly command: 'ledger'; readonly action: 'journal'; readonly flags: JournalFlags; readonly format: JournalFormat };
