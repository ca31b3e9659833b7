import { journalEntryOf, type HoldRecord } from '../../core/budget/ledger-state.js';
import type { JournalEntry, JournalQuery } from '../../core/budget/ledger-types.js';

/**
 * The memory ledger's spend journal: the settled holds in the order they settled, trimmed by age
 * when new ones arrive (amortised O(1): the array is compacted only once half of it is trimmed).
 * A settled record never changes, so it is kept as it is and read out as its entry: 90 days of
 * settlements cost one reference each beyond the holds themselves, not a second object each.
 */
export class MemoryJournal {
  private entries: HoldRecord[] = [];
  private start = 0;

  constructor(private readonly retentionMs: number) {}

  append(settled: readonly HoldRecord[], now: number): void {
    for (const hold of settled) this.entries.push(hold);
    const cutoff = now - this.retentionMs;
    while (this.start < this.entries.length && this.entries[this.start]!.settledAt! < cutoff) this.start += 1;
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
  }

  *read(query: JournalQuery = {}): Generator<JournalEntry> {
    const { since = Number.NEGATIVE_INFINITY, until = Number.POSITIVE_INFINITY } = query;
    // A snapshot of the bounds: entries appended while a reader iterates are not its concern.
    const entries = this.entries;
    const end = entries.length;
    for (let index = this.start; index < end; index += 1) {
      const hold = entries[index]!;
      if (hold.settledAt! >= since && hold.settledAt! < until) yield journalEntryOf(hold);
    }
  }
}
