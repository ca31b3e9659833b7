import { billingKind, type Card } from '../billing/index.js';
import type { RequestModel } from '../endpoints/index.js';
import { safeParseInEnglish } from '../english-messages.js';
import { requestModels } from '../endpoints/index.js';
import { PricingTableError, type PricingTableProblem } from '../errors/pricing-table-error.js';
import { pricingTableSchema, type EndpointPricingData, type PricingTableData } from './schema.js';

export type { Price } from './price.js';

/** One endpoint as a table prices it: its request model and its compiled card. */
export interface EndpointPricing {
  readonly endpoint: string;
  readonly request: RequestModel;
  /** The billing kind's id, as in the table ("per_clip"). */
  readonly billing: string;
  /** The compiled card: it alone knows how its kind prices a request. */
  readonly card: Card;
  readonly source: string;
  readonly notes: string;
  readonly verified: boolean;
}

/** A validated table: its data as published, plus what identifies it exactly. */
export interface PricingTable {
  readonly provider: string;
  readonly version: string;
  readonly effectiveFrom: string;
  readonly effectiveUntil: string | undefined;
  readonly effectiveFromMs: number;
  readonly effectiveUntilMs: number | undefined;
  readonly currency: 'USD';
  readonly checked: string;
  /** sha256 of the file's bytes, so a quote can be reproduced from exactly this table. */
  readonly sha256: string;
  /** Where it came from: a path relative to its pricing directory, or a caller's name. */
  readonly file: string;
  readonly endpoints: ReadonlyMap<string, EndpointPricing>;
  readonly data: PricingTableData;
}

function instantToMs(text: string): number {
  // A bare date is midnight UTC; date-times carry their own offset.
  return Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
}

/** How compileTableData compiles each endpoint's card. */
export interface CompileOptions {
  /**
   * Compile a card when it is first read, not with its table: for tables whose every card
   * `npm run generate` has already compiled without a problem (the bundled ones). A CLI quote
   * reads one card of the two dozen; a problem found later would still throw PricingTableError.
   */
  readonly cardsOnFirstUse?: boolean;
}

function compileEndpoint(
  file: string,
  endpoint: string,
  data: EndpointPricingData,
  problems: PricingTableProblem[],
  options: CompileOptions,
): EndpointPricing | undefined {
  const request = requestModels.get(data.request)!;
  const path = ['endpoints', endpoint, 'billing'];
  if (data.billing.kind !== request.billing) {
    problems.push({ file, path: [...path, 'kind'], message: `request model ${request.id} is billed ${request.billing}, not ${data.billing.kind}` });
    return undefined;
  }
  // The schema only lets through the kinds the registry has.
  const kind = billingKind(data.billing.kind)!;
  const compile = (found: PricingTableProblem[]) => kind.compile(data.billing, { file, endpoint, request, path, problems: found });
  const { source, notes, verified } = data;
  if (options.cardsOnFirstUse === true) {
    let card: Card | undefined;
    return {
      endpoint, request, billing: kind.id,
      get card() {
        if (card) return card;
        const found: PricingTableProblem[] = [];
        const compiled = compile(found);
        if (!compiled || found.length > 0) throw new PricingTableError(found);
        return (card = compiled);
      },
      source, notes, verified,
    };
  }
  const card = compile(problems);
  if (!card) return undefined;
  return { endpoint, request, billing: kind.id, card, source, notes, verified };
}

/**
 * Validates one table (already parsed from JSON) and compiles its prices for fast lookup.
 * Pure: the caller supplies the file name and the hash of the bytes it read.
 */
export function compilePricingTable(json: unknown, file: string, sha256: string): PricingTable {
  const parsed = safeParseInEnglish(pricingTableSchema, json);
  if (!parsed.success) {
    throw new PricingTableError(
      parsed.error.issues.flatMap((issue): PricingTableProblem[] => {
        const path = issue.path as (string | number)[];
        // zod reports unknown keys at their parent; point at each key itself.
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => ({ file, path: [...path, key], message: `unknown key "${key}"` }));
        }
        return [{ file, path, message: issue.message }];
      }),
    );
  }
  return compileTableData(parsed.data, file, sha256);
}

/**
 * Compiles a table that pricingTableSchema has already accepted, unchanged (the schema only
 * validates; it transforms nothing): the bundled tables, validated by `npm run generate`, so a
 * cold start does not validate them again (that was most of the CLI's start-up work).
 */
export function compileTableData(data: PricingTableData, file: string, sha256: string, options: CompileOptions = {}): PricingTable {
  const problems: PricingTableProblem[] = [];
  const effectiveFromMs = instantToMs(data.effectiveFrom);
  const effectiveUntilMs = data.effectiveUntil === undefined ? undefined : instantToMs(data.effectiveUntil);
  if (effectiveUntilMs !== undefined && effectiveUntilMs <= effectiveFromMs) {
    problems.push({ file, path: ['effectiveUntil'], message: 'effectiveUntil must be later than effectiveFrom' });
  }
  const endpoints = new Map<string, EndpointPricing>();
  for (const [endpoint, endpointData] of Object.entries(data.endpoints)) {
    const compiled = compileEndpoint(file, endpoint, endpointData, problems, options);
    if (compiled) endpoints.set(endpoint, compiled);
  }
  if (problems.length > 0) throw new PricingTableError(problems);
  return {
    provider: data.provider,
    version: data.version,
    effectiveFrom: data.effectiveFrom,
    effectiveUntil: data.effectiveUntil,
    effectiveFromMs,
    effectiveUntilMs,
    currency: data.currency,
    checked: data.checked,
    sha256,
    file,
    endpoints,
    data,
  };
}
