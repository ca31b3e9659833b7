import type { JournalEntry, JournalQuery } from '../../../core/budget/ledger-types.js';
import { parseInstant } from '../../../core/instant.js';
import { CliError } from '../../cli-error.js';
import { ledgerMoney, ledgerTime } from './ledger-answer.js';
import type { JournalFlags } from './ledger-flags.js';
import type { LedgerJournalReport } from './ledger-report.js';
import { JournalSummary } from './journal-summary.js';
import type { OpenedLedger } from './open-ledger.js';

/** The one strict instant parser, as --at uses it: "2026-11-24" is midnight UTC; a date-time needs its offset. */
function instantFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseInstant(text);
  if (ms === undefined) throw new CliError('usage', `${flag}: expected a real date like 2026-11-24 or a date-time with offset like 2026-11-24T12:00:00Z (got "${text}")`);
  return ms;
}

/** --since (inclusive) and --until (exclusive), checked before the ledger is opened. */
export function journalQuery(flags: JournalFlags): JournalQuery {
  const since = instantFlag('--since', flags.since);
  const until = instantFlag('--until', flags.until);
  if (since !== undefined && until !== undefined && since >= until) {
    throw new CliError('usage', `--since ${flags.since} is not before --until ${flags.until}: the range [since, until) would be empty`);
  }
  return { ...(since === undefined ? {} : { since }), ...(until === undefined ? {} : { until }) };
}

/** Each entry as one line of JSON, exactly as the ledger keeps it (`at` in epoch ms, money as strings). */
export async function* journalLines(opened: OpenedLedger, query: JournalQuery): AsyncGenerator<string> {
  for await (const entry of opened.ledger.journal(query)) {
    const what = `the journal entry of hold ${String(entry.holdId)}`;
    ledgerTime(opened.ref, `at of ${what}:`, entry.at);
    ledgerMoney(opened.ref, `amount of ${what}:`, entry.amount);
    yield `${JSON.stringify(entry satisfies JournalEntry)}\n`;
  }
}

/** Totals per day and endpoint of the entries in range. */
export async function journalSummary(opened: OpenedLedger, query: JournalQuery): Promise<LedgerJournalReport> {
  const summary = new JournalSummary(opened.ref);
  for await (const entry of opened.ledger.journal(query)) summary.add(entry);
  return summary.report(query.since, query.until);
}
