import { z } from 'zod';
import { emptyLedgerState, type HoldRecord, type LedgerState } from '../../core/budget/ledger-state.js';
import type { JournalEntry } from '../../core/budget/ledger-types.js';
import { amountToNano, nanoToMoney } from '../../core/budget/nano-usd.js';
import { LedgerUnavailableError } from '../../core/errors/index.js';
import { isDecimalString } from '../../core/money.js';

/** The file ledger's JSON. Money is decimal strings; a JSON number is never money. */
const money = z.string().refine(isDecimalString, 'must be a decimal string like "2.16"');
const instant = z.number().finite();
const details = {
  endpoint: z.string().optional(),
  provider: z.string().optional(),
  pricingVersion: z.string().optional(),
  pricingSha256: z.string().optional(),
  scope: z.record(z.string(), z.string()).optional(),
};

const fileSchema = z.strictObject({
  format: z.literal('fal-budget-ledger'),
  version: z.literal(2),
  budgets: z.record(z.string(), z.strictObject({ spent: money, reserved: money, limit: money.optional(), windowEndsAt: instant.optional() })),
  holds: z.record(z.string(), z.strictObject({
    amount: money,
    keys: z.array(z.string()),
    expiresAt: instant,
    status: z.enum(['held', 'committed', 'released', 'expired']),
    settledAt: instant.optional(),
    details: z.strictObject(details).optional(),
    requestId: z.string().optional(),
    app: z.string().optional(),
  })),
  journal: z.array(z.strictObject({
    ...details,
    at: instant,
    outcome: z.enum(['committed', 'released', 'expired']),
    holdId: z.string(),
    amount: money,
    budgets: z.array(z.string()),
    requestId: z.string().optional(),
  })),
});

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : { [key]: value });

export function serializeLedger(state: LedgerState, journal: readonly JournalEntry[]): string {
  const budgets: Record<string, unknown> = {};
  for (const [key, record] of state.budgets) {
    budgets[key] = {
      spent: nanoToMoney(record.spent), reserved: nanoToMoney(record.reserved),
      ...optional('limit', record.limit === undefined ? undefined : nanoToMoney(record.limit)), ...optional('windowEndsAt', record.windowEndsAt),
    };
  }
  const holds: Record<string, unknown> = {};
  for (const [holdId, hold] of state.holds) {
    holds[holdId] = {
      amount: nanoToMoney(hold.amount), keys: hold.keys, expiresAt: hold.expiresAt, status: hold.status,
      ...optional('settledAt', hold.settledAt), ...optional('details', hold.details), ...optional('requestId', hold.requestId), ...optional('app', hold.app),
    };
  }
  return `${JSON.stringify({ format: 'fal-budget-ledger', version: 2, budgets, holds, journal }, null, 1)}\n`;
}

function corrupt(file: string, detail: string, cause?: unknown): LedgerUnavailableError {
  return new LedgerUnavailableError(
    `ledger file ${file} is corrupt (${detail}); refusing to use it. It is never reset silently: repair it or move it away.`,
    { ledger: 'file', location: file, cause },
  );
}

const nano = (text: string) => amountToNano('amount', text);

/**
 * Parses and checks a ledger file: the schema, and that every budget's `reserved` and open-hold
 * count are exactly those of its open holds. Anything else is a LedgerUnavailableError naming the file.
 */
export function parseLedger(text: string, file: string): { state: LedgerState; journal: JournalEntry[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw corrupt(file, text.length === 0 ? 'the file is empty' : 'not valid JSON', cause);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw corrupt(file, `at ${['$', ...issue.path.map(String)].join('.')}: ${issue.message}`);
  }
  const state = emptyLedgerState();
  for (const [key, record] of Object.entries(parsed.data.budgets)) {
    state.budgets.set(key, {
      spent: nano(record.spent), reserved: nano(record.reserved), openHolds: 0,
      ...optional('limit', record.limit === undefined ? undefined : nano(record.limit)), ...optional('windowEndsAt', record.windowEndsAt),
    });
  }
  const openSums = new Map<string, bigint>();
  const settled: [string, number][] = [];
  for (const [holdId, hold] of Object.entries(parsed.data.holds)) {
    if ((hold.status === 'held') !== (hold.settledAt === undefined)) {
      throw corrupt(file, `hold ${holdId} is ${hold.status} ${hold.settledAt === undefined ? 'without' : 'with'} a settledAt`);
    }
    const amount = nano(hold.amount);
    if (hold.status === 'held') {
      state.expiry.push(hold.expiresAt, holdId);
      for (const key of hold.keys) {
        const record = state.budgets.get(key);
        if (!record) throw corrupt(file, `open hold ${holdId} draws on budget ${key}, which the file does not have`);
        record.openHolds += 1;
        openSums.set(key, (openSums.get(key) ?? 0n) + amount);
      }
    } else {
      settled.push([holdId, hold.settledAt!]);
    }
    const record: HoldRecord = { amount, keys: hold.keys, expiresAt: hold.expiresAt, status: hold.status };
    if (hold.settledAt !== undefined) record.settledAt = hold.settledAt;
    if (hold.details !== undefined) record.details = hold.details;
    if (hold.app !== undefined) record.app = hold.app;
    if (hold.requestId !== undefined) {
      record.requestId = hold.requestId;
      state.requests.set(hold.requestId, holdId);
    }
    state.holds.set(holdId, record);
  }
  settled.sort((a, b) => a[1] - b[1]);
  for (const [holdId, settledAt] of settled) state.settledOrder.set(holdId, settledAt);
  for (const [key, record] of state.budgets) {
    const open = openSums.get(key) ?? 0n;
    if (record.reserved !== open) {
      throw corrupt(file, `budget ${key} says $${nanoToMoney(record.reserved)} reserved but its open holds add up to $${nanoToMoney(open)}`);
    }
  }
  return { state, journal: parsed.data.journal as JournalEntry[] };
}
