import * as z from 'zod/mini';
import { emptyLedgerState, holdRecord, type HoldRecord, type LedgerState } from '../../core/budget/ledger-state.js';
import type { JournalEntry } from '../../core/budget/ledger-types.js';
import { safeParseInEnglish } from '../../core/english-messages.js';
import { amountToNano, nanoToMoney } from '../../core/budget/nano-usd.js';
import { LedgerUnavailableError } from '../../core/errors/index.js';
import { isDecimalString } from '../../core/money.js';
import type { LedgerCommand } from './file-ledger-commands.js';

/**
 * The file ledger's bytes. The ledger file is JSON lines: a short header (which file this is, how
 * long its snapshot line is, what the snapshot holds), a snapshot of the whole state, then one
 * record per operation that changed it, each claiming the byte offset it was written for. Journal
 * files are JSON lines of settled holds. Money is always a decimal string; the numbers are times
 * (epoch ms), byte offsets, counts and sequence numbers.
 */
const LEDGER_FORMAT = 'fal-budget-ledger';
const LEDGER_VERSION = 3;

const money = z.string().check(z.refine(isDecimalString, 'must be a decimal string like "2.16"'));
// A zod number is finite: it refuses NaN and the infinities.
const instant = z.number();
const count = z.number().check(z.int(), z.gte(0));
const details = z.strictObject({
  endpoint: z.optional(z.string()),
  provider: z.optional(z.string()),
  pricingVersion: z.optional(z.string()),
  pricingSha256: z.optional(z.string()),
  scope: z.optional(z.record(z.string(), z.string())),
});
const settleResult = z.enum(['committed', 'released', 'already_committed', 'already_released', 'expired', 'unknown', 'endpoint_mismatch']);

const journalEntry = z.strictObject({
  ...details.shape,
  at: instant,
  outcome: z.enum(['committed', 'released', 'expired']),
  holdId: z.string(),
  amount: money,
  budgets: z.array(z.string()),
  requestId: z.optional(z.string()),
});

/** What a snapshot holds, in the header: a process that followed the compaction checks its copy against it. */
const contents = z.strictObject({ holds: count, budgets: count, links: count, nextSeq: count });
export type SnapshotContents = z.infer<typeof contents>;

const headerSchema = z.strictObject({
  format: z.literal(LEDGER_FORMAT),
  version: z.literal(LEDGER_VERSION),
  kind: z.literal('header'),
  /** This file's id; the seal of the file it replaced names it. */
  generation: z.string(),
  /** The length of the snapshot line after the header, newline included. */
  snapshotBytes: count,
  contents,
});
export type LedgerHeader = z.infer<typeof headerSchema>;

const snapshotSchema = z.strictObject({
  kind: z.literal('snapshot'),
  /** The sequence number the next journal entry gets. */
  nextSeq: count,
  budgets: z.array(z.strictObject({ key: z.string(), spent: money, reserved: money, limit: z.optional(money), windowEndsAt: z.optional(instant) })),
  /** The latest end of a window whose budget was pruned (absent: none was): see LedgerState. */
  windowsForgottenThrough: z.optional(instant),
  /** Settled holds in the order they settled, then open holds. */
  holds: z.array(z.strictObject({
    holdId: z.string(),
    amount: money,
    keys: z.array(z.string()),
    expiresAt: instant,
    status: z.enum(['held', 'committed', 'released', 'expired']),
    settledAt: z.optional(instant),
    details: z.optional(details),
    requestId: z.optional(z.string()),
    app: z.optional(z.string()),
  })),
  /** fal request id -> hold id. */
  links: z.array(z.tuple([z.string(), z.string()])),
});

/**
 * `torn`: set on the first record of an append that found bytes at the end of the file that are not
 * records (a write cut off by a crash, a full disk): they start at `torn`, and this append began
 * with the newline that ends them. No writer ever truncates the file (one whose lock was taken
 * might cut off what another appended); its readers skip those bytes because this record, in place,
 * vouches for them.
 */
const torn = z.optional(count);
const recordBase = { offset: count, writer: z.string(), torn, seq: count, entries: z.array(journalEntry) };
const budgetKey = z.strictObject({ key: z.string(), limit: z.string(), windowEndsAt: z.optional(instant) });
const refusal = z.strictObject({ key: z.string(), limit: money, spent: money, reserved: money, remaining: money });

