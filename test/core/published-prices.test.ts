import { describe, expect, it } from 'vitest';
import { InvalidRequestError, NoPriceInEffectError, NotOfferedError, quote } from '../../src/index.js';

// Every price on the seed pages, typed in again from the pages (not read from our tables), and
// quoted through the public API. A changed table cell fails here.
const AT = '2026-11-24T12:00:00Z';

const falVideoToVideo = 'luma/agent/ray/v3.2/video-to-video';
const oxenVideoToVideo = 'luma-ray-v3-2-video-to-video';

// [resolution, duration, hdr, exr, price] — seed 000 (fal) and its mirror on Oxen (seed 001).
const videoToVideoCard: Array<[string, string, boolean, boolean, string]> = [
  ['540p', '5s', false, false, '0.72'],
  ['720p', '5s', false, false, '1.08'],
  ['1080p', '5s', false, false, '2.16'],
  ['540p', '10s', false, false, '1.44'],
  ['720p', '10s', false, false, '2.16'],
  ['1080p', '10s', false, false, '4.32'],
  ['720p', '5s', true, false, '2.16'],
  ['1080p', '5s', true, false, '4.32'],
  ['720p', '10s', true, false, '4.32'],
  ['1080p', '10s', true, false, '8.64'],
  ['720p', '5s', true, true, '3.24'],
  ['1080p', '5s', true, true, '6.48'],
  ['720p', '10s', true, true, '6.48'],
  ['1080p', '10s', true, true, '12.96'],
];

describe('fal luma/agent/ray/v3.2/video-to-video (seed 000)', () => {
  it.each(videoToVideoCard)('%s %s hdr=%s exr=%s costs $%s', (resolution, duration, hdr, exr, price) => {
    const result = quote(falVideoToVideo, { resolution, duration, hdr, exr_export: exr }, { at: AT });
    expect(result.total).toBe(price);
    expect(result.lines).toEqual([expect.objectContaining({ quantity: '1', unit: 'clip', unitPrice: price, amount: price })]);
    expect(result.provider).toBe('fal');
    expect(result.upperBound).toBe(false);
  });

  it('defaults to 540p, 5s, SDR: $0.72', () => {
    expect(quote(falVideoToVideo, { prompt: 'p', video_url: 'https://x/v.mp4' }, { at: AT }).total).toBe('0.72');
  });

  it.each(['5s', '10s'])('540p HDR at %s is not offered (and so an invalid request), never $0', (duration) => {
    const attempt = () => quote(falVideoToVideo, { resolution: '540p', duration, hdr: true }, { at: AT });
    expect(attempt).toThrow(NotOfferedError);
    expect(attempt).toThrow(InvalidRequestError);
    expect(attempt).toThrow('fal does not offer luma/agent/ray/v3.2/video-to-video with tier HDR, resolution 540p: hdr requires resolution 720p or 1080p (got 540p)');
    // 540p is the default resolution: HDR without one is the same unsold combination.
    expect(() => quote(falVideoToVideo, { hdr: true, exr_export: true }, { at: AT })).toThrow('with tier HDR+EXR, resolution 540p');
  });
});

describe('Oxen luma-ray-v3-2-video-to-video (seed 001): fal rates mirrored, unverified', () => {
  it.each(videoToVideoCard)('%s %s hdr=%s exr=%s quotes $%s with a warning', (resolution, duration, hdr, exr, price) => {
    const result = quote(oxenVideoToVideo, { resolution, duration, hdr, exr_export: exr }, { at: AT });
    expect(result.total).toBe(price);
    expect(result.provider).toBe('oxen');
    expect(result.warnings.map((warning) => warning.code)).toContain('unverified_price');
  });
});

// [endpoint, resolution, duration, price] — seeds 002 (image-to-video) and 004 (text-to-video:
// multipliers on the $0.50 base the issue prescribes).
const clipCards: Array<[string, string, string, string]> = [];
for (const endpoint of ['luma/agent/ray/v3.2/image-to-video', 'luma/agent/ray/v3.2/text-to-video']) {
  clipCards.push(
    [endpoint, '540p', '5s', '0.50'],
    [endpoint, '720p', '5s', '1.00'],
    [endpoint, '1080p', '5s', '2.00'],
    [endpoint, '540p', '10s', '1.00'],
    [endpoint, '720p', '10s', '2.00'],
    [endpoint, '1080p', '10s', '4.00'],
  );
}

describe('fal image-to-video (seed 002) and text-to-video (seed 004)', () => {
  it.each(clipCards)('%s %s %s costs $%s', (endpoint, resolution, duration, price) => {
    const result = quote(endpoint, { resolution, duration }, { at: AT });
    expect(result.total).toBe(price);
    expect(result.warnings.map((warning) => warning.code)).not.toContain('unverified_price');
  });
});

