import { FalBudgetError, InvalidOptionError, InvalidRequestError, type RequestIssue } from './errors/index.js';
import { Decimal, formatMoney, ZERO } from './money.js';
import type { PriceBook } from './pricing/price-book.js';
import { quoteRequest, type CoreQuoteOptions } from './quote.js';
import type { Quote } from './quote-types.js';

/** One request of a batch: a JSONL line `{"endpoint", "input", "id"?, "provider"?, "sourceSeconds"?}`. */
export interface BatchRequest {
  readonly endpoint: string;
  readonly input: unknown;
  readonly id?: string | number;
  readonly provider?: string;
  readonly sourceSeconds?: string;
}

export interface BatchItem {
  /** 0-based position in the batch (a JSONL reader reports 1-based line numbers beside it). */
  readonly index: number;
  readonly id: string | number | undefined;
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

const BATCH_KEYS = new Set(['endpoint', 'input', 'id', 'provider', 'sourceSeconds']);

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
  for (const key in entry) {
    if (Object.hasOwn(entry, key) && !BATCH_KEYS.has(key)) {
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

  add(quote: Quote): void {
    const amount = new Decimal(quote.total);
    this.total = this.total.plus(amount);
    this.upperBound ||= quote.upperBound;
    const key = `${quote.provider} ${quote.endpoint}`;
    const subtotal = this.byEndpoint.get(key);
    if (subtotal) {
      subtotal.count += 1;
      subtotal.total = subtotal.total.plus(amount);
    } else {
      this.byEndpoint.set(key, { endpoint: quote.endpoint, provider: quote.provider, count: 1, total: amount });
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
      provider: request.provider,
      sourceSeconds: request.sourceSeconds,
    });
    return { index, id: request.id, quote };
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
      totals.add(outcome.quote);
    } else {
      errors.push(outcome);
    }
    index += 1;
  }
  return { currency: 'USD', ...totals.summary(), items, errors };
}
