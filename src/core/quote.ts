import type { z } from 'zod/mini';
import type { RequestModel, ValidationMode } from './endpoints/index.js';
import { TIER_LABELS, tierOf } from './endpoints/index.js';
import {
  AmbiguousEndpointError, InvalidOptionError, InvalidRequestError, NoPriceInEffectError, NotOfferedError, UnknownEndpointError, type RequestIssue,
} from './errors/index.js';
import { instantOf } from './instant.js';
import type { PriceBook } from './pricing/price-book.js';
import type { PricingTable } from './pricing/pricing-table.js';
import type { CoreQuoteOptions } from './quote-options.js';
import { planOf, readFieldsOf, type QuotePlan, type SchemaPath } from './quote-plan.js';
import type { BillingParams, Quote, QuoteLine, QuotePricing, QuoteWarning } from './quote-types.js';

export type { CoreQuoteOptions, SourceProbe } from './quote-options.js';
export type { SchemaPath } from './quote-plan.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function instantMs(at: Date | string | number): number {
  const ms = instantOf(at);
  if (ms === undefined) {
    throw new InvalidOptionError('at', `not a valid instant: ${String(at)} (a date like 2026-11-24, a date-time with offset like 2026-11-24T12:00:00Z, a Date or epoch ms)`);
  }
  return ms;
}

/** Resolves who prices an endpoint: fail closed on unknown, and refuse to guess between providers. */
function resolveProvider(book: PriceBook, endpoint: string, provider: string | undefined): string {
  const providers = book.providersOf(endpoint);
  if (provider !== undefined) {
    if (!providers.includes(provider)) throw new UnknownEndpointError(endpoint, provider, book.endpointIds());
    return provider;
  }
  if (providers.length === 0) throw new UnknownEndpointError(endpoint, undefined, book.endpointIds());
  if (providers.length > 1) throw new AmbiguousEndpointError(endpoint, providers);
  return providers[0]!;
}

/**
 * Looks up the endpoint's pricing in the table that applies. An endpoint that other versions of
 * the provider price but this one does not (added later, or dropped) has no price in effect.
 */
export function selectPricing(book: PriceBook, endpoint: string, options: Pick<CoreQuoteOptions, 'at' | 'version' | 'provider'>) {
  const provider = resolveProvider(book, endpoint, options.provider);
  const atMs = options.version === undefined ? instantMs(options.at) : undefined;
  const table = options.version === undefined ? book.select(provider, { atMs: atMs! }) : book.select(provider, { version: options.version });
  const pricing = table.endpoints.get(endpoint);
  if (!pricing) {
    const pricedIn = book.versionsOf(provider).filter((other) => other.endpoints.has(endpoint));
    const when = atMs === undefined ? `in version ${table.version}` : `at ${new Date(atMs).toISOString()}`;
    const where = pricedIn.map((other) => `${other.version} (effective ${other.effectiveFrom})`).join(', ');
    throw new NoPriceInEffectError(
      `no ${provider} price in effect for ${endpoint} ${when}: ${provider} ${table.version} does not price it; versions that do: ${where}`,
      { provider, endpoint, ...(atMs === undefined ? { version: table.version } : { at: new Date(atMs).toISOString() }) },
    );
  }
  return { table, pricing, atMs };
}
interface Validated {
  readonly parsed: Record<string, unknown>;
  readonly warnings: QuoteWarning[];
}

function requestIssues(input: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): RequestIssue[] {
  return issues.map((issue) => ({
    path: issue.path as (string | number)[],
    code: issue.code,
    // zod says "expected string, received undefined"; a person wants to hear it is missing.
    message: issue.path.length === 1 && input[issue.path[0] as string] === undefined ? 'required' : issue.message,
  }));
}

/**
 * fal receives JSON.stringify(input): its own enumerable properties, nothing inherited. A field
 * reachable only through a prototype (Object.create({ hdr: true }), a class getter) or not
 * enumerable is never sent, so it is not priced: such an input is quoted as a copy of its own
 * enumerable fields. A plain input (every field it reaches its own) is quoted as it is, uncopied.
 */
