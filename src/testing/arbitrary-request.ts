import fc from './fast-check.js';
import { FalBudgetError } from '../core/errors/index.js';
import { quote } from '../quote.js';
import { requestContext, type ArbitraryRequestOptions, type GeneratedRequest, type RequestContext } from './request-context.js';
import { valueArbitrary, type PropertySchema } from './value-arbitrary.js';

/** Exact decimal strings in (0, max]: whole seconds and up to 6 fractional digits. */
function sourceSecondsArbitrary(max: string): fc.Arbitrary<string> {
  const [whole, fraction = ''] = max.split('.');
  const scale = 6;
  const limit = BigInt(whole!) * 10n ** BigInt(scale) + BigInt((fraction + '0'.repeat(scale)).slice(0, scale) || '0');
  return fc.bigInt({ min: 1n, max: limit }).map((units) => {
    const digits = units.toString().padStart(scale + 1, '0');
    const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
    return text;
  });
}

/** Every field of the model, each present or absent as its schema allows, with values its schema allows. */
function inputArbitrary(context: RequestContext): fc.Arbitrary<Record<string, unknown>> {
  const schema = context.model.jsonSchema() as { properties: Record<string, PropertySchema> };
  const fields = Object.fromEntries(context.model.fields.map((info) => [info.name, valueArbitrary(info.name, schema.properties[info.name]!)]));
  const requiredKeys = context.model.fields.filter((info) => info.required).map((info) => info.name);
  return fc.record(fields, { requiredKeys });
}

/** Candidate requests: any input the fields allow, and for a source-billed kind a length (or none). */
export function candidateArbitrary(context: RequestContext): fc.Arbitrary<GeneratedRequest> {
  const length = context.maxSourceSeconds === undefined ? fc.constant(undefined) : fc.option(sourceSecondsArbitrary(context.maxSourceSeconds), { nil: undefined });
  return fc.tuple(inputArbitrary(context), length).map(([input, sourceSeconds]) => ({
    endpoint: context.endpoint,
    input,
    options: sourceSeconds === undefined ? context.base : { ...context.base, sourceSeconds },
  }));
}

function quotes(request: GeneratedRequest): boolean {
  try {
    quote(request.endpoint, request.input, { ...request.options, strict: true });
    return true;
  } catch (error) {
    if (error instanceof FalBudgetError) return false;
    throw error;
  }
}

/**
 * A fast-check arbitrary of `{ endpoint, input, options }` over every valid combination of the
 * endpoint's fields (each field drawn from its own definition in the request model, so a new
 * field or option is covered without a change here), such that
 * `quote(endpoint, input, { ...options, strict: true })` succeeds. Rules across fields (HDR
 * needs 720p, loop not with 10s, ...) are the model's own: combinations they refuse are dropped.
 */
export function arbitraryRequest(endpoint: string, options?: ArbitraryRequestOptions): fc.Arbitrary<GeneratedRequest> {
  return validArbitrary(requestContext(endpoint, options));
}

export function validArbitrary(context: RequestContext): fc.Arbitrary<GeneratedRequest> {
  return candidateArbitrary(context).filter(quotes);
}
