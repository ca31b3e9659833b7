import type { JournalEntry } from '../../../core/budget/ledger-types.js';
import { Decimal, formatMoney, ZERO } from '../../../core/money.js';
import { ledgerMoney, ledgerTime, untrusted } from './ledger-answer.js';
import type { JournalGroup, LedgerJournalReport, OutcomeTotal } from './ledger-report.js';
import type { LedgerRef } from './open-ledger.js';

type Outcome = JournalEntry['outcome'];
const OUTCOMES: readonly Outcome[] = ['committed', 'expired', 'released'];

class Tally {
  readonly counts: Record<Outcome, number> = { committed: 0, expired: 0, released: 0 };
  readonly amounts: Record<Outcome, Decimal> = { committed: ZERO, expired: ZERO, released: ZERO };

  add(outcome: Outcome, amount: Decimal): void {
    this.counts[outcome] += 1;
    this.amounts[outcome] = this.amounts[outcome].plus(amount);
  }

  totals(): Omit<JournalGroup, 'endpoint'> {
    const total = (outcome: Outcome): OutcomeTotal => ({ count: this.counts[outcome], amount: formatMoney(this.amounts[outcome]) });
    return {
      committed: total('committed'), expired: total('expired'), released: total('released'),
      // An expired hold is spend: its outcome was never seen, and fal may have billed it.
      spent: formatMoney(this.amounts.committed.plus(this.amounts.expired)),
    };
  }
}

const NO_ENDPOINT = '\u0000';
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The journal's totals per UTC day and endpoint, per endpoint, and overall. Exact: Decimal sums
 * of the ledger's decimal strings; memory grows with days x endpoints, not with entries.
 */
export class JournalSummary {
  private readonly days = new Map<string, Map<string, Tally>>();
  private readonly endpoints = new Map<string, Tally>();
  private readonly total = new Tally();
  private entries = 0;
  private first: number | undefined;
  private last: number | undefined;

  constructor(private readonly ref: LedgerRef) {}

  add(entry: JournalEntry): void {
    const what = `the journal entry of hold ${String(entry.holdId)}`;
    if (!OUTCOMES.includes(entry.outcome)) throw untrusted(this.ref, `outcome ${JSON.stringify(entry.outcome)} in ${what}`);
    const at = ledgerTime(this.ref, `at of ${what}:`, entry.at);
    const amount = ledgerMoney(this.ref, `amount of ${what}:`, entry.amount);
    const day = new Date(at).toISOString().slice(0, 10);
    const endpoint = entry.endpoint ?? NO_ENDPOINT;
    let endpoints = this.days.get(day);
    if (!endpoints) this.days.set(day, (endpoints = new Map()));
    let tally = endpoints.get(endpoint);
    if (!tally) endpoints.set(endpoint, (tally = new Tally()));
    tally.add(entry.outcome, amount);
    let overall = this.endpoints.get(endpoint);
    if (!overall) this.endpoints.set(endpoint, (overall = new Tally()));
    overall.add(entry.outcome, amount);
    this.total.add(entry.outcome, amount);
    this.entries += 1;
    if (this.first === undefined || at < this.first) this.first = at;
    if (this.last === undefined || at > this.last) this.last = at;
  }

  report(since: number | undefined, until: number | undefined): LedgerJournalReport {
    const group = (endpoint: string, tally: Tally): JournalGroup => ({ endpoint: endpoint === NO_ENDPOINT ? null : endpoint, ...tally.totals() });
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    return {
      ledger: this.ref,
      since: iso(since),
      until: iso(until),
      entries: this.entries,
      first: iso(this.first),
      last: iso(this.last),
      days: [...this.days.keys()].sort(byText).flatMap((day) => {
        const endpoints = this.days.get(day)!;
        return [...endpoints.keys()].sort(byText).map((endpoint) => ({ day, ...group(endpoint, endpoints.get(endpoint)!) }));
      }),
      endpoints: [...this.endpoints.keys()].sort(byText).map((endpoint) => group(endpoint, this.endpoints.get(endpoint)!)),
      total: this.total.totals(),
    };
  }
}