function sentFields(plan: QuotePlan, input: Record<string, unknown>): Record<string, unknown> {
  // What JSON.stringify sends is Object.keys(input): when as many fields the schema reads are
  // reachable (`in`) as are among those own enumerable keys, none comes from elsewhere. Counting
  // is a fraction of the cost of a propertyIsEnumerable call per field (measured in the quote bench).
  let reachable = 0;
  for (const name of plan.readList) if (name in input) reachable += 1;
  if (reachable === 0) return input;
  let sent = 0;
  for (const key of Object.keys(input)) if (plan.readSet.has(key)) sent += 1;
  return sent === reachable ? input : ownCopy(input);
}

/**
 * Whether objects from JSON.parse can be quoted without the own-fields check (the
 * `ownFieldsOnly` option): JSON.parse makes only own, enumerable data properties, so a field can
 * reach the schema from elsewhere only if Object.prototype itself names one. Checked once per
 * run by a caller that parses JSON itself (the CLI's batch).
 */
export function jsonInputsHaveOwnFieldsOnly(models: Iterable<RequestModel>): boolean {
  for (const model of models) for (const name of readFieldsOf(model)) if (name in Object.prototype) return false;
  return true;
}

function ownCopy(input: Record<string, unknown>): Record<string, unknown> {
  const copy = Object.create(null) as Record<string, unknown>;
  // defineProperty: a "__proto__" key stays a key, and no setter runs.
  for (const key of Object.keys(input)) Object.defineProperty(copy, key, { value: input[key], enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Parses a request against its model's fields: every mistyped field is named, unknown ones warned about. */
function parseRequest(endpoint: string, plan: QuotePlan, request: unknown, mode: ValidationMode, ownFieldsOnly: boolean): Validated {
  if (!isPlainObject(request)) {
    throw new InvalidRequestError(endpoint, [{ path: [], code: 'invalid_type', message: 'the request must be a JSON object' }]);
  }
  const input = ownFieldsOnly ? request : sentFields(plan, request);
  const result = plan.schema(mode).safeParse(input);
  if (!result.success) throw new InvalidRequestError(endpoint, requestIssues(input, result.error.issues));

  const warnings: QuoteWarning[] = [];
  const { known } = plan;
  // Object.keys is what JSON.stringify sends, the same keys as a for-in filtered by Object.hasOwn
  // in the same order, and walking it measured faster (a for-in with Object.hasOwn is not one
  // V8 reduces to its enum cache).
  const keys = Object.keys(input);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    // A model's fields and its ignored fields are disjoint: a known key needs no other test.
    if (known.has(key)) continue;
    if (Object.hasOwn(plan.ignoredFields, key)) {
      warnings.push({ code: 'ignored_field', message: plan.ignoredFields[key]!, path: [key] });
    } else {
      warnings.push({ code: 'unknown_field', message: `${key} is not a field of ${endpoint}; the provider will ignore it`, path: [key] });
    }
  }
  if (mode === 'quote') {
    const missing = plan.missing(input);
    if (missing.length > 0) {
      warnings.push({
        code: 'incomplete_request',
        message: `incomplete request: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required by the provider but not needed for the price`,
      });
    }
  }
  return { parsed: result.data, warnings };
}

/** Rule codes that mean "a combination the provider does not sell", not a malformed request. */
const NOT_OFFERED_RULES = new Set(['hdr_resolution']);

/** Validates, reporting a request whose only fault is an unsold combination as NotOfferedError. */
function validateOffered(endpoint: string, table: PricingTable, plan: QuotePlan, input: unknown, mode: ValidationMode, ownFieldsOnly: boolean): Validated {
  const validated = parseRequest(endpoint, plan, input, mode, ownFieldsOnly);
  const { parsed } = validated;
  const broken = plan.rules(parsed, mode);
  if (broken.length === 0) return validated;
  if (!broken.every((issue) => NOT_OFFERED_RULES.has(issue.code))) throw new InvalidRequestError(endpoint, broken);
  throw new NotOfferedError(endpoint, table.provider, { tier: TIER_LABELS[tierOf(parsed)], resolution: String(parsed.resolution) }, broken);
}

/** The quote's `pricing` block: which table priced it, and for which instant. */
function pricingBlock(table: PricingTable, atMs: number | undefined): QuotePricing {
  return Object.freeze({
    provider: table.provider,
    version: table.version,
    sha256: table.sha256,
    file: table.file,
    effectiveFrom: table.effectiveFrom,
    pricedAt: atMs === undefined ? undefined : new Date(atMs).toISOString(),
  });
}

/** A table selected for an endpoint, with what its quotes share: their `pricing` block and plan. */
interface Selection {
  readonly table: PricingTable;
  readonly block: QuotePricing;
  readonly plan: QuotePlan;
}

/** The last selection made for an endpoint, and the options it was made for. */
interface KeptSelection extends Selection {
  readonly endpoint: string;
  readonly provider: string | undefined;
  readonly version: string | undefined;
  readonly atMs: number | undefined;
}

// A book never changes once built, so what it selects for one endpoint, provider option, version
// and instant is the same every time: the quotes of a batch select once per endpoint. Kept as a
// list scanned with ===, not a Map: an id fresh from JSON.parse has no hash yet, and computing it
// for Map.get costs more than comparing it with a few kept ids (60 ns against 20 for a
// 34-character id, measured). A book prices a few dozen endpoints at most.
const keptSelections = new WeakMap<PriceBook, KeptSelection[]>();
let lastBook: PriceBook | undefined;
let lastKept: KeptSelection[] = [];

function keptFor(book: PriceBook): KeptSelection[] {
  if (book === lastBook) return lastKept;
  let kept = keptSelections.get(book);
  if (!kept) {
    kept = [];
    keptSelections.set(book, kept);
  }
  lastBook = book;
  lastKept = kept;
  return kept;
}

/** selectPricing, with the block and plan its quotes share: kept between quotes on the compiled path. */
function selectionFor(book: PriceBook, endpoint: string, options: CoreQuoteOptions, path: SchemaPath): Selection {
  if (path === 'reference') {
    const { table, pricing, atMs } = selectPricing(book, endpoint, options);
    return { table, block: pricingBlock(table, atMs), plan: planOf(pricing, path) };
  }
  const kept = keptFor(book);
  let index = 0;
  while (index < kept.length && kept[index]!.endpoint !== endpoint) index += 1;
  const last = kept[index];
  // A kept selection means this endpoint and provider option resolve; the instant is read only
  // then, as selectPricing reads it after resolving them (an unknown endpoint is reported first).
  if (last !== undefined && last.provider === options.provider && last.version === options.version
    && (options.version !== undefined || instantMs(options.at) === last.atMs)) {
    return last;
  }
  const { table, pricing, atMs } = selectPricing(book, endpoint, options);
  // One kept per endpoint (the latest), so the list never outgrows the book's endpoints.
  kept[index] = {
    table, block: pricingBlock(table, atMs), plan: planOf(pricing, path), endpoint, provider: options.provider, version: options.version, atMs,
  };
  return kept[index]!;
}

/**
 * Quotes one request from a price book. Pure: the instant comes in `options.at`, the MP4 reader
 * in `options.probeSource`. Throws a typed FalBudgetError for anything it cannot price exactly.
 */
export function quoteRequest(book: PriceBook, endpoint: string, input: unknown, options: CoreQuoteOptions, path: SchemaPath = 'compiled'): Quote {
  if (typeof endpoint !== 'string' || endpoint.length === 0) {
    throw new InvalidRequestError(String(endpoint), [{ path: ['endpoint'], code: 'invalid_type', message: 'the endpoint must be a non-empty string' }]);
  }
  const { table, block, plan } = selectionFor(book, endpoint, options, path);
  const mode: ValidationMode = options.strict ? 'strict' : 'quote';
  const { parsed, warnings } = validateOffered(endpoint, table, plan, input, mode, options.ownFieldsOnly === true);
  const card = (plan.card ??= plan.pricing.card);
  const priced = card.quote(parsed, { endpoint, provider: table.provider, options });
  if (plan.sourceIgnoredMessage !== undefined && options.sourceSeconds !== undefined) {
    warnings.push({ code: 'source_seconds_ignored', message: plan.sourceIgnoredMessage });
  }
  // Indexed: a for-of over the kinds' different (often frozen, empty) lists showed in profiles.
  for (let index = 0; index < priced.warnings.length; index += 1) warnings.push(priced.warnings[index]!);
  if (plan.unverifiedMessage !== undefined) warnings.push({ code: 'unverified_price', message: plan.unverifiedMessage });
  return {
    endpoint,
    provider: table.provider,
    currency: table.currency,
    total: priced.total,
    upperBound: priced.upperBound,
    lines: [priced.line as QuoteLine],
    pricing: block,
    params: priced.params as BillingParams,
    warnings,
  };
}