const recordSchema = z.discriminatedUnion('op', [
  z.strictObject({
    ...recordBase,
    op: z.literal('reserve'),
    request: z.strictObject({
      holdId: z.string(), amount: z.string(), budgets: z.array(budgetKey), expiresAt: instant, now: instant, details: z.optional(details),
    }),
    result: z.union([z.strictObject({ ok: z.literal(true) }), z.strictObject({ ok: z.literal(false), refusal })]),
  }),
  z.strictObject({ ...recordBase, op: z.enum(['commit', 'release']), holdId: z.string(), now: instant, result: settleResult }),
  z.strictObject({
    ...recordBase, op: z.literal('link'), request: z.strictObject({ requestId: z.string(), holdId: z.string(), app: z.optional(z.string()), now: instant }), result: z.boolean(),
  }),
  z.strictObject({
    ...recordBase, op: z.literal('settleRequest'), requestId: z.string(), settlement: z.enum(['commit', 'release']), now: instant, app: z.optional(z.string()), result: settleResult,
  }),
  z.strictObject({ ...recordBase, op: z.literal('expire'), now: instant }),
  // Written by a compaction just before it replaces the file: nothing after it counts. Every
  // process that reads it prunes as the compaction did (same now, same retention), so its copy is
  // the successor's snapshot without reading it.
  z.strictObject({ offset: count, writer: z.string(), torn, op: z.literal('seal'), now: instant, holdRetentionMs: count, successor: z.string() }),
]);

/** One line of the log after the snapshot. */
export type LogRecord = z.infer<typeof recordSchema>;
export type OperationRecord = Exclude<LogRecord, { op: 'seal' }>;

/** A journal entry with its place in the ledger's one sequence of settlements. */
export interface NumberedEntry {
  readonly seq: number;
  readonly entry: JournalEntry;
}

// `torn`: as in a log record, the first line of an append that ended bytes that are not a journal line.
const journalLine = z.strictObject({ seq: count, torn, ...journalEntry.shape });

export function corruptFile(file: string, detail: string, cause?: unknown): LedgerUnavailableError {
  return new LedgerUnavailableError(
    `ledger file ${file} is corrupt (${detail}); refusing to use it. It is never reset silently: repair it or move it away.`,
    { ledger: 'file', location: file, cause },
  );
}

function issuePath(error: z.core.$ZodError): string {
  const issue = error.issues[0]!;
  return `${['$', ...issue.path.map(String)].join('.')}: ${issue.message}`;
}

