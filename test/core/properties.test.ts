import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledPriceBook, Decimal, FalBudgetError, quote, quoteBatch } from '../../src/index.js';
import { arbitraryRequest, type GeneratedRequest } from '../../src/testing/index.js';

const AT = '2026-11-24T12:00:00Z';
const RESOLUTIONS = ['540p', '720p', '1080p'] as const;
const TIER_FLAGS = { sdr: {}, hdr: { hdr: true }, hdr_exr: { hdr: true, exr_export: true } } as const;
type TierName = keyof typeof TIER_FLAGS;

const clipEndpoints = [
  { endpoint: 'luma/agent/ray/v3.2/video-to-video', tiers: ['sdr', 'hdr', 'hdr_exr'] as TierName[] },
  { endpoint: 'luma-ray-v3-2-video-to-video', tiers: ['sdr', 'hdr', 'hdr_exr'] as TierName[] },
  { endpoint: 'luma/agent/ray/v3.2/image-to-video', tiers: ['sdr'] as TierName[] },
  { endpoint: 'luma/agent/ray/v3.2/text-to-video', tiers: ['sdr'] as TierName[] },
];

const offered = (tier: TierName, resolution: string) => tier === 'sdr' || resolution !== '540p';

// Requests drawn by fal-budget/testing from the request models: every valid combination of every
// bundled endpoint's fields (and, for the edit and reframe, source lengths), at one instant.
const ON = '2026-12-02T12:00:00Z';
const anyRequest = fc.oneof(...bundledPriceBook().endpointIds().map((endpoint) => arbitraryRequest(endpoint, { at: ON })));
const clipRequest = fc.oneof(...clipEndpoints.map(({ endpoint }) => arbitraryRequest(endpoint, { at: ON })));
const quoted = (request: GeneratedRequest) => quote(request.endpoint, request.input, request.options);

/** Source lengths as exact decimal strings in (0, 30], with up to 20 fractional digits. */
const seconds = fc
  .record({ whole: fc.integer({ min: 0, max: 30 }), fraction: fc.option(fc.stringMatching(/^[0-9]{1,20}$/), { nil: undefined }) })
  .map(({ whole, fraction }) => (fraction === undefined ? String(whole) : `${whole}.${fraction}`))
  .filter((text) => new Decimal(text).gt(0) && new Decimal(text).lte(30));

/** ceil(seconds / 5) computed on the digits with BigInt: independent of decimal.js. */
function blocksByHand(text: string): bigint {
  const [whole, fraction = ''] = text.split('.');
  const numerator = BigInt(whole + fraction);
  const denominator = 5n * 10n ** BigInt(fraction.length);
  return (numerator + denominator - 1n) / denominator;
}

const editTier = fc.constantFrom(
  { resolution: '540p', flags: {}, block: '0.72' },
  { resolution: '720p', flags: {}, block: '1.08' },
  { resolution: '1080p', flags: {}, block: '2.16' },
  { resolution: '720p', flags: { hdr: true }, block: '2.16' },
  { resolution: '1080p', flags: { hdr: true }, block: '4.32' },
  { resolution: '720p', flags: { hdr: true, exr_export: true }, block: '3.78' },
  { resolution: '1080p', flags: { hdr: true, exr_export: true }, block: '7.56' },
);

const sumOfLines = (lines: ReadonlyArray<{ amount: string }>) => lines.reduce((sum, line) => sum.plus(line.amount), new Decimal(0));

