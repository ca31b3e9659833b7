import { describe, expect, it } from 'vitest';
import { BatchTotals, quote, quoteBatch } from '../../src/index.js';

const AT = '2026-11-24T12:00:00Z';

describe('quoteBatch', () => {
  it('totals exactly and lists failures beside the quotes, with their ids', () => {
    const result = quoteBatch(
      [
        { id: 'a', endpoint: 'luma/agent/ray/v3.2/video-to-video', input: { resolution: '1080p', duration: '10s', hdr: true, exr_export: true } },
        { id: 'b', endpoint: 'luma/agent/ray/v3.2/video-to-video', input: { resolution: '540p', hdr: true } },
        { id: 7, endpoint: 'luma-ray-3-2-edit', input: {}, sourceSeconds: '7.5' },
        { endpoint: 'no/such/endpoint', input: {} },
        { endpoint: 'luma/agent/ray/v3.2/image-to-video', input: [] },
        'not an object',
        { endpoint: 'luma/agent/ray/v3.2/text-to-video', input: {}, extra: 1 },
        { id: 'c', endpoint: 'luma/agent/ray/v3.2/text-to-video', input: { resolution: '720p' } },
      ],
      { at: AT },
    );
    expect(result.total).toBe('16.12');
    expect(result.items.map((item) => [item.index, item.id, item.quote.total])).toEqual([[0, 'a', '12.96'], [2, 7, '2.16'], [7, 'c', '1.00']]);
    expect(result.errors.map((error) => [error.index, error.id, error.code])).toEqual([
      [1, 'b', 'not_offered'],
      [3, undefined, 'unknown_endpoint'],
      [4, undefined, 'invalid_request'],
      [5, undefined, 'invalid_request'],
      [6, undefined, 'invalid_request'],
    ]);
    expect(result.errors[0]!.issues).toEqual([{ path: ['hdr'], code: 'hdr_resolution', message: 'hdr requires resolution 720p or 1080p (got 540p)' }]);
    expect(result.subtotals).toEqual([
      { provider: 'fal', endpoint: 'luma/agent/ray/v3.2/text-to-video', count: 1, total: '1.00' },
      { provider: 'fal', endpoint: 'luma/agent/ray/v3.2/video-to-video', count: 1, total: '12.96' },
      { provider: 'gmi', endpoint: 'luma-ray-3-2-edit', count: 1, total: '2.16' },
    ]);
    expect(result.upperBound).toBe(false);
  });

  it('is an upper bound when any item is', () => {
    expect(quoteBatch([{ endpoint: 'luma-ray-3-2-edit', input: { source_generation_id: 'g' } }], { at: AT }).upperBound).toBe(true);
  });

  it('an empty batch totals 0.00', () => {
    expect(quoteBatch([], { at: AT })).toMatchObject({ total: '0.00', items: [], errors: [], subtotals: [] });
  });

  it('300 renders sum without float drift', () => {
    const requests = Array.from({ length: 300 }, () => ({ endpoint: 'luma/agent/ray/v3.2/video-to-video', input: { resolution: '720p' } }));
    // 300 x 1.08 in floats is 324.00000000000006.
    expect(quoteBatch(requests, { at: AT }).total).toBe('324.00');
  });
});

describe('BatchTotals streams without keeping quotes', () => {
  it('adds exactly', () => {
    const totals = new BatchTotals();
    const one = quote('luma/agent/ray/v3.2/video-to-video', { resolution: '720p' }, { at: AT });
    for (let index = 0; index < 1000; index += 1) totals.add(one);
    expect(totals.summary()).toEqual({ total: '1080.00', upperBound: false, subtotals: [{ provider: 'fal', endpoint: 'luma/agent/ray/v3.2/video-to-video', count: 1000, total: '1080.00' }] });
  });
});

describe('a batch line whose sourceSeconds is not a length', () => {
  it('is reported on its line as an issue at sourceSeconds, with the option error code', () => {
    const result = quoteBatch([{ id: 'e', endpoint: 'luma-ray-3-2-edit', input: {}, sourceSeconds: 'ten' }], { at: AT });
    expect(result.items).toEqual([]);
    expect(result.errors).toEqual([expect.objectContaining({
      index: 0, id: 'e', code: 'invalid_option',
      issues: [{ path: ['sourceSeconds'], code: 'invalid_option', message: 'must be a non-negative decimal string like "22.5" (got "ten")' }],
    })]);
  });
});

describe('options from callers are checked, never a TypeError', () => {
  it('names the option that is wrong', async () => {
    const { InvalidOptionError, quote } = await import('../../src/index.js');
    const input = { resolution: '720p' };
    const endpoint = 'luma/agent/ray/v3.2/video-to-video';
    expect(quote(endpoint, input, null as never).total).toBe('1.08');
    expect(() => quote(endpoint, input, { now: 5 as never })).toThrow('now: must be a function');
    expect(() => quote(endpoint, input, { book: {} as never })).toThrow('book: must be a PriceBook');
    expect(() => quote(endpoint, input, { book: {} as never })).toThrow(expect.objectContaining({ code: 'invalid_option', option: 'book' }));
    expect(() => quote(endpoint, input, 'x' as never)).toThrow(InvalidOptionError);
    expect(() => quoteBatch(null as never)).toThrow('requests: must be an iterable');
    expect(quoteBatch([], null as never).total).toBe('0.00');
  });
});
