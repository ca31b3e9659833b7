import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, InvalidRequestError, quote } from '../../src/index.js';

const REFRAME = 'luma/agent/ray/v3.2/reframe';
const AT = '2026-12-02T12:00:00Z';
const RATES = { '540p': '0.06', '720p': '0.12', '1080p': '0.36' } as const;
type Resolution = keyof typeof RATES;

/** Source lengths as exact decimal strings in (0, 30], with up to 20 fractional digits. */
const seconds = fc
  .record({ whole: fc.integer({ min: 0, max: 30 }), fraction: fc.option(fc.stringMatching(/^[0-9]{1,20}$/), { nil: undefined }) })
  .map(({ whole, fraction }) => (fraction === undefined ? String(whole) : `${whole}.${fraction}`))
  .filter((text) => new Decimal(text).gt(0) && new Decimal(text).lte(30));
const resolution = fc.constantFrom(...(Object.keys(RATES) as Resolution[]));

/** Started seconds, ceil(length), on the digits with BigInt: independent of the library's arithmetic. */
function startedByHand(text: string): bigint {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) + (/[1-9]/.test(fraction) ? 1n : 0n);
}

const priceOf = (res: Resolution, length: string) => quote(REFRAME, { resolution: res }, { at: AT, sourceSeconds: length });

describe('the laws of a per-second card (fal reframe)', () => {
  it('bills ceil(seconds) started seconds at the rate, exactly', () => {
    fc.assert(
      fc.property(resolution, seconds, (res, length) => {
        const result = priceOf(res, length);
        const started = startedByHand(length);
        expect(result.lines[0]).toMatchObject({ quantity: started.toString(), unit: 'second', unitPrice: RATES[res] });
        expect(result.params).toMatchObject({ billing: 'per_second', billedSeconds: started.toString(), sourceSecondsFrom: 'given' });
        expect(new Decimal(result.total).eq(new Decimal(RATES[res]).times(started.toString()))).toBe(true);
        expect(result.upperBound).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('is constant within a second and non-decreasing in seconds', () => {
    fc.assert(
      fc.property(resolution, seconds, seconds, (res, a, b) => {
        const [shorter, longer] = new Decimal(a).lte(b) ? [a, b] : [b, a];
        const low = new Decimal(priceOf(res, shorter).total);
        const high = new Decimal(priceOf(res, longer).total);
        expect(low.lte(high)).toBe(true);
        if (startedByHand(shorter) === startedByHand(longer)) expect(low.eq(high)).toBe(true);
      }),
    );
  });

  it('540p < 720p < 1080p for every length', () => {
    fc.assert(
      fc.property(seconds, (length) => {
        const [low, mid, high] = (['540p', '720p', '1080p'] as const).map((res) => new Decimal(priceOf(res, length).total));
        expect(low!.lt(mid!) && mid!.lt(high!)).toBe(true);
      }),
    );
  });
});

describe('fal reframe requests', () => {
  const complete = { prompt: 'extend the beach', video_url: 'https://example.com/in.mp4', aspect_ratio: '9:16' };

  it('an unknown length is quoted at the 30 s maximum, marked upperBound, with a warning naming video_url', () => {
    const result = quote(REFRAME, { ...complete, resolution: '1080p' }, { at: AT, strict: true });
    expect(result).toMatchObject({ total: '10.80', upperBound: true, params: { billedSeconds: '30', sourceSecondsFrom: 'maximum' } });
    expect(result.warnings).toEqual([
      { code: 'upper_bound', message: 'source length unknown (video_url does not say how long the source is); quoted at the 30 s maximum' },
    ]);
  });

  it('refuses a source over 30 s and an empty one, naming sourceSeconds', () => {
    expect(() => quote(REFRAME, complete, { at: AT, sourceSeconds: '30.000001' })).toThrow('sourceSeconds: the source is 30.000001 s; luma/agent/ray/v3.2/reframe accepts at most 30 s');
    expect(() => quote(REFRAME, complete, { at: AT, sourceSeconds: '0' })).toThrow(InvalidRequestError);
  });

  it('strict validation wants prompt, video_url and aspect_ratio; a quote says they are missing', () => {
    expect(() => quote(REFRAME, {}, { at: AT, strict: true, sourceSeconds: '5' })).toThrow('prompt: required; video_url: required; aspect_ratio: required');
    expect(quote(REFRAME, {}, { at: AT, sourceSeconds: '5' }).warnings).toContainEqual({
      code: 'incomplete_request',
      message: 'incomplete request: prompt, video_url, aspect_ratio are required by the provider but not needed for the price',
    });
    expect(() => quote(REFRAME, { ...complete, aspect_ratio: '2:1' }, { at: AT, sourceSeconds: '5' })).toThrow('aspect_ratio');
    expect(() => quote(REFRAME, { resolution: '4k' }, { at: AT, sourceSeconds: '5' })).toThrow('resolution');
  });

  it('has no HDR: hdr is an unknown field, warned about, and the price is SDR', () => {
    const result = quote(REFRAME, { ...complete, hdr: true, resolution: '720p' }, { at: AT, sourceSeconds: '5' });
    expect(result.total).toBe('0.60');
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'unknown_field', path: ['hdr'] }));
  });
});