// [resolution, tier flags, price per 5 s block] — seed 003, GMI Cloud edit.
const editCard: Array<[string, boolean, boolean, string]> = [
  ['540p', false, false, '0.72'],
  ['720p', false, false, '1.08'],
  ['1080p', false, false, '2.16'],
  ['720p', true, false, '2.16'],
  ['1080p', true, false, '4.32'],
  ['720p', true, true, '3.78'],
  ['1080p', true, true, '7.56'],
];

describe('GMI Cloud luma-ray-3-2-edit (seed 003): per 5 s block of the source, rounded up', () => {
  it.each(editCard)('%s hdr=%s exr=%s: one block $%s, 22.5 s = 5 blocks', (resolution, hdr, exr, price) => {
    const input = { resolution, hdr, exr_export: exr, source_generation_id: 'gen-1' };
    const one = quote('luma-ray-3-2-edit', input, { at: AT, sourceSeconds: '5' });
    expect(one.total).toBe(price);
    const five = quote('luma-ray-3-2-edit', input, { at: AT, sourceSeconds: '22.5' });
    expect(five.lines[0]).toMatchObject({ quantity: '5', unit: 'block', unitPrice: price });
    expect(five.provider).toBe('gmi');
  });

  it('defaults to 720p SDR ($1.08 a block)', () => {
    expect(quote('luma-ray-3-2-edit', { source_generation_id: 'g' }, { at: AT, sourceSeconds: '4' }).total).toBe('1.08');
  });

  it('540p HDR is not offered', () => {
    expect(() => quote('luma-ray-3-2-edit', { resolution: '540p', hdr: true }, { at: AT, sourceSeconds: '5' })).toThrow(NotOfferedError);
  });
});

describe('a combination missing from a table is not offered, never $0', () => {
  it('throws NotOfferedError when a table leaves a cell out', async () => {
    const { PriceBook, readPricingTable } = await import('../../src/index.js');
    const text = JSON.stringify({
      provider: 'acme', version: 'v1', effectiveFrom: '2026-01-01', currency: 'USD', checked: '2026-01-01',
      endpoints: {
        'acme/v2v': {
          request: 'fal/luma-ray-3.2/video-to-video', source: 'https://example.com', notes: 'SDR only', verified: true,
          billing: { kind: 'per_clip', rates: { sdr: { '720p': { '5s': '1.00' } } } },
        },
      },
    });
    const book = new PriceBook([readPricingTable(text, 'acme.json')]);
    expect(quote('acme/v2v', { resolution: '720p' }, { at: AT, book }).total).toBe('1.00');
    expect(() => quote('acme/v2v', { resolution: '1080p' }, { at: AT, book })).toThrow(NotOfferedError);
    expect(() => quote('acme/v2v', { resolution: '720p', hdr: true }, { at: AT, book })).toThrow(
      'acme does not offer acme/v2v with tier HDR, resolution 720p, duration 5s',
    );
  });
});

// [resolution, price per second, the page's 5 s and 10 s examples] — shared/sources/fal-reframe.md.
const reframeCard: Array<[string, string, string, string]> = [
  ['540p', '0.06', '0.30', '0.60'],
  ['720p', '0.12', '0.60', '1.20'],
  ['1080p', '0.36', '1.80', '3.60'],
];

describe('fal luma/agent/ray/v3.2/reframe: per started second of the source (fal 2026-12-02)', () => {
  const REFRAME = 'luma/agent/ray/v3.2/reframe';
  const ON = '2026-12-02T12:00:00Z';

  it.each(reframeCard)('%s: $%s a second; a 5 s source $%s, a 10 s source $%s', (resolution, perSecond, five, ten) => {
    const one = quote(REFRAME, { resolution }, { at: ON, sourceSeconds: '1' });
    expect(one.lines).toEqual([expect.objectContaining({ quantity: '1', unit: 'second', unitPrice: perSecond, amount: perSecond })]);
    expect(quote(REFRAME, { resolution }, { at: ON, sourceSeconds: '5' }).total).toBe(five);
    expect(quote(REFRAME, { resolution }, { at: ON, sourceSeconds: '10' }).total).toBe(ten);
    expect(one.provider).toBe('fal');
    expect(one.pricing.version).toBe('2026-12-02');
    expect(one.warnings.map((warning) => warning.code)).not.toContain('unverified_price');
  });

  it('defaults to 540p', () => {
    expect(quote(REFRAME, { prompt: 'p', video_url: 'https://x/v.mp4', aspect_ratio: '9:16' }, { at: ON, sourceSeconds: '5', strict: true }).total).toBe('0.30');
  });

  it('has no price before the table that adds it; the other fal cards are unchanged in it', () => {
    expect(() => quote(REFRAME, { resolution: '720p' }, { at: AT, sourceSeconds: '5' })).toThrow(NoPriceInEffectError);
    for (const [resolution, duration, hdr, exr, price] of videoToVideoCard) {
      expect(quote(falVideoToVideo, { resolution, duration, hdr, exr_export: exr }, { at: ON }).total).toBe(price);
    }
  });
});
