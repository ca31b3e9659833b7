import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MOVIE_HEADERS, MAX_TRACKS } from '../../src/media/mp4-durations.js';
import { Decimal, quote as quoteWithoutProbe } from '../../src/index.js';
import { probeInlineMp4, readMp4Seconds } from '../../src/mp4.js';
import { trackMovieUnits, withMediaHeader, withMovieHeadersAndTracks, type Header } from './support/forge-mp4.js';

// The MP4 probe is opt-in (fal-budget/mp4): these tests measure inline sources, so every quote gets it.
const quote: typeof quoteWithoutProbe = (endpoint, input, options) => quoteWithoutProbe(endpoint, input, { probeSource: probeInlineMp4, ...options });

const SOURCE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'source-7.2s.mp4'));
const EDIT = 'luma-ray-3-2-edit';

/** The review's forgery: movie headers of timescale 1000 + i, each saying 7.2 s as near as it can. */
const distinctHeaders = (count: number): Header[] => Array.from({ length: count }, (_, index) => ({ timescale: 1000 + index, units: Math.round(7.2 * (1000 + index)) }));

function read(bytes: Buffer) {
  const result = readMp4Seconds(bytes);
  if ('error' in result) throw new Error(result.error);
  return result;
}

describe('many movie headers and many tracks: one pass, a bounded list', () => {
  it("the review's file (7000 movie headers x 300 tracks, 0.98 MB) is unreadable at once, not 4 million lengths", () => {
    const forged = withMovieHeadersAndTracks(SOURCE, distinctHeaders(7000), 300);
    expect(forged.length).toBeLessThan(1_000_000);
    expect(readMp4Seconds(forged)).toEqual({ error: `not a readable MP4: 7000 movie headers (mvhd), more than ${MAX_MOVIE_HEADERS}` });
  });

  it('so an inline source_data of it is quoted at the 30 s maximum, with the upper-bound warning', () => {
    const forged = withMovieHeadersAndTracks(SOURCE, distinctHeaders(7000), 300);
    const quoted = quote(EDIT, { prompt: 'p', source_data: forged.toString('base64'), source_media_type: 'video/mp4' });
    expect(quoted).toMatchObject({ upperBound: true, params: { blocks: 6, sourceSeconds: '30', sourceSecondsFrom: 'maximum' } });
    expect(quoted.warnings).toContainEqual({
      code: 'upper_bound',
      path: ['source_data'],
      message: `could not read the length of source_data (not a readable MP4: 7000 movie headers (mvhd), more than ${MAX_MOVIE_HEADERS}); quoted at the 30 s maximum`,
    });
  });

  it(`more than ${MAX_TRACKS} tracks is unreadable`, () => {
    expect(readMp4Seconds(withMovieHeadersAndTracks(SOURCE, distinctHeaders(1), MAX_TRACKS + 1))).toEqual({ error: `not a readable MP4: ${MAX_TRACKS + 1} tracks, more than ${MAX_TRACKS}` });
  });

  it(`at the caps (${MAX_MOVIE_HEADERS} movie headers, ${MAX_TRACKS} tracks): each box listed once, at its longest`, () => {
    const headers = distinctHeaders(MAX_MOVIE_HEADERS);
    const result = read(withMovieHeadersAndTracks(SOURCE, headers, MAX_TRACKS));
    // mvhd once, and per track tkhd, elst, mdhd, stts: not once per movie timescale.
    expect(result.durations).toHaveLength(1 + 4 * MAX_TRACKS);
    expect(new Set(result.durations.map((duration) => duration.box)).size).toBe(result.durations.length);
    const longestHeader = Decimal.max(...headers.map(({ timescale, units }) => new Decimal(units).div(timescale)));
    expect(result.durations[0]).toEqual({ box: 'mvhd', seconds: longestHeader });
    expect(result.seconds.eq(longestHeader)).toBe(true);
  });

  it('a forged file is still quoted at its longest declared length: a short movie header over many tracks', () => {
    const forged = withMovieHeadersAndTracks(SOURCE, [{ timescale: 1000, units: 4000 }], 3);
    const result = read(forged);
    expect(result.seconds.toFixed()).toBe('7.2');
    expect(result.durations.map((duration) => `${duration.box} ${duration.seconds.toFixed()}`)).toEqual([
      'mvhd 4', ...[1, 2, 3].flatMap((track) => ['tkhd', 'elst', 'mdhd', 'stts'].map((box) => `track ${track} ${box} 7.2`)),
    ]);
  });
});

describe('a count read in several timescales', () => {
  it('a second media header of half the timescale: the sample table read in it is twice as long, and billed', () => {
    const result = read(withMediaHeader(SOURCE, { timescale: 5120, units: 0 }));
    expect(result.durations.map((duration) => `${duration.box} ${duration.seconds.toFixed()}`)).toEqual(['mvhd 7.2', 'track 1 tkhd 7.2', 'track 1 elst 7.2', 'track 1 mdhd 7.2', 'track 1 stts 14.4']);
    expect(result.seconds.toFixed()).toBe('14.4');
  });
});

describe('properties', () => {
  it('the length read is the longest of every count over every timescale it may be read in', () => {
    const { tkhd, elst } = trackMovieUnits(SOURCE);
    const header = fc.record({ timescale: fc.integer({ min: 1, max: 100_000 }), units: fc.integer({ min: 0, max: 1_000_000 }) });
    fc.assert(
      fc.property(fc.array(header, { minLength: 1, maxLength: MAX_MOVIE_HEADERS }), fc.integer({ min: 1, max: 4 }), (headers, tracks) => {
        const result = read(withMovieHeadersAndTracks(SOURCE, headers, tracks));
        // Every pairing, as a reader that lists them all would: each header's own length, and the
        // track's tkhd and elst counts in each movie timescale; the media's own 7.2 s.
        const readings = [new Decimal('7.2')];
        for (const { timescale, units } of headers) {
          readings.push(new Decimal(units).div(timescale));
          for (const count of [tkhd, elst]) readings.push(new Decimal(count).div(timescale));
        }
        expect(result.seconds.toFixed()).toBe(Decimal.max(...readings).toFixed());
        const boxes = result.durations.map((duration) => duration.box);
        expect(new Set(boxes).size).toBe(boxes.length);
        expect(boxes.length).toBeLessThanOrEqual(1 + 4 * tracks);
      }),
      { numRuns: 80 },
    );
  });
});
