import type { LedgerRef } from '../commands/ledger/open-ledger.js';

/** "file /var/app/ledger.json", "Redis redis://10.0.0.5:6379/ (prefix myapp)"; `quote` marks the names up (markdown code). */
export function ledgerName(ref: LedgerRef, quote: (text: string) => string = (text) => text): string {
  return ref.kind === 'file' ? `file ${quote(ref.location)}` : `Redis ${quote(ref.location)} (prefix ${quote(ref.prefix ?? '')})`;
}
