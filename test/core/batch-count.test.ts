import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchTotals, Decimal, MAX_BATCH_COUNT, quote, quoteBatch } from '../../src/index.js';

const AT = '2026-11-24T12:00:00Z';
const V2V = 'luma/agent/ray/v3.2/video-to-video';
const HDR_1080_10S = { resolution: '1080p', hdr: true, duration: '10s' };

describe('a batch line\'s count: n identical jobs', () => {
  it('multiplies the line exactly, and subtotals count jobs, not lines', () => {
    const result = quoteBatch([
      { id: 'a', endpoint: V2V, input: HDR_1080_10S, count: 3 },
      { id: 'b', endpoint: V2V, input: { resolution: '720p' } },
      { id: 'c', endpoint: 'luma-ray-3-2-edit', input: { resolution: '1080p' }, sourceSeconds: '22.5', count: 7 },
    ], { at: AT });
    expect(result.items.map((item) => [item.id, item.count, item.quote.total, item.total])).toEqual([
      ['a', 3, '8.64', '25.92'],
      ['b', 1, '1.08', '1.08'],
      ['c', 7, '10.80', '75.60'],
    ]);
    expect(result.subtotals).toEqual([
      { provider: 'fal', endpoint: V2V, count: 4, total: '27.00' },
      { provider: 'gmi', endpoint: 'luma-ray-3-2-edit', count: 7, total: '75.60' },
    ]);
    expect(result.total).toBe('102.60');
    expect(result.errors).toEqual([]);
  });

  it('the largest count is exact where floats are not: 1,000,000 x 1.08', () => {
    const [item] = quoteBatch([{ endpoint: V2V, input: { resolution: '720p' }, count: MAX_BATCH_COUNT }], { at: AT }).items;
    expect(MAX_BATCH_COUNT).toBe(1_000_000);
    expect(item!.total).toBe('1080000.00');
  });

  it('0, negatives, fractions, strings, null and huge numbers are an invalid_request naming count, on their own line', () => {
    const bad: unknown[] = [0, -2, 2.5, '3', null, true, MAX_BATCH_COUNT + 1, 1e300, Number.MAX_SAFE_INTEGER + 2];
    const result = quoteBatch([
      { id: 'ok', endpoint: V2V, input: {} },
      ...bad.map((count, index) => ({ id: `bad-${index}`, endpoint: V2V, input: {}, count })),
    ], { at: AT });
    expect(result.items.map((item) => item.id)).toEqual(['ok']);
    expect(result.total).toBe('0.72');
    expect(result.errors.map((error) => [error.index, error.id, error.code, error.issues?.map((issue) => `${issue.path.join('.')} ${issue.code}`)])).toEqual(
      bad.map((_, index) => [index + 1, `bad-${index}`, 'invalid_request', [`count ${index <= 1 ? 'too_small' : index >= 6 ? 'too_big' : 'invalid_type'}`]]),
    );
    expect(result.errors[0]!.message).toBe(`invalid request for ${V2V}: count: must be a whole number of jobs from 1 to 1,000,000 (got 0)`);
    expect(result.errors[3]!.message).toBe(`invalid request for ${V2V}: count: must be a whole number of jobs from 1 to 1,000,000 (got "3")`);
  });

  it('BatchTotals.add(quote, n) is n times add(quote)', () => {
    const one = quote(V2V, HDR_1080_10S, { at: AT });
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), (n) => {
      const once = new BatchTotals();
      once.add(one, n);
      const repeated = new BatchTotals();
      for (let index = 0; index < n; index += 1) repeated.add(one);
      expect(once.summary()).toEqual(repeated.summary());
      expect(once.totalAmount.eq(new Decimal(one.total).times(n))).toBe(true);
    }), { numRuns: 50 });
  });
});
