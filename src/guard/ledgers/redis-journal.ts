import type { JournalEntry, JournalQuery } from '../../core/budget/ledger-types.js';
import { nanoToMoney } from '../../core/budget/nano-usd.js';

/** Reads one page of the stream: XRANGE's reply, each [id, [field, value, ...]]. */
export type ReadRange = (start: string, end: string, count: number) => Promise<unknown>;

/** What a read needs to know about the stream before it starts. */
export interface JournalBounds {
  /** The newest entry's id in ms, or undefined when the journal is empty. */
  readonly topMs: number | undefined;
  /** How far (ms) any entry's id ran ahead of its `at` (ids grow; callers' clocks may not). */
  readonly lag: number;
}

const PAGE = 512;
const OUTCOMES: ReadonlySet<string> = new Set(['committed', 'released', 'expired']);
const DETAIL_TEXT = ['requestId', 'endpoint', 'provider', 'pricingVersion', 'pricingSha256'] as const;

function corrupt(id: string, why: string): Error {
  return new Error(`journal entry ${id} is not one this ledger wrote: ${why}`);
}

/** One stream entry back into the JournalEntry the memory ledger would have kept. */
function parseJournalEntry(id: string, fields: readonly unknown[]): JournalEntry {
  const values = new Map<string, string>();
  for (let index = 0; index + 1 < fields.length; index += 2) values.set(String(fields[index]), String(fields[index + 1]));
  const at = Number(values.get('at'));
  const outcome = values.get('outcome');
  const holdId = values.get('holdId');
  const amount = values.get('amount');
  if (!Number.isSafeInteger(at)) throw corrupt(id, `at is ${String(values.get('at'))}`);
  if (outcome === undefined || !OUTCOMES.has(outcome)) throw corrupt(id, `outcome is ${String(outcome)}`);
  if (holdId === undefined) throw corrupt(id, 'it has no holdId');
  if (amount === undefined || !/^\d+$/.test(amount)) throw corrupt(id, `amount is ${String(amount)}`);
  let budgets: unknown;
  let scope: unknown;
  try {
    budgets = JSON.parse(values.get('budgets') ?? '');
    scope = values.has('scope') ? JSON.parse(values.get('scope')!) : undefined;
  } catch (error) {
    throw corrupt(id, `${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(budgets) || !budgets.every((key) => typeof key === 'string')) throw corrupt(id, 'budgets is not a list of keys');
  const entry: Record<string, unknown> = { at, outcome, holdId, amount: nanoToMoney(amount), budgets };
  for (const field of DETAIL_TEXT) if (values.has(field)) entry[field] = values.get(field);
  if (scope !== undefined) entry.scope = scope;
  return entry as unknown as JournalEntry;
}

/**
 * The journal within [since, until), oldest first, a page at a time. An entry's stream id is
 * never below its `at` and at most `lag` above it, so the ids to read are [since, until + lag).
 * Reading starts a retention period before the newest entry, so what `MINID ~` has not trimmed
 * yet (it trims whole stream nodes) is never seen.
 */
export async function* readJournal(readRange: ReadRange, bounds: JournalBounds, retentionMs: number, query: JournalQuery): AsyncGenerator<JournalEntry> {
  if (bounds.topMs === undefined) return;
  const since = query.since ?? Number.NEGATIVE_INFINITY;
  const until = query.until ?? Number.POSITIVE_INFINITY;
  const cutoff = bounds.topMs - retentionMs;
  const firstMs = Math.max(0, cutoff, Math.ceil(since));
  const lastMs = until === Number.POSITIVE_INFINITY ? undefined : Math.ceil(until) - 1 + bounds.lag;
  if (lastMs !== undefined && lastMs < firstMs) return;
  let start = String(firstMs);
  const end = lastMs === undefined ? '+' : String(lastMs);
  for (;;) {
    const page = await readRange(start, end, PAGE);
    if (!Array.isArray(page)) throw new Error(`unexpected reply from Redis to XRANGE: ${String(page)}`);
    for (const item of page) {
      if (!Array.isArray(item) || !Array.isArray(item[1])) throw new Error(`unexpected entry from Redis: ${String(item)}`);
      const entry = parseJournalEntry(String(item[0]), item[1] as unknown[]);
      if (entry.at >= since && entry.at < until) yield entry;
    }
    if (page.length < PAGE) return;
    start = `(${String((page[page.length - 1] as unknown[])[0])}`;
  }
}
