import type { z } from 'zod/mini';
import { billingKind, type Card } from './billing/index.js';
import type { RequestModel, ValidationMode } from './endpoints/index.js';
import type { EndpointPricing } from './pricing/pricing-table.js';

/**
 * Which zod schemas parse a request's fields, and whether what a quote derives from its table is
 * kept: `compiled` (z.compile of the model's schemas, each endpoint's plan and table selection
 * kept between quotes: what every quote uses) or `reference` (the plain schemas, everything
 * derived afresh for each quote), which the differential test in test/core/compiled-quote.test.ts
 * holds the compiled path to, quote for quote and error for error.
 */
export type SchemaPath = 'compiled' | 'reference';

/**
 * What quoting one endpoint's requests needs besides the request itself, derived from its model
 * and table entry: the same for every quote of that endpoint, so the compiled path derives it once.
 */
export interface QuotePlan {
  readonly pricing: EndpointPricing;
  // The model's parts a quote calls, read once: since the models and table entries build their
  // schemas and cards on first use, each is an object of its own shape, and reading them per quote
  // was a megamorphic load (main's lazy models measured ~5% slower on the quote bench without this).
  readonly ignoredFields: Readonly<Record<string, string>>;
  readonly rules: RequestModel['rules'];
  readonly missing: RequestModel['missing'];
  /** The card, once a quote has read it (after validating: a lazily compiled card may throw). */
  card: Card | undefined;
  /** The model's fields (the priced ones and the rest), without its ignored fields. */
  readonly known: ReadonlySet<string>;
  /** Every field the schema reads, its fields and its ignored ones, as a list and as a set. */
  readonly readList: readonly string[];
  readonly readSet: ReadonlySet<string>;
  /** The `unverified_price` warning's text, when the table says the price is unverified. */
  readonly unverifiedMessage: string | undefined;
  /** The `source_seconds_ignored` warning's text, for a kind that is not billed by its source. */
  readonly sourceIgnoredMessage: string | undefined;
  /** The schema that parses a request in `mode`. */
  schema(mode: ValidationMode): z.ZodMiniType<Record<string, unknown>>;
}

/** The fields the schema reads (the priced ones and the ignored ones, which it still type-checks). */
function fieldsOf(model: RequestModel) {
  const known = new Set(model.fields.map((field) => field.name));
  const readList = [...known, ...Object.keys(model.ignoredFields)];
  return { known, readList, readSet: new Set(readList) };
}

type RequestSchema = z.ZodMiniType<Record<string, unknown>>;

/**
 * The schema a mode's compiled-path quotes parse with: `model.compiled`, read until it gives the
 * z.compile'd schema and then kept. The model hands out a mode's plain schema on its first read
 * and compiles it on the second (src/core/endpoints/request-model.ts), so that first one is not
 * kept; where z.compile hands back the plain schema (no `new Function`), nothing is kept and the
 * model is asked each time.
 */
function compiledSchemas(model: RequestModel): (mode: ValidationMode) => RequestSchema {
  const kept: Partial<Record<ValidationMode, RequestSchema>> = {};
  return (mode) => {
    const ready = kept[mode];
    if (ready) return ready;
    const schema = model.compiled[mode];
    if (schema !== (mode === 'strict' ? model.strictSchema : model.quoteSchema)) kept[mode] = schema;
    return schema;
  };
}

function buildPlan(pricing: EndpointPricing, path: SchemaPath): QuotePlan {
  const model = pricing.request;
  // The kind by its id, not `pricing.card.kind`: a lazily compiled card is first read by the
  // quote, after the request is validated, where a broken card has always been reported.
  const kind = billingKind(pricing.billing)!;
  return {
    pricing,
    ignoredFields: model.ignoredFields,
    rules: model.rules,
    missing: model.missing,
    card: undefined,
    ...fieldsOf(model),
    unverifiedMessage: pricing.verified ? undefined : `unverified price: ${pricing.notes}`,
    sourceIgnoredMessage: kind.source ? undefined : `${pricing.endpoint} is priced ${kind.label}; the source length does not change its price`,
    schema: path === 'reference' ? (mode) => (mode === 'strict' ? model.strictSchema : model.quoteSchema) : compiledSchemas(model),
  };
}

const compiledPlans = new WeakMap<EndpointPricing, QuotePlan>();

/** The endpoint's plan: kept per table entry on the compiled path, built afresh on the reference one. */
export function planOf(pricing: EndpointPricing, path: SchemaPath): QuotePlan {
  if (path === 'reference') return buildPlan(pricing, path);
  let plan = compiledPlans.get(pricing);
  if (!plan) {
    plan = buildPlan(pricing, path);
    compiledPlans.set(pricing, plan);
  }
  return plan;
}

/**
 * The fields the schemas of `model` read, as a list: jsonInputsHaveOwnFieldsOnly checks each
 * against Object.prototype.
 */
export function readFieldsOf(model: RequestModel): readonly string[] {
  return fieldsOf(model).readList;
}
