import { FalBudgetError, InvalidOptionError, InvalidRequestError, type RequestIssue } from './errors/index.js';
import { Decimal, formatMoney, ZERO } from './money.js';
import type { PriceBook } from './pricing/price-book.js';
import { quoteRequest, type CoreQuoteOptions } from './quote.js';
import type { Quote } from './quote-types.js';

/**
 * The most jobs one batch line may stand for. Counts are JS numbers (they are not money), so
 * they must stay exact when summed: a million jobs on each of a million lines is 10^12, far
 * below 2^53. And a line meaning more than a million renders is a typo sooner than a plan.
 */
export const MAX_BATCH_COUNT = 1_000_000;

/** One request of a batch: a JSONL line `{"endpoint", "input", "id"?, "provider"?, "sourceSeconds"?, "count"?}`. */
export interface BatchRequest {
  readonly endpoint: string;
  readonly input: unknown;
  readonly id?: string | number;
  readonly provider?: string;
  readonly sourceSeconds?: string;
  /** How many identical jobs the line stands for: a whole number from 1 to MAX_BATCH_COUNT; default 1. */
  readonly count?: number;
}

export interface BatchItem {
  /** 0-based position in the batch (a JSONL reader reports 1-based line numbers beside it). */
  readonly index: number;
  readonly id: string | number | undefined;
  /** How many identical jobs: the request's `count`, 1 when it has none. */
  readonly count: number;
  /** `quote.total` x `count`, exact: what the line costs. The quote is one job's. */
  readonly total: string;
  readonly quote: Quote;
}

export interface BatchError {
  readonly index: number;
  readonly id: string | number | undefined;
  readonly endpoint: string | undefined;
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly RequestIssue[];
}

export interface Subtotal {
  readonly endpoint: string;
  readonly provider: string;
  /** Jobs, not lines: a line with `count: 3` counts 3. */
  readonly count: number;
  readonly total: string;
}

export interface BatchResult {
  readonly currency: 'USD';
  readonly total: string;
  /** True when any item was quoted at an upper bound. */
  readonly upperBound: boolean;
  readonly subtotals: readonly Subtotal[];
  readonly items: readonly BatchItem[];
  readonly errors: readonly BatchError[];
}

const BATCH_KEYS = new Set(['endpoint', 'input', 'id', 'provider', 'sourceSeconds', 'count']);

/** What is wrong with a line's `count`, as zod would code it, or undefined when it is a valid one. */
function countIssue(count: unknown): RequestIssue | undefined {
  const expected = `must be a whole number of jobs from 1 to ${MAX_BATCH_COUNT.toLocaleString('en-US')}`;
  if (typeof count !== 'number' || !Number.isInteger(count)) {
    return { path: ['count'], code: 'invalid_type', message: `${expected} (got ${typeof count === 'number' ? String(count) : JSON.stringify(count)})` };
  }
  if (count < 1) return { path: ['count'], code: 'too_small', message: `${expected} (got ${count})` };
  if (count > MAX_BATCH_COUNT) return { path: ['count'], code: 'too_big', message: `${expected} (got ${count})` };
  return undefined;
}

/** Checks the envelope of a batch entry; the request inside is validated when it is quoted. */
export function parseBatchRequest(value: unknown): BatchRequest {
  const issues: RequestIssue[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError('(batch line)', [{ path: [], code: 'invalid_type', message: 'expected an object {"endpoint": "...", "input": {...}}' }]);
  }
  const entry = value as Record<string, unknown>;
  const endpoint = typeof entry.endpoint === 'string' && entry.endpoint.length > 0 ? entry.endpoint : undefined;
  if (endpoint === undefined) issues.push({ path: ['endpoint'], code: 'invalid_type', message: 'endpoint must be a non-empty string' });
  if (typeof entry.input !== 'object' || entry.input === null || Array.isArray(entry.input)) {
    issues.push({ path: ['input'], code: 'invalid_type', message: 'input must be a JSON object' });
  }
  if (entry.id !== undefined && typeof entry.id !== 'string' && typeof entry.id !== 'number') {
    issues.push({ path: ['id'], code: 'invalid_type', message: 'id must be a string or number' });
  }
  if (entry.provider !== undefined && typeof entry.provider !== 'string') {
    issues.push({ path: ['provider'], code: 'invalid_type', message: 'provider must be a string' });
  }
  if (entry.sourceSeconds !== undefined && typeof entry.sourceSeconds !== 'string') {
    issues.push({ path: ['sourceSeconds'], code: 'invalid_type', message: 'sourceSeconds must be a decimal string like "22.5"' });
  }
  if (entry.count !== undefined) {
    const issue = countIssue(entry.count);
    if (issue) issues.push(issue);
  }
  // Own enumerable keys, as a for-in filtered by Object.hasOwn would list them (and in its
  // order), walked faster: that for-in was a tenth of a batch line's quoting time.
  const keys = Object.keys(entry);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (!BATCH_KEYS.has(key)) {
      issues.push({ path: [key], code: 'unrecognized_key', message: `unknown key ${key} (allowed: ${[...BATCH_KEYS].join(', ')})` });
    }
  }
  if (issues.length > 0) throw new InvalidRequestError(endpoint ?? '(batch line)', issues);
  return entry as unknown as BatchRequest;
}

