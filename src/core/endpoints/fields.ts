import * as z from 'zod/mini';

/** What a request field says about itself, once, beside its zod type (zod 4 `.meta()`). */
export interface FieldMeta {
  /** What the field does, in the provider's words: the JSON Schema and the CLI's help use it. */
  readonly description: string;
  /** It changes the price (resolution, duration, hdr, exr_export): a quote needs it, and the CLI has a flag for it. */
  readonly priced?: true;
  /** The quote command's flag for it, when not its own name (`exr` for `exr_export`) or when it is not priced (`loop`). */
  readonly flag?: string;
  /** The provider accepts the field but ignores it: the warning a quote gives instead of an error. */
  readonly ignored?: string;
  /**
   * JSON Schema keywords for what a custom check enforces and zod cannot put in the schema itself
   * (a length in characters, base64 text): they reach model.jsonSchema() and the test arbitraries.
   */
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly contentEncoding?: 'base64';
}

/** A request field as derived from its definition: what the CLI, warnings and tests read. */
export interface FieldInfo {
  readonly name: string;
  readonly type: 'string' | 'boolean' | 'number' | 'enum' | 'string[]' | 'unknown';
  readonly options?: readonly string[];
  readonly default?: string | boolean;
  /** Required by the provider (at strict level: a quote can do without fields that do not set the price). */
  readonly required: boolean;
  /** Changes the price. */
  readonly priced: boolean;
  readonly description: string;
  /** The CLI flag that sets it, if it has one. */
  readonly flag?: string;
  readonly ignored?: string;
}

/**
 * Defines a field: its zod type and what it says about itself, in one place. The metadata goes
 * into zod's global registry under this schema, as `zod`'s `.meta()` puts it under a clone: every
 * field is a schema built for it alone (each definition is a function, called once per model).
 */
export function field<Schema extends z.ZodMiniType>(schema: Schema, meta: FieldMeta): Schema {
  z.globalRegistry.add(schema, { ...meta });
  return schema;
}

/**
 * `schema.default(value)` for a primitive value, with the value a plain property of the def: zod's
 * `_default()` puts it behind a getter that clones it, and z.compile's parser calls that getter and
 * clones again for every absent field (five absent fields were over half of a GMI edit line's
 * parse). zod's def allows either ("may be a getter"); a primitive needs no clone, so the parse,
 * its issues, the JSON Schema and fieldInfo's default are the same.
 */
export function withDefault<Schema extends z.ZodMiniType>(schema: Schema, value: string | boolean): z.ZodMiniDefault<Schema> {
  // zod's constructor is typed for the base schema; what it builds is this one's default.
  return new z.ZodMiniDefault({ type: 'default', innerType: schema, defaultValue: value }) as unknown as z.ZodMiniDefault<Schema>;
}

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodMiniType;
  readonly defaultValue?: unknown;
  readonly entries?: Record<string, string>;
  readonly values?: readonly unknown[];
}
const defOf = (schema: z.ZodMiniType) => schema._zod.def as unknown as Def;
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly']);

/** Reads a field's kind, options and default from its zod type: nothing is written twice. */
export function fieldInfo(name: string, schema: z.ZodMiniType): FieldInfo {
  const meta = (z.globalRegistry.get(schema) ?? {}) as Partial<FieldMeta>;
  if (typeof meta.description !== 'string') throw new Error(`request field ${name} has no description (define it with field())`);
  let inner = schema;
  let fallback: unknown;
  while (WRAPPERS.has(defOf(inner).type)) {
    const def = defOf(inner);
    if (def.type === 'default' && fallback === undefined) fallback = def.defaultValue;
    inner = def.innerType!;
  }
  const def = defOf(inner);
  const options = def.type === 'enum' ? Object.values(def.entries!) : def.type === 'literal' ? def.values!.map(String) : undefined;
  const type = options ? 'enum' : def.type === 'array' ? 'string[]' : (['string', 'boolean', 'number'].includes(def.type) ? def.type : 'unknown') as FieldInfo['type'];
  const priced = meta.priced === true;
  const flag = meta.flag ?? (priced ? name : undefined);
  return {
    name,
    type,
    ...(options ? { options } : {}),
    ...(typeof fallback === 'string' || typeof fallback === 'boolean' ? { default: fallback } : {}),
    required: !schema.safeParse(undefined).success,
    priced,
    description: meta.description,
    ...(flag ? { flag } : {}),
    ...(meta.ignored ? { ignored: meta.ignored } : {}),
  };
}
