import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchTotals, Decimal, FalBudgetError, MAX_BATCH_COUNT, quote, type Quote } from '../../src/index.js';
import { BatchTally } from '../../src/cli/commands/batch-tally.js';
import { AT, ensureBuilt, runCli } from './support/cli.js';

beforeAll(() => ensureBuilt());

/** Which price flags each endpoint takes, as its request model says. */
const ENDPOINTS = {
  'luma/agent/ray/v3.2/video-to-video': { duration: true, hdr: true, loop: false, source: false },
  'luma-ray-v3-2-video-to-video': { duration: true, hdr: true, loop: false, source: false },
  'luma/agent/ray/v3.2/image-to-video': { duration: true, hdr: false, loop: true, source: false },
  'luma/agent/ray/v3.2/text-to-video': { duration: true, hdr: false, loop: true, source: false },
  'luma-ray-3-2-edit': { duration: false, hdr: true, loop: false, source: true },
} as const;

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** Seconds as an exact decimal string, up to 30 s (the edit's maximum). */
const seconds = fc.tuple(fc.integer({ min: 0, max: 29 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 3 }))
  .map(([whole, fraction, digits]) => `${whole}.${String(fraction).padStart(3, '0').slice(0, digits)}`)
  .filter((text) => new Decimal(text).gt(0));

const invocation = fc.constantFrom(...(Object.keys(ENDPOINTS) as (keyof typeof ENDPOINTS)[])).chain((endpoint) => {
  const takes = ENDPOINTS[endpoint];
  return fc.record({
    endpoint: fc.constant(endpoint),
    resolution: maybe(fc.constantFrom('540p', '720p', '1080p')),
    duration: takes.duration ? maybe(fc.constantFrom('5s', '10s')) : fc.constant(undefined),
    hdr: takes.hdr ? maybe(fc.boolean()) : fc.constant(undefined),
    exr: takes.hdr ? maybe(fc.boolean()) : fc.constant(undefined),
    loop: takes.loop ? maybe(fc.boolean()) : fc.constant(undefined),
    sourceSeconds: takes.source ? maybe(seconds) : fc.constant(undefined),
    max: maybe(fc.integer({ min: 0, max: 5000 }).map((cents) => (cents / 100).toFixed(2))),
  });
});

type Invocation = typeof invocation extends fc.Arbitrary<infer T> ? T : never;

function flagsOf(call: Invocation): string[] {
  const args = ['quote', call.endpoint, '--at', AT, '--json'];
  if (call.resolution !== undefined) args.push('--resolution', call.resolution);
  if (call.duration !== undefined) args.push('--duration', call.duration);
  if (call.hdr !== undefined) args.push(call.hdr ? '--hdr' : '--no-hdr');
  if (call.exr !== undefined) args.push(call.exr ? '--exr' : '--no-exr');
  if (call.loop !== undefined) args.push(call.loop ? '--loop' : '--no-loop');
  if (call.sourceSeconds !== undefined) args.push('--source-seconds', call.sourceSeconds);
  if (call.max !== undefined) args.push('--max', call.max);
  return args;
}

function libraryQuote(call: Invocation): Quote | FalBudgetError {
  const input: Record<string, unknown> = {};
  if (call.resolution !== undefined) input.resolution = call.resolution;
  if (call.duration !== undefined) input.duration = call.duration;
  if (call.hdr !== undefined) input.hdr = call.hdr;
  if (call.exr !== undefined) input.exr_export = call.exr;
  if (call.loop !== undefined) input.loop = call.loop;
  try {
    return quote(call.endpoint, input, { at: AT, sourceSeconds: call.sourceSeconds });
  } catch (error) {
    if (error instanceof FalBudgetError) return error;
    throw error;
  }
}

describe('properties', () => {
  it('any flag combination prices exactly as the library\'s quote() does, or fails as it does', async () => {
    const seen = { priced: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(invocation, async (call) => {
        const expected = libraryQuote(call);
        const result = await runCli(flagsOf(call));
        seen[expected instanceof FalBudgetError ? 'refused' : 'priced'] += 1;
        if (expected instanceof FalBudgetError) {
          expect(result.code).toBe(2);
          expect(result.stdout).toBe('');
          return;
        }
        const over = call.max !== undefined && new Decimal(expected.total).gt(call.max);
        expect(result.code).toBe(over ? 3 : 0);
        const printed = JSON.parse(result.stdout);
        expect(printed.total).toBe(expected.total);
        expect(printed.params).toEqual(expected.params);
        expect(printed.lines).toEqual(expected.lines);
      }),
      { numRuns: 40 },
    );
    // Both sides of the law were exercised (about half of random combinations are refused).
    expect(seen.priced).toBeGreaterThan(5);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('BatchTally adds up exactly what BatchTotals adds up, per endpoint and in all, with counts', () => {
    const priced = invocation.map(libraryQuote).filter((value): value is Quote => !(value instanceof FalBudgetError));
    const quotes = fc.array(fc.tuple(priced, fc.oneof(fc.constant(1), fc.integer({ min: 1, max: MAX_BATCH_COUNT }))), { maxLength: 60 });
    fc.assert(
      fc.property(quotes, (list) => {
        const totals = new BatchTotals();
        const tally = new BatchTally();
        for (const [item, count] of list) {
          totals.add(item, count);
          tally.add(item, count);
        }
        const { totalAmount, ...summary } = tally.summary();
        expect(summary).toEqual(totals.summary());
        expect(totalAmount.eq(totals.totalAmount)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
