import { parseInstant } from '../../../core/instant.js';
import type { BillingEvent } from '../../../fal/platform/billing-event.js';
import { billingEvents } from '../../../fal/platform/billing-events.js';
import { falPlatformClient } from '../../../fal/platform/platform-client.js';
import { CliError } from '../../cli-error.js';
import { CATEGORIES, joinBilling } from './join-billing.js';
import { openLedger } from './open-ledger.js';
import { readEventsFile } from './read-events-file.js';
import { readLedgerSide } from './read-ledger-side.js';
import type { ReconcileReport } from './reconcile-report.js';

export interface ReconcileFlags {
  readonly ledger: string;
  readonly since: string;
  readonly until?: string;
  readonly events?: string;
  readonly settleDelay?: string;
  readonly apiUrl?: string;
}

export interface ReconcileIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  readonly stdin: AsyncIterable<Buffer | string>;
}

/**
 * How far outside [since, until) each side is read to find a request's other half: a job billed
 * just before `since` may settle just after it (a late webhook, an expired hold).
 */
const JOIN_MARGIN_MS = 24 * 60 * 60 * 1000;
const DEFAULT_SETTLE_DELAY_MS = 60 * 60 * 1000;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function instantFlag(flag: string, text: string): number {
  const ms = parseInstant(text);
  if (ms === undefined) throw new CliError('usage', `${flag}: expected a date like 2026-11-24 or a date-time with offset like 2026-11-24T12:00:00Z (got "${text}")`);
  return ms;
}

/** "1h", "90m", "45s", "2d" or "0". */
function parseSettleDelay(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SETTLE_DELAY_MS;
  if (text === '0') return 0;
  const match = /^(\d{1,6})(s|m|h|d)$/.exec(text);
  if (!match) throw new CliError('usage', `--settle-delay: expected a duration like 1h, 90m, 45s or 0 (got "${text}")`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

async function collect(events: AsyncIterable<BillingEvent>): Promise<BillingEvent[]> {
  const out: BillingEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/**
 * `fal-budget reconcile`: the ledger's journal joined with fal's billing events by request id,
 * per request and per endpoint. Reads both sides 24 h past each end of the range, so a request
 * whose bill and settlement straddle an end is still joined; a billed request the ledger settled
 * later than that is found through its link (readLedgerSide).
 */
export async function reconcileCommand(flags: ReconcileFlags, io: ReconcileIo): Promise<ReconcileReport> {
  const now = io.now().getTime();
  const since = instantFlag('--since', flags.since);
  const until = flags.until === undefined ? now : instantFlag('--until', flags.until);
  if (until <= since) throw new CliError('usage', `--until (${new Date(until).toISOString()}) must be after --since (${new Date(since).toISOString()})`);
  const settleDelayMs = parseSettleDelay(flags.settleDelay);
  const readSince = since - JOIN_MARGIN_MS;
  const readUntil = Math.min(until + JOIN_MARGIN_MS, now);

  // The billing side first: a bad file or key fails before the ledger is opened.
  let events: BillingEvent[];
  if (flags.events !== undefined) {
    events = await readEventsFile(flags.events, io.stdin, { keep: (event) => event.at >= readSince && event.at < readUntil });
  } else {
    // The key comes from io.env only (never this process's own environment behind its back).
    const client = falPlatformClient({ key: io.env.FAL_KEY ?? '', ...(flags.apiUrl === undefined ? {} : { baseUrl: flags.apiUrl }) });
    events = readUntil > readSince ? await collect(billingEvents(client, { since: readSince, until: readUntil })) : [];
  }

  const ledger = openLedger(flags.ledger);
  try {
    const billed = events.filter((event) => event.at >= since && event.at < until).map((event) => event.requestId);
    const { entries, openHolds } = await readLedgerSide(ledger, { since: readSince, until: until + JOIN_MARGIN_MS, now, billed });
    const joined = joinBilling({ entries, events, since, until, now, settleDelayMs, openHolds });
    const counts = Object.fromEntries(CATEGORIES.map((category) => [category, joined.grandTotal.categories[category].count])) as ReconcileReport['counts'];
    return {
      kind: 'reconcile',
      currency: 'USD',
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
      settleDelaySeconds: settleDelayMs / 1000,
      checkedAt: new Date(now).toISOString(),
      billingSource: flags.events ?? 'fal billing events API',
      ledger: flags.ledger.replace(/\/\/[^@/]*@/, '//'),
      counts,
      ...joined,
    };
  } finally {
    await ledger.close?.();
  }
}