/**
 * Adds up quotes exactly, per endpoint and in all, without keeping them: the CLI streams a
 * million-line batch through one of these in flat memory.
 */
export class BatchTotals {
  private total = ZERO;
  private upperBound = false;
  private readonly byEndpoint = new Map<string, { endpoint: string; provider: string; count: number; total: Decimal }>();

  /** Adds `count` identical jobs priced by `quote` (one job's quote). */
  add(quote: Quote, count = 1): void {
    const amount = new Decimal(quote.total).times(count);
    this.total = this.total.plus(amount);
    this.upperBound ||= quote.upperBound;
    const key = `${quote.provider} ${quote.endpoint}`;
    const subtotal = this.byEndpoint.get(key);
    if (subtotal) {
      subtotal.count += count;
      subtotal.total = subtotal.total.plus(amount);
    } else {
      this.byEndpoint.set(key, { endpoint: quote.endpoint, provider: quote.provider, count, total: amount });
    }
  }

  get totalAmount(): Decimal {
    return this.total;
  }

  summary(): { total: string; upperBound: boolean; subtotals: Subtotal[] } {
    const subtotals = [...this.byEndpoint.values()]
      .sort((a, b) => a.provider.localeCompare(b.provider) || a.endpoint.localeCompare(b.endpoint))
      .map(({ endpoint, provider, count, total }) => ({ endpoint, provider, count, total: formatMoney(total) }));
    return { total: formatMoney(this.total), upperBound: this.upperBound, subtotals };
  }
}

function batchErrorOf(error: FalBudgetError, index: number, id: string | number | undefined, endpoint: string | undefined): BatchError {
  return {
    index,
    id,
    endpoint,
    code: error.code,
    message: error.message,
    ...(error instanceof InvalidRequestError ? { issues: error.issues } : {}),
    // A line's own option (its sourceSeconds) is reported as an issue at that field, as before.
    ...(error instanceof InvalidOptionError ? { issues: [{ path: [error.option], code: 'invalid_option' as const, message: error.reason }] } : {}),
  };
}

/** One job's total times the line's count, exact. */
function lineTotal(jobTotal: string, count: number): string {
  return formatMoney(new Decimal(jobTotal).times(count));
}

/** Quotes one batch entry: a quote, or the typed reason it has none. Bugs still throw. */
export function quoteBatchEntry(book: PriceBook, value: unknown, index: number, options: Omit<CoreQuoteOptions, 'provider' | 'sourceSeconds' | 'sourceSecondsFrom'>): BatchItem | BatchError {
  let request: BatchRequest | undefined;
  try {
    request = parseBatchRequest(value);
    // One object shape for every line keeps quoteRequest's property reads monomorphic (reusing
    // the caller's options object for some lines measured slower, not faster).
    const quote = quoteRequest(book, request.endpoint, request.input, {
      at: options.at,
      version: options.version,
      strict: options.strict,
      probeSource: options.probeSource,
      ownFieldsOnly: options.ownFieldsOnly,
      provider: request.provider,
      sourceSeconds: request.sourceSeconds,
    });
    const count = request.count ?? 1;
    return { index, id: request.id, count, total: count === 1 ? quote.total : lineTotal(quote.total, count), quote };
  } catch (error) {
    if (!(error instanceof FalBudgetError)) throw error;
    const entry = value as { id?: unknown; endpoint?: unknown } | null;
    const id = request?.id ?? (typeof entry?.id === 'string' || typeof entry?.id === 'number' ? entry.id : undefined);
    const endpoint = request?.endpoint ?? (typeof entry?.endpoint === 'string' ? entry.endpoint : undefined);
    return batchErrorOf(error, index, id, endpoint);
  }
}

/** Quotes many requests: an exact total over those that price, the failures listed beside them. */
export function quoteBatchWith(book: PriceBook, requests: Iterable<unknown>, options: Omit<CoreQuoteOptions, 'provider' | 'sourceSeconds' | 'sourceSecondsFrom'>): BatchResult {
  const totals = new BatchTotals();
  const items: BatchItem[] = [];
  const errors: BatchError[] = [];
  let index = 0;
  for (const value of requests) {
    const outcome = quoteBatchEntry(book, value, index, options);
    if ('quote' in outcome) {
      items.push(outcome);
      totals.add(outcome.quote, outcome.count);
    } else {
      errors.push(outcome);
    }
    index += 1;
  }
  return { currency: 'USD', ...totals.summary(), items, errors };
}
