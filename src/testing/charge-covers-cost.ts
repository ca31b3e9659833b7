import fc from './fast-check.js';
import { Decimal, formatMoney, isDecimalString } from '../core/money.js';
import { NoPriceInEffectError } from '../core/errors/index.js';
import type { PriceBook } from '../core/pricing/price-book.js';
import { InvalidOptionError } from '../core/errors/invalid-option-error.js';
import { quote } from '../quote.js';
import { bundledPriceBook } from '../tables/bundled.js';
import { arbitraryRequest } from './arbitrary-request.js';
import type { GeneratedRequest } from './request-context.js';

/** An app's own price for a request: a decimal string (USD), or a promise of one. */
export type Charge = (request: GeneratedRequest) => string | Promise<string>;

export interface ChargeCoversCostOptions {
  /** The charge must be at least the quote's total times this: a decimal string, default "1". */
  readonly markup?: string;
  /** Default: every endpoint of the book that has a price in effect at `at`. */
  readonly endpoints?: readonly string[];
  /** Default: now, when the property is made. */
  readonly at?: Date | string | number;
  /** Default: the bundled tables. */
  readonly book?: PriceBook;
}

/** Every endpoint with a price in effect at the instant, naming its provider where several price it. */
function pricedEndpoints(book: PriceBook, atMs: number): Array<{ endpoint: string; provider?: string }> {
  const found: Array<{ endpoint: string; provider?: string }> = [];
  for (const provider of book.providers().sort()) {
    let table;
    try {
      table = book.select(provider, { atMs });
    } catch (error) {
      if (error instanceof NoPriceInEffectError) continue;
      throw error;
    }
    for (const endpoint of table.endpoints.keys()) found.push(book.providersOf(endpoint).length > 1 ? { endpoint, provider } : { endpoint });
  }
  return found;
}

/**
 * A fast-check property, over every valid request to the given endpoints (default: all the
 * bundled ones), that fails when `charge(request)` is below what fal-budget quotes times the
 * markup, and says so with the request and both amounts. Run it with `await fc.assert(...)`.
 */
export function chargeCoversCost(charge: Charge, options: ChargeCoversCostOptions = {}): fc.IAsyncPropertyWithHooks<[GeneratedRequest]> {
  if (typeof charge !== 'function') throw new InvalidOptionError('charge', 'must be a function (request) => decimal string, or a promise of one');
  const markupText = options.markup ?? '1';
  if (typeof markupText !== 'string' || !isDecimalString(markupText) || new Decimal(markupText).lte(0)) {
    throw new InvalidOptionError('markup', `must be a positive decimal string like "1.25" (got ${typeof markupText === 'string' ? JSON.stringify(markupText) : typeof markupText})`);
  }
  const markup = new Decimal(markupText);
  const book = options.book ?? bundledPriceBook();
  const at = new Date(options.at ?? Date.now());
  if (Number.isNaN(at.getTime())) throw new InvalidOptionError('at', `not a valid instant: ${String(options.at)}`);
  if (options.endpoints !== undefined && (!Array.isArray(options.endpoints) || options.endpoints.length === 0)) {
    throw new InvalidOptionError('endpoints', 'must list at least one endpoint id');
  }
  const targets: Array<{ endpoint: string; provider?: string }> = options.endpoints?.map((endpoint) => ({ endpoint })) ?? pricedEndpoints(book, at.getTime());
  if (targets.length === 0) throw new InvalidOptionError('at', `no pricing table is in effect at ${at.toISOString()}`);
  const requests = fc.oneof(...targets.map(({ endpoint, provider }) => arbitraryRequest(endpoint, { at, provider, ...(options.book ? { book } : {}) })));

  return fc.asyncProperty(requests, async (request) => {
    const cost = quote(request.endpoint, request.input, { ...request.options, strict: true });
    const floor = new Decimal(cost.total).times(markup);
    const charged: unknown = await charge(request);
    if (typeof charged !== 'string' || !isDecimalString(charged)) {
      throw new Error(`charge(request) must return a decimal string like "1.20", not ${typeof charged === 'string' ? JSON.stringify(charged) : typeof charged} (money is never a JS number)`);
    }
    if (new Decimal(charged).lt(floor)) {
      const what = markup.eq(1) ? `the cost $${cost.total}` : `the cost $${cost.total} x markup ${markupText} = $${formatMoney(floor)}`;
      throw new Error(`charge $${charged} is below ${what} for ${request.endpoint} ${JSON.stringify(request.input)} (sourceSeconds ${request.options.sourceSeconds ?? 'unknown'}, priced by ${cost.pricing.provider} ${cost.pricing.version})`);
    }
  });
}
