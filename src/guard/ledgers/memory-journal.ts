import type { JournalEntry, JournalQuery } from '../../core/budget/ledger-types.js';

/**
 * The memory ledger's spend journal: entries in the order they settled, trimmed by age when new
 * ones arrive (amortised O(1): the array is compacted only once half of it is trimmed).
 */
export class MemoryJournal {
  private entries: JournalEntry[] = [];
  private start = 0;

  constructor(private readonly retentionMs: number) {}

  append(entries: readonly JournalEntry[], now: number): void {
    for (const entry of entries) this.entries.push(entry);
    const cutoff = now - this.retentionMs;
    while (this.start < this.entries.length && this.entries[this.start]!.at < cutoff) this.start += 1;
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
      const entry = entries[index]!;
      if (entry.at >= since && entry.at < until) yield entry;
    }
  }
}