describe('properties', () => {
  it('total = sum of line amounts, for every valid request', () => {
    fc.assert(
      fc.property(anyRequest, (request) => {
        const result = quoted(request);
        expect(sumOfLines(result.lines).eq(result.total)).toBe(true);
      }),
    );
  });

  it('10 s = 2 x 5 s on every per-clip card', () => {
    fc.assert(
      fc.property(clipRequest, ({ endpoint, input, options }) => {
        // loop is not allowed with 10s: leave it out of both.
        const { loop: _loop, ...rest } = input;
        const five = quote(endpoint, { ...rest, duration: '5s' }, options);
        const ten = quote(endpoint, { ...rest, duration: '10s' }, options);
        expect(new Decimal(ten.total).eq(new Decimal(five.total).times(2))).toBe(true);
      }),
    );
  });

  it('the edit costs ceil(seconds / 5) x block price, exactly', () => {
    fc.assert(
      fc.property(editTier, seconds, (tier, length) => {
        const result = quote('luma-ray-3-2-edit', { resolution: tier.resolution, ...tier.flags }, { at: AT, sourceSeconds: length });
        const blocks = blocksByHand(length);
        expect(result.lines[0]!.quantity).toBe(blocks.toString());
        expect(new Decimal(result.total).eq(new Decimal(tier.block).times(blocks.toString()))).toBe(true);
        expect(result.upperBound).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('the edit price is constant within a block and non-decreasing in seconds', () => {
    fc.assert(
      fc.property(editTier, seconds, seconds, (tier, a, b) => {
        const [shorter, longer] = new Decimal(a).lte(b) ? [a, b] : [b, a];
        const price = (length: string) => new Decimal(quote('luma-ray-3-2-edit', { resolution: tier.resolution, ...tier.flags }, { at: AT, sourceSeconds: length }).total);
        expect(price(shorter).lte(price(longer))).toBe(true);
        if (blocksByHand(shorter) === blocksByHand(longer)) expect(price(shorter).eq(price(longer))).toBe(true);
      }),
    );
  });

  it('540p < 720p < 1080p and SDR < HDR < HDR+EXR wherever offered', () => {
    const price = (endpoint: string, resolution: string, tier: TierName, duration: string, sourceSeconds?: string) =>
      new Decimal(quote(endpoint, { resolution, duration: endpoint === 'luma-ray-3-2-edit' ? undefined : duration, ...TIER_FLAGS[tier] }, { at: AT, sourceSeconds }).total);
    const endpoints = [...clipEndpoints, { endpoint: 'luma-ray-3-2-edit', tiers: ['sdr', 'hdr', 'hdr_exr'] as TierName[] }];
    fc.assert(
      fc.property(fc.constantFrom(...endpoints), fc.constantFrom('5s', '10s'), seconds, (spec, duration, length) => {
        const sourceSeconds = spec.endpoint === 'luma-ray-3-2-edit' ? length : undefined;
        for (const tier of spec.tiers) {
          const resolutions = RESOLUTIONS.filter((resolution) => offered(tier, resolution));
          for (let index = 1; index < resolutions.length; index += 1) {
            expect(price(spec.endpoint, resolutions[index - 1]!, tier, duration, sourceSeconds).lt(price(spec.endpoint, resolutions[index]!, tier, duration, sourceSeconds))).toBe(true);
          }
        }
        for (const resolution of RESOLUTIONS) {
          const tiers = spec.tiers.filter((tier) => offered(tier, resolution));
          for (let index = 1; index < tiers.length; index += 1) {
            expect(price(spec.endpoint, resolution, tiers[index - 1]!, duration, sourceSeconds).lt(price(spec.endpoint, resolution, tiers[index]!, duration, sourceSeconds))).toBe(true);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('a batch total equals the sum of single quotes', () => {
    fc.assert(
      fc.property(fc.array(anyRequest, { maxLength: 30 }), (requests) => {
        const entries = requests.map(({ endpoint, input, options }) => ({ endpoint, input, ...(options.sourceSeconds === undefined ? {} : { sourceSeconds: options.sourceSeconds }) }));
        const batch = quoteBatch(entries, { at: ON });
        const singles = requests.reduce((sum, request) => sum.plus(quoted(request).total), new Decimal(0));
        expect(new Decimal(batch.total).eq(singles)).toBe(true);
        expect(batch.items).toHaveLength(requests.length);
        const bySubtotals = batch.subtotals.reduce((sum, subtotal) => sum.plus(subtotal.total), new Decimal(0));
        expect(bySubtotals.eq(batch.total)).toBe(true);
      }),
    );
  });

  it('quoting is deterministic and never mutates its input', () => {
    fc.assert(
      fc.property(anyRequest, (request) => {
        const before = structuredClone(request.input);
        const first = quoted(request);
        const second = quoted(request);
        expect(second).toEqual(first);
        expect(request.input).toEqual(before);
      }),
    );
  });

  it('arbitrary JSON never crashes quote(): a quote or a typed error', () => {
    const endpoints = ['luma/agent/ray/v3.2/video-to-video', 'luma-ray-3-2-edit', 'luma/agent/ray/v3.2/image-to-video', 'luma-ray-v3-2-video-to-video', 'nope'];
    const withKnownKeys = fc.dictionary(
      fc.constantFrom('resolution', 'duration', 'hdr', 'exr_export', 'loop', 'prompt', 'source_data', 'source_generation_id', 'edit_auto_controls', 'depth_blur', 'model', '__proto__', 'constructor'),
      fc.anything(),
    );
    fc.assert(
      fc.property(fc.constantFrom(...endpoints), fc.oneof(fc.anything(), withKnownKeys), fc.option(fc.anything(), { nil: undefined }), (endpoint, input, sourceSeconds) => {
        try {
          const result = quote(endpoint, input, { at: AT, sourceSeconds: sourceSeconds as string | undefined });
          expect(new Decimal(result.total).gt(0)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(FalBudgetError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
