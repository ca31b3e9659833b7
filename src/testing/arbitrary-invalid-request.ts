import fc from './fast-check.js';
import type { FieldInfo } from '../core/endpoints/index.js';
import type { RequestIssueCode } from '../core/errors/invalid-request-error.js';
import { validArbitrary } from './arbitrary-request.js';
import { requestContext, strictIssues, type ArbitraryRequestOptions, type GeneratedRequest, type RequestContext } from './request-context.js';
import { valueArbitrary, type PropertySchema } from './value-arbitrary.js';

/** An invalid request, and the field (or `sourceSeconds` option) that makes it so. */
export interface InvalidRequest extends GeneratedRequest {
  readonly field: string;
  /** The issue code strict quoting reports at that field. */
  readonly code: RequestIssueCode;
}

type Mutation = (request: GeneratedRequest) => { request: GeneratedRequest; field: string | undefined };

/** A value of the wrong kind for a field: never one its schema accepts. */
function wrongValue(info: FieldInfo): unknown {
  switch (info.type) {
    case 'enum': return `not-${info.options?.join('-') ?? 'an-option'}`;
    case 'boolean': return 'true';
    case 'number': return '0.5';
    case 'string[]': return 'not-a-list';
    default: return 42;
  }
}

const withInput = (request: GeneratedRequest, input: Record<string, unknown>): GeneratedRequest => ({ ...request, input });

function mutations(context: RequestContext): fc.Arbitrary<Mutation>[] {
  const { fields } = context.model;
  const schema = context.model.jsonSchema() as { properties: Record<string, PropertySchema> };
  const list: fc.Arbitrary<Mutation>[] = [
    // A field of the wrong type or outside its options.
    fc.constantFrom(...fields).map((info): Mutation => (request) => ({ request: withInput(request, { ...request.input, [info.name]: wrongValue(info) }), field: info.name })),
    // Another allowed value for one field, which a rule across fields may refuse (540p with HDR).
    fc.constantFrom(...fields).chain((info) => valueArbitrary(info.name, schema.properties[info.name]!).map((value): Mutation => (request) => ({
      request: withInput(request, { ...request.input, [info.name]: value }), field: undefined,
    }))),
  ];
  const required = fields.filter((info) => info.required);
  if (required.length > 0) {
    // A field the provider requires, left out.
    list.push(fc.constantFrom(...required).map((info): Mutation => (request) => {
      const { [info.name]: _dropped, ...input } = request.input;
      return { request: withInput(request, input), field: info.name };
    }));
  }
  if (context.maxSourceSeconds !== undefined) {
    // A source length the card refuses: none at all, or past the maximum.
    list.push(fc.constantFrom('0', `${context.maxSourceSeconds}1`).map((sourceSeconds): Mutation => (request) => ({
      request: { ...request, options: { ...request.options, sourceSeconds } }, field: 'sourceSeconds',
    })));
  }
  return list;
}

/**
 * A fast-check arbitrary of requests that strict quoting refuses with an InvalidRequestError,
 * each with the `field` that makes it invalid: a value of the wrong type or outside the field's
 * options, a required field left out, a combination a rule refuses, or (for an endpoint billed by
 * its source's length) a length of zero or past the maximum.
 */
export function arbitraryInvalidRequest(endpoint: string, options?: ArbitraryRequestOptions): fc.Arbitrary<InvalidRequest> {
  const context = requestContext(endpoint, options);
  return fc
    // Each starts from a valid request, so the issue found is the one the mutation made.
    .tuple(validArbitrary(context), fc.oneof(...mutations(context)))
    .map(([request, mutate]) => {
      const { request: mutated, field } = mutate(request);
      const issues = strictIssues(mutated);
      const issue = issues?.find((candidate) => field === undefined || candidate.path[0] === field);
      return issue === undefined ? undefined : { ...mutated, field: String(issue.path[0] ?? ''), code: issue.code };
    })
    .filter((invalid): invalid is InvalidRequest => invalid !== undefined);
}
