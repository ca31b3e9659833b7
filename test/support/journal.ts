import type { JournalEntry, JournalQuery, Ledger } from '../../src/core/budget/ledger-types.js';

/** A ledger's whole journal (or a query's part of it) as an array: Node 20 has no Array.fromAsync. */
export async function journalOf(ledger: Pick<Ledger, 'journal'>, query?: JournalQuery): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  for await (const entry of ledger.journal(query)) entries.push(entry);
  return entries;
}
