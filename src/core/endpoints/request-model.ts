import * as z from 'zod/mini';
import { englishMessagesByDefault } from '../english-messages.js';
import type { RequestIssue } from '../errors/invalid-request-error.js';
import { fieldInfo, type FieldInfo } from './fields.js';
import { tiersOf, type Tier } from './tiers.js';

/** Validation level: `quote` needs only what sets the price; `strict` is what the provider accepts. */
export type ValidationMode = 'quote' | 'strict';

/** Where a source video's length could come from, in the request itself. */
type SourceRef =
  | { readonly kind: 'inline'; readonly data: string; readonly mediaType: string }
  | { readonly kind: 'reference'; readonly field: string }
  | { readonly kind: 'none' };

/** An endpoint's request, defined once: its fields (zod, with `.meta()`), cross-field rules and billing kind. */
export interface RequestModelDefinition {
  /** Referenced by pricing tables' `request` field. */
  readonly id: string;
  /** The billing kind a table must price it by (src/core/billing). */
  readonly billing: string;
  /**
   * Every field the provider takes, in the page's order, each made with field(). As a function,
   * the zod types are built only when the model's schemas are first used: a CLI run quotes one
   * endpoint, and building all of them was a fifth of its start-up.
   */
  readonly fields: z.core.$ZodShape | (() => z.core.$ZodShape);
  /** Rules across fields, on the parsed request (defaults applied). */
  readonly rules?: (parsed: Record<string, unknown>, mode: ValidationMode) => readonly RequestIssue[];
  /** Provider-required fields a quote can do without, when "required" is more than the field list says. */
  readonly missing?: (input: Record<string, unknown>) => readonly string[];
  /** For a request billed by its source's length: where that length could come from. */
  readonly source?: (parsed: Record<string, unknown>) => SourceRef;
  /** The field a too-long measured source is reported at. */
  readonly maxSourceField?: string;
}

export interface RequestModel {
  readonly id: string;
  readonly billing: string;
  /** Which tiers the request can express at all (no `hdr` field: SDR only). */
  readonly tiers: readonly Tier[];
  /** The fields the provider uses, derived from their definitions. */
  readonly fields: readonly FieldInfo[];
  /** Fields the provider accepts but ignores, with the reason shown as a warning. */
  readonly ignoredFields: Readonly<Record<string, string>>;
  /** The fields as zod validates them, per mode: the reference every faster path must agree with. */
  readonly quoteSchema: z.ZodMiniType<Record<string, unknown>>;
  readonly strictSchema: z.ZodMiniType<Record<string, unknown>>;
  /**
   * The same schemas through `z.compile`: a generated parser for inputs it accepts, the plain
   * runtime (same issues, same messages) for any it rejects. Where `new Function` is refused
   * (a strict CSP), `z.compile` hands back the plain schema, so these are never less correct.
   * The first read of a mode gives the plain schema and later reads the compiled one (made on the
   * second): generating a parser costs a one-quote CLI run more than parsing its one request with
   * the plain schema, and a batch compiles on its second line.
   */
  readonly compiled: Readonly<Record<ValidationMode, z.ZodMiniType<Record<string, unknown>>>>;
  /** Rules across fields, run on the parsed request, so no default is written twice. */
  rules(parsed: Record<string, unknown>, mode: ValidationMode): readonly RequestIssue[];
  /** Provider-required fields that are absent (a quote warns, strict validation rejects). */
  missing(input: Record<string, unknown>): readonly string[];
  source?(parsed: Record<string, unknown>): SourceRef;
  readonly maxSourceField?: string;
  /** The request as JSON Schema (draft 2020-12), generated from the same definitions. */
  jsonSchema(): Record<string, unknown>;
}

/** What a rule or `missing` returns when all is well: one shared empty list, not one per quote. */
export const NONE: readonly never[] = Object.freeze([]);
const NO_ISSUES = (): readonly RequestIssue[] => NONE;

/** The names in `names` that `input` leaves out; the shared NONE when it leaves out none. */
function absent(names: readonly string[], input: Record<string, unknown>): readonly string[] {
  let missing: string[] | undefined;
  for (const name of names) if (input[name] === undefined) (missing ??= []).push(name);
  return missing ?? NONE;
}

