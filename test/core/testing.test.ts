import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledPriceBook, Decimal, InvalidOptionError, InvalidRequestError, quote } from '../../src/index.js';
import { arbitraryInvalidRequest, arbitraryRequest, chargeCoversCost, type GeneratedRequest } from '../../src/testing/index.js';
import { selectPricing } from '../../src/core/quote.js';

const AT = '2026-12-02T12:00:00Z';
const ENDPOINTS = bundledPriceBook().endpointIds();
const SAMPLE = { numRuns: 400, seed: 20261202 };
const strictly = (request: GeneratedRequest) => quote(request.endpoint, request.input, { ...request.options, strict: true });

describe('arbitraryRequest: every valid combination of an endpoint\'s fields, from its request model', () => {
  it.each(ENDPOINTS)('%s: every request it draws quotes at strict level', (endpoint) => {
    fc.assert(fc.property(arbitraryRequest(endpoint, { at: AT }), (request) => {
      expect(request.endpoint).toBe(endpoint);
      expect(new Decimal(strictly(request).total).gt(0)).toBe(true);
    }), { numRuns: 100 });
  });

  it.each(ENDPOINTS)('%s: it reaches every priced cell of the card and every option of every field', (endpoint) => {
    const { pricing } = selectPricing(bundledPriceBook(), endpoint, { at: AT });
    const samples = fc.sample(arbitraryRequest(endpoint, { at: AT }), SAMPLE);
    const cells = new Set(samples.map((request) => {
      const { params } = strictly(request);
      return 'duration' in params ? `${params.tier} ${params.resolution} ${params.duration}` : `${params.tier} ${params.resolution}`;
    }));
    expect([...cells].sort()).toEqual(pricing.card.cells().map((cell) => cell.key).sort());
    for (const info of pricing.request.fields) {
      const seen = new Set(samples.map((request) => request.input[info.name]));
      for (const option of info.options ?? []) expect(seen.has(option), `${info.name} ${option}`).toBe(true);
      if (!info.required) expect(seen.has(undefined), `${info.name} absent`).toBe(true);
    }
    if (pricing.card.kind.source) {
      expect(samples.some((request) => request.options.sourceSeconds === undefined)).toBe(true);
      expect(samples.some((request) => request.options.sourceSeconds !== undefined)).toBe(true);
    }
  });
});

describe('arbitraryInvalidRequest: each with the field that makes it invalid', () => {
  it.each(ENDPOINTS)('%s: strict quoting refuses every one, naming its field', (endpoint) => {
    fc.assert(fc.property(arbitraryInvalidRequest(endpoint, { at: AT }), (invalid) => {
      try {
        strictly(invalid);
        expect.unreachable('quoted an invalid request');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidRequestError);
        expect((error as InvalidRequestError).issues).toContainEqual(expect.objectContaining({ path: [invalid.field], code: invalid.code }));
      }
    }), { numRuns: 100 });
  });

  it.each(ENDPOINTS)('%s: every field can be the one that is wrong', (endpoint) => {
    const { pricing } = selectPricing(bundledPriceBook(), endpoint, { at: AT });
    const fields = new Set(fc.sample(arbitraryInvalidRequest(endpoint, { at: AT }), SAMPLE).map((invalid) => invalid.field));
    for (const info of pricing.request.fields) expect(fields.has(info.name), info.name).toBe(true);
    expect(fields.has('sourceSeconds')).toBe(pricing.card.kind.source !== undefined);
  });
});

/** An app's plan for fal video-to-video: 1 credit = $0.25, as the README shows it. */
const CREDITS: Record<string, Record<string, number>> = {
  sdr: { '540p': 3, '720p': 5, '1080p': 9 },
  hdr: { '720p': 9, '1080p': 18 },
  hdr_exr: { '720p': 13, '1080p': 26 },
};
function credits(input: Record<string, unknown>, { exrAsHdr = false } = {}): number {
  const tier = input.exr_export === true && !exrAsHdr ? 'hdr_exr' : input.hdr === true ? 'hdr' : 'sdr';
  const perFiveSeconds = CREDITS[tier]![String(input.resolution ?? '540p')]!;
  return input.duration === '10s' ? perFiveSeconds * 2 : perFiveSeconds;
}
const dollars = (count: number) => new Decimal(count).times('0.25').toFixed(2);

