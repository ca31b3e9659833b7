import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseBatchRequest, quoteBatchEntry } from '../../src/core/batch.js';
import { FalBudgetError } from '../../src/core/errors/index.js';
import { jsonInputsHaveOwnFieldsOnly, quoteRequest, type SchemaPath } from '../../src/core/quote.js';
import { requestModels } from '../../src/core/endpoints/index.js';
import { probeInlineMp4 } from '../../src/media/mp4-seconds.js';
import { bundledPriceBook } from '../../src/tables/bundled.js';
import { candidateArbitrary } from '../../src/testing/arbitrary-request.js';
import { requestContext } from '../../src/testing/request-context.js';

// Every quote goes through z.compile'd request schemas (src/core/endpoints/request-model.ts).
// This holds that fast path to the plain zod schemas, line for line over generated JSONL entries
// (valid requests, requests with a field broken, envelope junk): the same quote, or the same
// error class, code, message, issues and every other field of the error.

const AT = '2026-12-02T12:00:00Z';
const book = bundledPriceBook();
const endpoints = book.endpointIds();
const contexts = endpoints.map((endpoint) => requestContext(endpoint, { at: AT }));

type Breakage = { kind: 'none' } | { kind: 'set'; field: number | string; value: unknown } | { kind: 'drop'; field: number };

/** Nothing broken, a field's value replaced by any JSON value, a field dropped, or a key the model does not know. */
const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 3 },
  fc.record({ kind: fc.constant('set' as const), field: fc.nat(), value: fc.jsonValue({ maxDepth: 1 }) }),
  fc.record({ kind: fc.constant('drop' as const), field: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), field: fc.string({ maxLength: 12 }), value: fc.jsonValue({ maxDepth: 1 }) }),
);

function broken(input: Record<string, unknown>, names: readonly string[], change: Breakage): Record<string, unknown> {
  if (change.kind === 'none') return input;
  const name = typeof change.field === 'string' ? change.field : names[change.field % names.length]!;
  if (change.kind === 'set') return { ...input, [name]: change.value };
  const { [name]: _dropped, ...rest } = input;
  return rest;
}

const BAD_SECONDS = ['0', '-1', ' 5 ', '5.', 'abc', '1e3', '30.0000001', '999'];

/** A request the models draw (src/testing), maybe broken, in a batch line's envelope. */
const modelLine = fc.oneof(...contexts.map((context) => {
  const names = context.model.fields.map((info) => info.name);
  return fc
    .tuple(candidateArbitrary(context), breakage, fc.option(fc.constantFrom(...BAD_SECONDS), { freq: 5 }), fc.option(fc.oneof(fc.integer(), fc.string({ maxLength: 8 }))))
    .map(([request, change, badSeconds, id]) => {
      const sourceSeconds = badSeconds ?? request.options.sourceSeconds;
      return {
        endpoint: request.endpoint,
        input: broken(request.input, names, change),
        ...(sourceSeconds === undefined ? {} : { sourceSeconds }),
        ...(id === null ? {} : { id }),
      };
    });
}));

/** Envelopes that are wrong in themselves: any JSON, wrong types, unknown endpoints and keys. */
const junkLine = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.record({
    endpoint: fc.oneof(fc.constantFrom(...endpoints), fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })),
    input: fc.oneof(fc.dictionary(fc.constantFrom('resolution', 'duration', 'hdr', 'prompt', 'model', 'x'), fc.jsonValue({ maxDepth: 1 })), fc.jsonValue({ maxDepth: 1 })),
    provider: fc.oneof(fc.constantFrom('fal', 'gmi', 'oxen', 'nobody'), fc.jsonValue({ maxDepth: 1 })),
    sourceSeconds: fc.oneof(fc.constantFrom('5', '12.5', 'x'), fc.jsonValue({ maxDepth: 1 })),
    count: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.jsonValue({ maxDepth: 1 })),
    extra: fc.jsonValue({ maxDepth: 1 }),
  }, { requiredKeys: [] }),
);