type RequestSchema = z.ZodMiniType<Record<string, unknown>>;

/** Each mode's plain schema the first time it is asked for, then its `z.compile`, made once and kept. */
function compiledOnSecondUse(schemas: () => Record<ValidationMode, RequestSchema>): Readonly<Record<ValidationMode, RequestSchema>> {
  const compiled: Partial<Record<ValidationMode, RequestSchema>> = {};
  const asked: Record<ValidationMode, boolean> = { quote: false, strict: false };
  const pick = (mode: ValidationMode): RequestSchema => {
    const ready = compiled[mode];
    if (ready) return ready;
    if (!asked[mode]) {
      asked[mode] = true;
      return schemas()[mode];
    }
    return (compiled[mode] = z.compile(schemas()[mode]));
  };
  return Object.freeze({
    get quote() { return pick('quote'); },
    get strict() { return pick('strict'); },
  });
}

const shapeOf = (definition: RequestModelDefinition): z.core.$ZodShape =>
  (typeof definition.fields === 'function' ? definition.fields() : definition.fields);
const infosOf = (shape: z.core.$ZodShape): readonly FieldInfo[] =>
  Object.entries(shape).map(([name, schema]) => fieldInfo(name, schema as z.ZodMiniType));

/**
 * What each field of a definition says about itself (ignored fields included, in order), read
 * from its zod types: the one source of the light copy in request-fields.generated.ts.
 */
export function requestFieldInfos(definition: RequestModelDefinition): readonly FieldInfo[] {
  return infosOf(shapeOf(definition));
}

/**
 * Builds a request model from its definition. `strict` is the provider's schema as published;
 * `quote` makes optional the required fields that do not change the price (prompt, media URLs),
 * so a plan can be priced before its prompt is written.
 *
 * `known` is requestFieldInfos(definition) as `npm run generate` wrote it down: given it, the
 * model's field list, tiers and flags need no zod type, and the schemas are built the first time
 * one is used (test/core/request-fields.test.ts holds the copy equal to the schemas). Without
 * it, the fields are read from the schemas now.
 */
export function defineRequestModel(definition: RequestModelDefinition, known?: readonly FieldInfo[]): RequestModel {
  let shape: z.core.$ZodShape | undefined;
  const shapeOnce = () => (shape ??= shapeOf(definition));
  const infos = known ?? infosOf(shapeOnce());
  const fields = infos.filter((info) => info.ignored === undefined);
  const ignoredFields = Object.fromEntries(infos.flatMap((info) => (info.ignored === undefined ? [] : [[info.name, info.ignored]])));
  const notPriced = fields.filter((info) => info.required && !info.priced).map((info) => info.name);
  let schemas: Record<ValidationMode, RequestSchema> | undefined;
  const built = () => {
    if (schemas) return schemas;
    englishMessagesByDefault();
    const strict = z.object(shapeOnce());
    schemas = { strict, quote: z.partial(strict, Object.fromEntries(notPriced.map((name) => [name, true as const]))) };
    return schemas;
  };
  let jsonSchema: Record<string, unknown> | undefined;
  return {
    id: definition.id,
    billing: definition.billing,
    tiers: tiersOf(new Set(fields.map((info) => info.name))),
    fields,
    ignoredFields,
    get strictSchema() { return built().strict; },
    get quoteSchema() { return built().quote; },
    compiled: compiledOnSecondUse(built),
    rules: definition.rules ?? NO_ISSUES,
    missing: definition.missing ?? ((input) => absent(notPriced, input)),
    ...(definition.source ? { source: definition.source } : {}),
    ...(definition.maxSourceField ? { maxSourceField: definition.maxSourceField } : {}),
    jsonSchema: () => (jsonSchema ??= z.toJSONSchema(built().strict, { io: 'input' }) as Record<string, unknown>),
  };
}

export type { FieldInfo } from './fields.js';
export { TIERS, TIER_LABELS, tierOf, type Tier } from './tiers.js';
