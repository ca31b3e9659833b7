import { z } from 'zod';
import type { LedgerState } from '../../core/budget/ledger-state.js';
import { LedgerUnavailableError } from '../../core/errors/index.js';
import { Decimal, formatMoney, isDecimalString, ZERO } from '../../core/money.js';

/** The file ledger's JSON. Money is decimal strings; a JSON number is never money. */
const money = z.string().refine(isDecimalString, 'must be a decimal string like "2.16"');
const instant = z.number().finite();

const fileSchema = z.strictObject({
  format: z.literal('fal-budget-ledger'),
  version: z.literal(1),
  budgets: z.record(z.string(), z.strictObject({ spent: money, reserved: money, windowEndsAt: instant.optional() })),
  holds: z.record(z.string(), z.strictObject({
    amount: money,
    keys: z.array(z.string()),
    expiresAt: instant,
    status: z.enum(['held', 'committed', 'released', 'expired']),
    settledAt: instant.optional(),
  })),
});

export function serializeLedger(state: LedgerState): string {
  const budgets: Record<string, unknown> = {};
  for (const [key, record] of state.budgets) {
    budgets[key] = { spent: formatMoney(record.spent), reserved: formatMoney(record.reserved), ...(record.windowEndsAt === undefined ? {} : { windowEndsAt: record.windowEndsAt }) };
  }
  const holds: Record<string, unknown> = {};
  for (const [holdId, hold] of state.holds) {
    holds[holdId] = {
      amount: formatMoney(hold.amount), keys: hold.keys, expiresAt: hold.expiresAt, status: hold.status,
      ...(hold.settledAt === undefined ? {} : { settledAt: hold.settledAt }),
    };
  }
  return `${JSON.stringify({ format: 'fal-budget-ledger', version: 1, budgets, holds }, null, 1)}\n`;
}

function corrupt(file: string, detail: string, cause?: unknown): LedgerUnavailableError {
  return new LedgerUnavailableError(
    `ledger file ${file} is corrupt (${detail}); refusing to use it. It is never reset silently: repair it or move it away.`,
    { ledger: 'file', location: file, cause },
  );
}

/**
 * Parses and checks a ledger file: the schema, and that every budget's `reserved` is exactly the
 * sum of its open holds. Anything else is a LedgerUnavailableError naming the file.
 */
export function parseLedger(text: string, file: string): LedgerState {
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
  const state: LedgerState = { budgets: new Map(), holds: new Map(), nextExpiryAt: Number.POSITIVE_INFINITY, settledOrder: new Map() };
  for (const [key, record] of Object.entries(parsed.data.budgets)) {
    state.budgets.set(key, { spent: new Decimal(record.spent), reserved: new Decimal(record.reserved), ...(record.windowEndsAt === undefined ? {} : { windowEndsAt: record.windowEndsAt }) });
  }
  const openSums = new Map<string, Decimal>();
  for (const [holdId, hold] of Object.entries(parsed.data.holds)) {
    if ((hold.status === 'held') !== (hold.settledAt === undefined)) {
      throw corrupt(file, `hold ${holdId} is ${hold.status} ${hold.settledAt === undefined ? 'without' : 'with'} a settledAt`);
    }
    const amount = new Decimal(hold.amount);
    if (hold.status === 'held') {
      state.nextExpiryAt = Math.min(state.nextExpiryAt, hold.expiresAt);
      for (const key of hold.keys) {
        if (!state.budgets.has(key)) throw corrupt(file, `open hold ${holdId} draws on budget ${key}, which the file does not have`);
        openSums.set(key, (openSums.get(key) ?? ZERO).plus(amount));
      }
    }
    state.holds.set(holdId, { amount, keys: hold.keys, expiresAt: hold.expiresAt, status: hold.status, ...(hold.settledAt === undefined ? {} : { settledAt: hold.settledAt }) });
  }
  const settled = [...state.holds].filter(([, hold]) => hold.settledAt !== undefined);
  settled.sort(([, a], [, b]) => a.settledAt! - b.settledAt!);
  for (const [holdId, hold] of settled) state.settledOrder.set(holdId, hold.settledAt!);
  for (const [key, record] of state.budgets) {
    const open = openSums.get(key) ?? ZERO;
    if (!record.reserved.eq(open)) {
      throw corrupt(file, `budget ${key} says $${formatMoney(record.reserved)} reserved but its open holds add up to $${formatMoney(open)}`);
    }
  }
  return state;
}