// The compiled path keeps each endpoint's table selection between quotes (src/core/quote.ts):
// lines at other instants (a table changes on 2026-12-02, none is in effect before 2026-11-21, one
// is not an instant at all) and with a pinned version, in any order, must select as afresh.
const instant = fc.oneof(
  { arbitrary: fc.constant<Date | string | number>(AT), weight: 6 },
  fc.constantFrom<Date | string | number>('2026-11-24T12:00:00Z', '2026-11-01', Date.parse('2026-12-02T00:00:00Z'), new Date('2026-11-30T00:00:00Z'), 'not an instant', Number.NaN),
);
const version = fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, fc.constantFrom('2026-11-21', '2026-12-02', 'nope'));

const line = fc.record({
  value: fc.oneof({ arbitrary: modelLine, weight: 4 }, junkLine),
  strict: fc.boolean(),
  at: instant,
  version,
});

type Outcome = { quote: unknown } | { error: Record<string, unknown> };

/** A batch entry quoted as quoteBatchEntry does it, by one schema path; an error as plain data. */
function outcome(value: unknown, options: { strict: boolean; at: Date | string | number; version: string | undefined }, path: SchemaPath): Outcome {
  try {
    const request = parseBatchRequest(value);
    return {
      quote: quoteRequest(book, request.endpoint, request.input, {
        ...options, probeSource: probeInlineMp4, provider: request.provider, sourceSeconds: request.sourceSeconds,
      }, path),
    };
  } catch (error) {
    if (!(error instanceof FalBudgetError)) throw error;
    return { error: { ...error, class: error.constructor.name, name: error.name, message: error.message, cause: error.cause } };
  }
}

describe('the compiled request schemas quote exactly as the plain zod schemas', () => {
  it('50,000 generated batch lines: the same quotes, the same errors field for field, and quoteBatchEntry takes the compiled path', () => {
    let quoted = 0;
    let refused = 0;
    let lines = 0;
    // Stacks are not compared, and building 100,000 of them is most of an error's cost.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      fc.assert(fc.property(line, ({ value, ...options }) => {
        const reference = outcome(value, options, 'reference');
        const compiled = outcome(value, options, 'compiled');
        // isDeepStrictEqual first (fast); expect only on a difference, for its readable diff.
        if (!isDeepStrictEqual(compiled, reference)) expect(compiled).toStrictEqual(reference);
        if ('quote' in compiled) quoted += 1;
        else refused += 1;
        // That the batch path is this compiled path: checked on every tenth line, which is enough.
        lines += 1;
        if (lines % 10 !== 0) return;
        const entry = quoteBatchEntry(book, value, 0, { ...options, probeSource: probeInlineMp4 });
        const batched = 'quote' in entry ? { quote: entry.quote } : { code: entry.code, message: entry.message };
        const expected = 'quote' in compiled ? { quote: compiled.quote } : { code: compiled.error.code, message: compiled.error.message };
        if (!isDeepStrictEqual(batched, expected)) expect(batched).toStrictEqual(expected);
        // The CLI's batch quotes JSON.parse's objects with the own-fields check skipped
        // (ownFieldsOnly): the same line as JSON must quote the same either way.
        const text = JSON.stringify(value);
        if (text === undefined) return;
        const checked = quoteBatchEntry(book, JSON.parse(text), 0, { ...options, probeSource: probeInlineMp4 });
        const trusted = quoteBatchEntry(book, JSON.parse(text), 0, { ...options, probeSource: probeInlineMp4, ownFieldsOnly: true });
        if (!isDeepStrictEqual(trusted, checked)) expect(trusted).toStrictEqual(checked);
      }), { numRuns: 50_000 });
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    // Both sides of the comparison are exercised, not only errors (or only quotes).
    expect(quoted).toBeGreaterThan(10_000);
    expect(refused).toBeGreaterThan(10_000);
  });
});

describe('ownFieldsOnly: JSON inputs skip the own-fields check only while Object.prototype names no field', () => {
  it('is allowed for the bundled models, and refused once Object.prototype lends a field', () => {
    expect(jsonInputsHaveOwnFieldsOnly(requestModels.values())).toBe(true);
    Object.defineProperty(Object.prototype, 'hdr', { value: true, configurable: true, writable: true, enumerable: false });
    try {
      expect(jsonInputsHaveOwnFieldsOnly(requestModels.values())).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).hdr;
    }
    expect(jsonInputsHaveOwnFieldsOnly(requestModels.values())).toBe(true);
  });
});
