import type { BlockRequestModel, RequestModel, ValidationMode } from './endpoints/index.js';
import { TIER_LABELS, tierOf } from './endpoints/index.js';
import {
  AmbiguousEndpointError, InvalidRequestError, NotOfferedError, UnknownEndpointError, type RequestIssue,
} from './errors/index.js';
import { Decimal, formatMoney } from './money.js';
import { instantOf } from './instant.js';
import { ceilDivSeconds, compareSeconds, parseSeconds, type Seconds } from './seconds.js';
import type { PriceBook } from './pricing/price-book.js';
import { blockKey, type BlockPricing, type ClipPricing, type Price, type PricingTable } from './pricing/pricing-table.js';
import type { BillingParams, Quote, QuoteLine, QuotePricing, QuoteWarning, SourceSecondsFrom } from './quote-types.js';
import { durationsDisagreeWarning, longestDuration, type SourceDuration } from './source-durations.js';

/**
 * Reads a source video's length from inline bytes; injected so the core stays free of I/O and
 * codecs. `durations` are every length the file declares (the longest is billed, whatever `seconds` says).
 */
export type SourceProbe = (base64: string, mediaType: string) =>
  | { seconds: Decimal; durations?: readonly SourceDuration[] }
  | { error: string };

export interface CoreQuoteOptions {
  /** The instant whose table applies. Ignored for selection when `version` pins one. */
  readonly at: Date | string | number;
  /** Pin a table version instead of choosing by date. */
  readonly version?: string;
  /** Which provider's endpoint, when several price the same id. */
  readonly provider?: string;
  /** The edit source's exact length in seconds (decimal string or Decimal). */
  readonly sourceSeconds?: string | Decimal;
  /** Where sourceSeconds was read, for the quote's record: 'mp4' when the caller measured a file. Default 'given'. */
  readonly sourceSecondsFrom?: 'given' | 'mp4';
  /** Validate the complete request, as the provider would (what the guard does). */
  readonly strict?: boolean;
  readonly probeSource?: SourceProbe;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionIssue(name: string, message: string): RequestIssue {
  return { path: [name], code: 'invalid_option', message };
}

function instantMs(endpoint: string, at: Date | string | number): number {
  const ms = instantOf(at);
  if (ms === undefined) {
    throw new InvalidRequestError(endpoint, [optionIssue('at', `not a valid instant: ${String(at)} (a date like 2026-11-24, a date-time with offset like 2026-11-24T12:00:00Z, a Date or epoch ms)`)]);
  }
  return ms;
}

/** Resolves who prices an endpoint: fail closed on unknown, and refuse to guess between providers. */
export function resolveProvider(book: PriceBook, endpoint: string, provider: string | undefined): string {
  const providers = book.providersOf(endpoint);
  if (provider !== undefined) {
    if (!providers.includes(provider)) throw new UnknownEndpointError(endpoint, provider, book.endpointIds());
    return provider;
  }
  if (providers.length === 0) throw new UnknownEndpointError(endpoint, undefined, book.endpointIds());
  if (providers.length > 1) throw new AmbiguousEndpointError(endpoint, providers);
  return providers[0]!;
}

/** Looks up the endpoint's pricing in the table that applies; an endpoint a table drops is not priced. */
export function selectPricing(book: PriceBook, endpoint: string, options: Pick<CoreQuoteOptions, 'at' | 'version' | 'provider'>) {
  const provider = resolveProvider(book, endpoint, options.provider);
  const atMs = options.version === undefined ? instantMs(endpoint, options.at) : undefined;
  const table = options.version === undefined ? book.select(provider, { atMs: atMs! }) : book.select(provider, { version: options.version });
  const pricing = table.endpoints.get(endpoint);
  if (!pricing) {
    throw new UnknownEndpointError(endpoint, `${provider} (version ${table.version})`, [...table.endpoints.keys()]);
  }
  return { table, pricing, atMs };
}

const fieldNames = new WeakMap<RequestModel, ReadonlySet<string>>();

function fieldNamesOf(model: RequestModel): ReadonlySet<string> {
  let names = fieldNames.get(model);
  if (!names) {
    names = new Set(model.fields.map((field) => field.name));
    fieldNames.set(model, names);
  }
  return names;
}

interface Validated {
  readonly parsed: Record<string, unknown>;
  readonly warnings: QuoteWarning[];
}

/** Validates a request against its model: every offending field is named, unknown ones warned about. */
export function validateRequest(endpoint: string, model: RequestModel, input: unknown, mode: ValidationMode): Validated {
  if (!isPlainObject(input)) {
    throw new InvalidRequestError(endpoint, [{ path: [], code: 'invalid_type', message: 'the request must be a JSON object' }]);
  }
  const schema = mode === 'strict' ? model.strictSchema : model.quoteSchema;
  const result = schema.safeParse(input);
  const broken = model.rules(input, mode);
  if (!result.success || broken.length > 0) {
    const issues: RequestIssue[] = result.success
      ? []
      : result.error.issues.map((issue) => ({
          path: issue.path as (string | number)[],
          code: issue.code,
          // zod says "expected string, received undefined"; a person wants to hear it is missing.
          message: issue.path.length === 1 && input[issue.path[0] as string] === undefined ? 'required' : issue.message,
        }));
    throw new InvalidRequestError(endpoint, [...issues, ...broken]);
  }

  const warnings: QuoteWarning[] = [];
  const known = fieldNamesOf(model);
  for (const key in input) {
    if (!Object.hasOwn(input, key)) continue;
    if (Object.hasOwn(model.ignoredFields, key)) {
      warnings.push({ code: 'ignored_field', message: model.ignoredFields[key]!, path: [key] });
    } else if (!known.has(key)) {
      warnings.push({ code: 'unknown_field', message: `${key} is not a field of ${endpoint}; the provider will ignore it`, path: [key] });
    }
  }
  if (mode === 'quote') {
    const missing = model.missing(input);
    if (missing.length > 0) {
      warnings.push({
        code: 'incomplete_request',
        message: `incomplete request: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required by the provider but not needed for the price`,
      });
    }
  }
  return { parsed: result.data, warnings };
}

// Quotes of one batch share their tables and instant: build each table's `pricing` block once.
const pricingBlocks = new WeakMap<PricingTable, { atMs: number | undefined; value: QuotePricing }>();

/** Rule codes that mean "a combination the provider does not sell", not a malformed request. */
const NOT_OFFERED_RULES = new Set(['hdr_resolution']);

/** Validates, reporting a request whose only fault is an unsold combination as NotOfferedError. */
function validateOffered(endpoint: string, table: PricingTable, model: RequestModel, input: unknown, mode: ValidationMode): Validated {
  try {
    return validateRequest(endpoint, model, input, mode);
  } catch (error) {
    if (!(error instanceof InvalidRequestError) || !error.issues.every((issue) => NOT_OFFERED_RULES.has(issue.code))) throw error;
    const request = input as Record<string, unknown>;
    const resolution = request.resolution ?? model.fields.find((field) => field.name === 'resolution')?.default;
    throw new NotOfferedError(endpoint, table.provider, { tier: TIER_LABELS[tierOf(request)], resolution: String(resolution) }, error.issues);
  }
}

function pricingOf(table: PricingTable, atMs: number | undefined): QuotePricing {
  const cached = pricingBlocks.get(table);
  if (cached && cached.atMs === atMs) return cached.value;
  const value: QuotePricing = Object.freeze({
    provider: table.provider,
    version: table.version,
    sha256: table.sha256,
    file: table.file,
    effectiveFrom: table.effectiveFrom,
    pricedAt: atMs === undefined ? undefined : new Date(atMs).toISOString(),
  });
  pricingBlocks.set(table, { atMs, value });
  return value;
}

function notOffered(endpoint: string, provider: string, combination: Record<string, string>): never {
  throw new NotOfferedError(endpoint, provider, combination);
}

function quoteClip(endpoint: string, pricing: ClipPricing, table: PricingTable, parsed: Record<string, unknown>) {
  const model = pricing.request as Extract<RequestModel, { billing: 'per_clip' }>;
  const { tier, resolution, duration } = model.billingParams(parsed);
  const cell = pricing.cells.get(tier)?.get(resolution)?.get(duration)
    ?? notOffered(endpoint, table.provider, { tier: TIER_LABELS[tier], resolution, duration });
  return { line: cell.line, params: cell.params, total: cell.price.text, upperBound: false, warnings: NO_WARNINGS };
}

const NO_WARNINGS: readonly QuoteWarning[] = Object.freeze([]);

function sourceSecondsOption(endpoint: string, value: string | Decimal): Seconds {
  // A Decimal (possibly from another copy of decimal.js) goes through its exact fixed-point text.
  const text = Decimal.isDecimal(value) ? new Decimal(value.toString()).toFixed() : typeof value === 'string' ? value.trim() : undefined;
  const seconds = text === undefined ? undefined : parseSeconds(text);
  if (seconds) return seconds;
  throw new InvalidRequestError(endpoint, [
    optionIssue('sourceSeconds', `must be a non-negative decimal string like "22.5" (got ${typeof value === 'string' ? JSON.stringify(value) : typeof value})`),
  ]);
}

/** Finds the source's length: given, read from inline MP4 bytes, or (unknown) its maximum. */
function sourceLength(endpoint: string, pricing: BlockPricing, parsed: Record<string, unknown>, options: CoreQuoteOptions) {
  const warnings: QuoteWarning[] = [];
  const given = options.sourceSeconds === undefined ? undefined : sourceSecondsOption(endpoint, options.sourceSeconds);
  const givenFrom: SourceSecondsFrom = options.sourceSecondsFrom === 'mp4' ? 'mp4' : 'given';
  const model = pricing.request as BlockRequestModel;
  const source = model.source(parsed);
  const max = `${pricing.maxSourceLength.text} s`;
  if (source.kind === 'inline' && options.probeSource) {
    const probed = options.probeSource(source.data, source.mediaType);
    if ('seconds' in probed) {
      // Every length the file declares counts: a forged header cannot shorten the others.
      const durations = probed.durations ?? [];
      const longest = durations.length === 0 ? probed.seconds : Decimal.max(probed.seconds, longestDuration(durations));
      const disagree = durationsDisagreeWarning(durations, [model.maxSourceField]);
      if (disagree) warnings.push(disagree);
      // The probe's Decimal is exact to 60 digits: never close enough to a block edge to cross it.
      const measured = parseSeconds(longest.toFixed())!;
      // A given length never lowers what the bytes say: quote the longer, and say they disagree.
      if (given === undefined || compareSeconds(measured, given) >= 0) {
        if (given !== undefined && compareSeconds(measured, given) > 0) {
          warnings.push({ code: 'source_seconds_mismatch', message: `sourceSeconds says ${given.text} s but source_data is ${measured.text} s long; quoted at ${measured.text} s`, path: ['source_data'] });
        }
        return { seconds: measured, from: 'mp4' as SourceSecondsFrom, field: model.maxSourceField, warnings };
      }
      warnings.push({ code: 'source_seconds_mismatch', message: `sourceSeconds says ${given.text} s but source_data is ${measured.text} s long; quoted at ${given.text} s`, path: ['sourceSeconds'] });
      return { seconds: given, from: givenFrom, field: 'sourceSeconds', warnings };
    }
    if (given !== undefined) return { seconds: given, from: givenFrom, field: 'sourceSeconds', warnings };
    warnings.push({ code: 'upper_bound', message: `could not read the length of source_data (${probed.error}); quoted at the ${max} maximum`, path: ['source_data'] });
  } else if (given !== undefined) {
    return { seconds: given, from: givenFrom, field: 'sourceSeconds', warnings };
  } else {
    const why = source.kind === 'reference' ? 'source_generation_id does not say how long the source is'
      : source.kind === 'inline' ? 'source_data was not read' : 'no source was given';
    warnings.push({ code: 'upper_bound', message: `source length unknown (${why}); quoted at the ${max} maximum` });
  }
  return { seconds: pricing.maxSourceLength, from: 'maximum' as SourceSecondsFrom, field: 'sourceSeconds', warnings };
}

// A block count is a small whole number (at most maxSourceSeconds / blockSeconds): keep each
// price's multiples once formatted instead of multiplying and formatting on every quote.
const blockAmounts = new WeakMap<Price, string[]>();

function blockAmount(price: Price, blocks: number): string {
  let amounts = blockAmounts.get(price);
  if (!amounts) {
    amounts = [];
    blockAmounts.set(price, amounts);
  }
  return (amounts[blocks] ??= formatMoney(price.amount.times(blocks)));
}

function quoteBlocks(endpoint: string, pricing: BlockPricing, table: PricingTable, parsed: Record<string, unknown>, options: CoreQuoteOptions) {
  const model = pricing.request as BlockRequestModel;
  const { tier, resolution } = model.billingParams(parsed);
  const price = pricing.prices.get(blockKey(tier, resolution))
    ?? notOffered(endpoint, table.provider, { tier: TIER_LABELS[tier], resolution });
  const { seconds, from, field, warnings } = sourceLength(endpoint, pricing, parsed, options);
  if (seconds.units === 0n) {
    throw new InvalidRequestError(endpoint, [{ path: [field], code: 'empty_source', message: 'the source video has no length' }]);
  }
  if (compareSeconds(seconds, pricing.maxSourceLength) > 0) {
    throw new InvalidRequestError(endpoint, [{
      path: [field],
      code: 'source_too_long',
      message: `the source is ${seconds.text} s; ${endpoint} accepts at most ${pricing.maxSourceLength.text} s`,
    }]);
  }
  // Billed per started block: 25.0000000000000001 s is six 5 s blocks. At most
  // maxSourceSeconds / blockSeconds blocks, so the count is a small whole number.
  const blocks = Number(ceilDivSeconds(seconds, pricing.blockLength));
  const amount = blockAmount(price, blocks);
  const blockSeconds = pricing.blockLength.text;
  const sourceSeconds = seconds.text;
  const line: QuoteLine = {
    description: `${endpoint} · ${resolution} · ${TIER_LABELS[tier]} · ${blockSeconds} s blocks of a ${sourceSeconds} s source`,
    quantity: String(blocks),
    unit: 'block',
    unitPrice: price.text,
    amount,
  };
  const params: BillingParams = { billing: 'per_block', tier, resolution, blocks, blockSeconds, sourceSeconds, sourceSecondsFrom: from };
  return { line, params, total: line.amount, upperBound: from === 'maximum', warnings };
}

/**
 * Quotes one request from a price book. Pure: the instant comes in `options.at`, the MP4 reader
 * in `options.probeSource`. Throws a typed FalBudgetError for anything it cannot price exactly.
 */
export function quoteRequest(book: PriceBook, endpoint: string, input: unknown, options: CoreQuoteOptions): Quote {
  if (typeof endpoint !== 'string' || endpoint.length === 0) {
    throw new InvalidRequestError(String(endpoint), [{ path: ['endpoint'], code: 'invalid_type', message: 'the endpoint must be a non-empty string' }]);
  }
  const { table, pricing, atMs } = selectPricing(book, endpoint, options);
  const mode: ValidationMode = options.strict ? 'strict' : 'quote';
  const { parsed, warnings } = validateOffered(endpoint, table, pricing.request, input, mode);
  const priced = pricing.billing === 'per_clip'
    ? quoteClip(endpoint, pricing, table, parsed)
    : quoteBlocks(endpoint, pricing, table, parsed, options);
  if (pricing.billing === 'per_clip' && options.sourceSeconds !== undefined) {
    warnings.push({ code: 'source_seconds_ignored', message: `${endpoint} is priced per clip; the source length does not change its price` });
  }
  for (const warning of priced.warnings) warnings.push(warning);
  if (!pricing.verified) {
    warnings.push({ code: 'unverified_price', message: `unverified price: ${pricing.notes}` });
  }
  return {
    endpoint,
    provider: table.provider,
    currency: table.currency,
    total: priced.total,
    upperBound: priced.upperBound,
    lines: [priced.line],
    pricing: pricingOf(table, atMs),
    params: priced.params,
    warnings,
  };
}