describe('chargeCoversCost: an app\'s own formula against what fal will charge', () => {
  const V2V = 'luma/agent/ray/v3.2/video-to-video';

  it('passes for a credit plan that covers every cell', async () => {
    await fc.assert(chargeCoversCost(({ input }) => dollars(credits(input)), { endpoints: [V2V], at: AT }), { numRuns: 200 });
  });

  it('fails for a plan that prices EXR as plain HDR, reporting the request and both amounts', async () => {
    const result = await fc.check(chargeCoversCost(({ input }) => dollars(credits(input, { exrAsHdr: true })), { endpoints: [V2V], at: AT }), { numRuns: 500, seed: 7 });
    expect(result.failed).toBe(true);
    const [request] = result.counterexample!;
    expect(request.input).toMatchObject({ hdr: true, exr_export: true });
    expect(String(result.errorInstance)).toMatch(/charge \$\d+\.\d\d is below the cost \$\d+\.\d\d for luma\/agent\/ray\/v3\.2\/video-to-video \{.*"exr_export":true/);
  });

  it('a per-second reseller that rounds the length instead of counting started seconds is caught', async () => {
    const rate = { '540p': '0.06', '720p': '0.12', '1080p': '0.36' } as Record<string, string>;
    const rounded = ({ input, options }: GeneratedRequest) => {
      const seconds = Math.round(Number(options.sourceSeconds ?? '30'));
      return new Decimal(rate[String(input.resolution ?? '540p')]!).times(seconds).toFixed(2);
    };
    const result = await fc.check(chargeCoversCost(rounded, { endpoints: ['luma/agent/ray/v3.2/reframe'], at: AT }), { numRuns: 300, seed: 11 });
    expect(result.failed).toBe(true);
    const started = ({ input, options }: GeneratedRequest) => {
      const seconds = new Decimal(options.sourceSeconds ?? '30').ceil();
      return new Decimal(rate[String(input.resolution ?? '540p')]!).times(seconds).toFixed(2);
    };
    await fc.assert(chargeCoversCost(started, { endpoints: ['luma/agent/ray/v3.2/reframe'], at: AT }), { numRuns: 300 });
  });

  it('a markup is a floor too: total x 1.2 passes at markup 1.2 and fails at 1.25; async charges are awaited', async () => {
    const withMargin = async (request: GeneratedRequest) => new Decimal(strictly(request).total).times('1.2').toFixed();
    await fc.assert(chargeCoversCost(withMargin, { markup: '1.2', at: AT }), { numRuns: 200 });
    const result = await fc.check(chargeCoversCost(withMargin, { markup: '1.25', at: AT }), { numRuns: 50, seed: 3 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/x markup 1\.25 = \$/);
  });

  it('covers every bundled endpoint in effect by default, naming the provider where several price one', async () => {
    const seen = new Set<string>();
    await fc.assert(chargeCoversCost((request) => {
      seen.add(request.endpoint);
      return strictly(request).total;
    }, { at: AT }), { numRuns: 300, seed: 5 });
    expect([...seen].sort()).toEqual(ENDPOINTS);
  });

  it('a charge that is not a decimal string fails the property; bad options are typed errors naming them', async () => {
    const result = await fc.check(chargeCoversCost(() => 12.5 as unknown as string, { at: AT }), { numRuns: 5 });
    expect(String(result.errorInstance)).toContain('charge(request) must return a decimal string like "1.20", not number');
    expect(() => chargeCoversCost(() => '1', { markup: '-1' })).toThrow(InvalidOptionError);
    expect(() => chargeCoversCost(() => '1', { markup: 1.2 as unknown as string })).toThrow('markup: must be a positive decimal string like "1.25" (got number)');
    expect(() => chargeCoversCost(() => '1', { endpoints: [] })).toThrow('endpoints: must list at least one endpoint id');
    expect(() => chargeCoversCost('1' as never)).toThrow('charge: must be a function');
    expect(() => arbitraryRequest('nope', { at: AT })).toThrow(/unknown endpoint "nope"/);
  });
});