function parseJson(text: string, file: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw corruptFile(file, `${where} is not valid JSON`, cause);
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

export function contentsOf(state: LedgerState, nextSeq: number): SnapshotContents {
  return { holds: state.holds.size, budgets: state.budgets.size, links: state.requests.size, nextSeq };
}

/** The header and snapshot lines of a new ledger file holding `state`; `nextSeq` numbers the next journal entry. */
export function serializeSnapshot(state: LedgerState, nextSeq: number, generation: string): string {
  const budgets = [...state.budgets].map(([key, record]) => ({
    key, spent: nanoToMoney(record.spent), reserved: nanoToMoney(record.reserved),
    ...optional('limit', record.limit === undefined ? undefined : nanoToMoney(record.limit)), ...optional('windowEndsAt', record.windowEndsAt),
  }));
  const holds: unknown[] = [];
  const hold = (holdId: string, record: HoldRecord) => ({
    holdId, amount: nanoToMoney(record.amount), keys: record.keys, expiresAt: record.expiresAt, status: record.status,
    ...optional('settledAt', record.settledAt), ...optional('details', record.details), ...optional('requestId', record.requestId), ...optional('app', record.app),
  });
  // Settled holds in settlement order, so pruning after a reload stops where it would have.
  // (The record in `holds`: one linked after it settled is a copy of the one queued.)
  for (const settled of state.settledOrder) holds.push(hold(settled.holdId, state.holds.get(settled.holdId)!));
  for (const [holdId, record] of state.holds) if (record.status === 'held') holds.push(hold(holdId, record));
  const forgotten = Number.isFinite(state.windowsForgottenThrough) ? { windowsForgottenThrough: state.windowsForgottenThrough } : {};
  const snapshot = `${JSON.stringify({ kind: 'snapshot', nextSeq, budgets, ...forgotten, holds, links: [...state.requests] })}\n`;
  const header: LedgerHeader = {
    format: LEDGER_FORMAT, version: LEDGER_VERSION, kind: 'header', generation, snapshotBytes: Buffer.byteLength(snapshot), contents: contentsOf(state, nextSeq),
  };
  return `${JSON.stringify(header)}\n${snapshot}`;
}

/** Parses line 1. */
export function parseHeader(text: string, file: string): LedgerHeader {
  const json = parseJson(text, file, 'the header (line 1)');
  if (typeof json === 'object' && json !== null && (json as { format?: unknown }).format === LEDGER_FORMAT && (json as { version?: unknown }).version !== LEDGER_VERSION) {
    throw corruptFile(file, `it is format version ${String((json as { version?: unknown }).version)}; this fal-budget reads version ${LEDGER_VERSION}`);
  }
  const parsed = safeParseInEnglish(headerSchema, json);
  if (!parsed.success) throw corruptFile(file, `line 1 at ${issuePath(parsed.error)}`);
  return parsed.data;
}

const nano = (text: string) => amountToNano('amount', text);

/**
 * Parses and checks the snapshot line (line 2): the schema, that every budget's `reserved` is
 * exactly what its open holds add up to, and that it holds what the header says. Anything else is
 * a LedgerUnavailableError naming the file.
 */
export function parseSnapshot(text: string, file: string, header: LedgerHeader): { state: LedgerState; nextSeq: number } {
  const json = parseJson(text, file, 'the snapshot (line 2)');
  const parsed = safeParseInEnglish(snapshotSchema, json);
  if (!parsed.success) throw corruptFile(file, `line 2 at ${issuePath(parsed.error)}`);
  const state = emptyLedgerState();
  if (parsed.data.windowsForgottenThrough !== undefined) state.windowsForgottenThrough = parsed.data.windowsForgottenThrough;
  for (const record of parsed.data.budgets) {
    if (state.budgets.has(record.key)) throw corruptFile(file, `budget ${record.key} appears twice`);
    state.budgets.set(record.key, {
      spent: nano(record.spent), reserved: nano(record.reserved), openHolds: 0,
      ...optional('limit', record.limit === undefined ? undefined : nano(record.limit)), ...optional('windowEndsAt', record.windowEndsAt),
    });
  }
  const openSums = new Map<string, bigint>();
  for (const hold of parsed.data.holds) {
    if (state.holds.has(hold.holdId)) throw corruptFile(file, `hold ${hold.holdId} appears twice`);
    if ((hold.status === 'held') !== (hold.settledAt === undefined)) {
      throw corruptFile(file, `hold ${hold.holdId} is ${hold.status} ${hold.settledAt === undefined ? 'without' : 'with'} a settledAt`);
    }
    const amount = nano(hold.amount);
    if (hold.status === 'held') {
      state.expiry.push(hold.expiresAt, hold.holdId);
      for (const key of hold.keys) {
        const record = state.budgets.get(key);
        if (!record) throw corruptFile(file, `open hold ${hold.holdId} draws on budget ${key}, which the file does not have`);
        record.openHolds += 1;
        openSums.set(key, (openSums.get(key) ?? 0n) + amount);
      }
    }
    const record = holdRecord(hold.holdId, amount, hold.keys, hold.expiresAt, hold.status);
    record.settledAt = hold.settledAt;
    record.details = hold.details;
    record.requestId = hold.requestId;
    record.app = hold.app;
    if (hold.status !== 'held') state.settledOrder.push(record);
    state.holds.set(hold.holdId, record);
  }
  for (const [requestId, holdId] of parsed.data.links) state.requests.set(requestId, holdId);
  for (const [key, record] of state.budgets) {
    const open = openSums.get(key) ?? 0n;
    if (record.reserved !== open) {
      throw corruptFile(file, `budget ${key} says $${nanoToMoney(record.reserved)} reserved but its open holds add up to $${nanoToMoney(open)}`);
    }
  }
  if (canonicalJson(contentsOf(state, parsed.data.nextSeq)) !== canonicalJson(header.contents)) {
    throw corruptFile(file, `the snapshot holds ${JSON.stringify(contentsOf(state, parsed.data.nextSeq))}, not the ${JSON.stringify(header.contents)} its header says`);
  }
  return { state, nextSeq: parsed.data.nextSeq };
}

/** The line of a record written at `offset`, with its newline. */
export function encodeRecord(offset: number, writer: string, body: { seq: number; entries: readonly JournalEntry[]; result?: unknown } & LedgerCommand, torn?: number): string;
export function encodeRecord(offset: number, writer: string, body: { op: 'seal'; now: number; holdRetentionMs: number; successor: string }, torn?: number): string;
export function encodeRecord(offset: number, writer: string, body: object, torn?: number): string {
  return `${JSON.stringify({ offset, writer, ...optional('torn', torn), ...body })}\n`;
}

/** Whether a complete line is JSON at all: one that is not is torn bytes (or damage), never a record. */
export function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Parses one complete log line (after the snapshot) found at byte `offset`. */
export function parseRecord(text: string, file: string, offset: number): LogRecord {
  const json = parseJson(text, file, `the record at byte ${offset}`);
  const parsed = safeParseInEnglish(recordSchema, json);
  if (!parsed.success) throw corruptFile(file, `the record at byte ${offset}, at ${issuePath(parsed.error)}`);
  return parsed.data;
}

export function encodeJournalLine(numbered: NumberedEntry, torn?: number): string {
  return `${JSON.stringify({ seq: numbered.seq, ...optional('torn', torn), ...numbered.entry })}\n`;
}

/** Parses one journal line; `torn` when it vouches for bytes before it that are not journal lines. */
export function parseJournalLine(text: string, file: string, offset: number): NumberedEntry & { readonly torn?: number } {
  const json = parseJson(text, file, `the journal entry at byte ${offset}`);
  const parsed = safeParseInEnglish(journalLine, json);
  if (!parsed.success) throw corruptFile(file, `the journal entry at byte ${offset}, at ${issuePath(parsed.error)}`);
  const { seq, torn, ...entry } = parsed.data;
  return { seq, entry, ...optional('torn', torn) };
}

/** A JSON text with object keys sorted: two values compare equal whatever order their keys were built in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}
