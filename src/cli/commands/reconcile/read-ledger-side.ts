import type { JournalEntry, JournalQuery, Ledger } from '../../../core/budget/ledger-types.js';
import { FalBudgetError, LedgerUnavailableError } from '../../../core/errors/index.js';

export interface LedgerSideQuery {
  /** The journal window read for the range and its margin, [since, until) in epoch ms. */
  readonly since: number;
  readonly until: number;
  readonly now: number;
  /** The request ids fal billed inside the reported range. */
  readonly billed: Iterable<string>;
}

export interface LedgerSide {
  /** The window's entries, and the entry of every billed request the ledger settled outside it. */
  readonly entries: readonly JournalEntry[];
  /** Billed request ids the ledger links to a hold that is still open. */
  readonly openHolds: ReadonlySet<string>;
}

/**
 * Link lookups in flight at once: a file ledger answers the operations queued together under one
 * lock (up to 256), a Redis ledger pipelines them; one at a time, 100,000 billed requests took
 * 39 s of lock files.
 */
const LOOKUPS_AT_ONCE = 256;

function unavailable(what: string, error: unknown): FalBudgetError {
  if (error instanceof FalBudgetError) return error;
  return new LedgerUnavailableError(`cannot read the ledger's ${what}: ${error instanceof Error ? error.message : String(error)}`, { ledger: 'custom', cause: error });
}

/**
 * Reads the journal until every hold in `wanted` (hold id -> request id) is found; returns those
 * entries, each carrying the request id its link names. Stops as soon as the last one is found.
 */
async function findEntries(ledger: Ledger, query: JournalQuery, wanted: Map<string, string>, found: Map<string, JournalEntry>): Promise<void> {
  if (wanted.size === 0) return;
  try {
    for await (const entry of ledger.journal(query)) {
      const requestId = wanted.get(entry.holdId);
      if (requestId === undefined) continue;
      found.set(entry.holdId, { ...entry, requestId });
      wanted.delete(entry.holdId);
      if (wanted.size === 0) return;
    }
  } catch (error) {
    throw unavailable('journal', error);
  }
}

/**
 * The ledger's side of a reconcile: its journal over the window, and for each billed request the
 * window holds no entry for, where the ledger's link points. A request the ledger linked is never
 * "unknown to the ledger": its hold is still open (pending), or it settled and its entry is read
 * wherever the journal keeps it. An expiry is journaled at the operation that found it due, which
 * may come days after the range (an app idle over a weekend), so the window alone would miss it.
 * Linked and settled but in no journal entry: the ledger broke its promise, an error, not a guess.
 */
export async function readLedgerSide(ledger: Ledger, query: LedgerSideQuery): Promise<LedgerSide> {
  let entries: JournalEntry[] = [];
  try {
    for await (const entry of ledger.journal({ since: query.since, until: query.until })) entries.push(entry);
  } catch (error) {
    throw unavailable('journal', error);
  }
  const journaled = new Set(entries.map((entry) => entry.requestId));
  const openHolds = new Set<string>();
  /** Hold id -> the billed request id linked to it, for holds settled outside the window. */
  const wanted = new Map<string, string>();
  const unjoined = [...new Set(query.billed)].filter((requestId) => !journaled.has(requestId));
  for (let start = 0; start < unjoined.length; start += LOOKUPS_AT_ONCE) {
    const slice = unjoined.slice(start, start + LOOKUPS_AT_ONCE);
    let links;
    try {
      links = await Promise.all(slice.map((requestId) => ledger.linkOf(requestId, query.now)));
    } catch (error) {
      throw unavailable('request links', error);
    }
    links.forEach((link, index) => {
      if (link === undefined) return;
      if (link.status === 'held') openHolds.add(slice[index]!);
      else wanted.set(link.holdId, slice[index]!);
    });
  }
  if (wanted.size === 0) return { entries, openHolds };

  const missing = new Map(wanted);
  const found = new Map<string, JournalEntry>();
  // Later first (where a late expiry is, including one the linkOf above just found due), then the rest.
  await findEntries(ledger, { since: query.since }, missing, found);
  await findEntries(ledger, { until: query.since }, missing, found);
  const [holdId, requestId] = [...missing][0] ?? [];
  if (holdId !== undefined) {
    throw new LedgerUnavailableError(`the ledger links request ${requestId} to hold ${holdId}, settled, but its journal has no entry for that hold: cannot tell what it counted`, { ledger: 'custom' });
  }
  // An entry of the window that lacked the request id (linked after it settled) is replaced, not counted twice.
  entries = entries.filter((entry) => !found.has(entry.holdId));
  entries.push(...found.values());
  return { entries, openHolds };
}
