import fc from './fast-check.js';

/** The parts of a JSON Schema (as zod's z.toJSONSchema writes a request field) that values are drawn from. */
export interface PropertySchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly PropertySchema[];
  readonly items?: PropertySchema;
  readonly format?: string;
  readonly contentEncoding?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Every value a field's JSON Schema allows (within small sizes): drawn from the same definition
 * the request model validates with, so nothing about a field is written again here. An unknown
 * shape is an error, never a guess.
 */
export function valueArbitrary(name: string, property: PropertySchema): fc.Arbitrary<unknown> {
  if (property.anyOf) return fc.oneof(...property.anyOf.map((branch) => valueArbitrary(name, branch)));
  if ('const' in property) return fc.constant(property.const);
  if (property.enum) return fc.constantFrom(...property.enum);
  switch (property.type) {
    case 'string':
      if (property.format === 'uri') return fc.webUrl();
      if (property.contentEncoding === 'base64') return fc.uint8Array({ minLength: 1, maxLength: 48 }).map(base64);
      return fc.string({ minLength: property.minLength ?? 0, ...(property.maxLength === undefined ? {} : { maxLength: property.maxLength }) });
    case 'boolean':
      return fc.boolean();
    case 'number':
      return fc.double({ min: property.minimum ?? -1e6, max: property.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'integer':
      return fc.integer({ min: property.minimum ?? -1e6, max: property.maximum ?? 1e6 });
    case 'null':
      return fc.constant(null);
    case 'array':
      if (property.items) return fc.array(valueArbitrary(name, property.items), { maxLength: 4 });
      break;
    default:
      // No type, or one no value is drawn for ("object"): an unknown shape, refused below.
      break;
  }
  throw new Error(`fal-budget/testing: cannot draw values for field ${name} from ${JSON.stringify(property)}`);
}
