import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/index.js';
import { readMp4Seconds } from '../../src/mp4.js';
import {
  box, boxesAt, forgeLengths, fragment, insertBox, u32, setWord, withFragmentTrack, withMehd, withoutSampleDurations, withSecondMediaHeader, withTfhdDefault, withTrexDefault,
  type Lengths,
} from './support/forge-mp4.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', name));

/** What readMp4Seconds found, as text: the billed length and every box's. */
function read(bytes: Buffer) {
  const result = readMp4Seconds(bytes);
  if ('error' in result) return result;
  return { seconds: result.seconds.toFixed(), durations: result.durations.map((duration) => `${duration.box} ${duration.seconds.toFixed()}`) };
}

describe('every length a real MP4 declares', () => {
  it.each([['source-7.2s.mp4', '7.2'], ['source-10s.mp4', '10'], ['source-31s.mp4', '31']])('%s: all five boxes say %s s', (name, seconds) => {
    expect(read(fixture(name))).toEqual({
      seconds,
      durations: ['mvhd', 'track 1 tkhd', 'track 1 elst', 'track 1 mdhd', 'track 1 stts'].map((box) => `${box} ${seconds}`),
    });
  });

  it('lengths are exact Decimals: integer units over integer timescales', () => {
    const result = readMp4Seconds(fixture('source-7.2s.mp4'));
    if ('error' in result) throw new Error(result.error);
    expect(Decimal.isDecimal(result.seconds) && result.seconds.eq('7.2')).toBe(true);
    // 73728 / 10240 and 7200 / 1000: one exact value, not two floats that happen to print alike.
    expect(result.durations.every((duration) => duration.seconds.eq(result.seconds))).toBe(true);
  });
});

describe('a forged box cannot shorten the length: the longest is read', () => {
  it('a movie header (mvhd) of 4 s on a 31 s file reads 31 s', () => {
    expect(read(forgeLengths(fixture('source-31s.mp4'), { mvhd: '4' }))).toEqual({
      seconds: '31',
      durations: ['mvhd 4', 'track 1 tkhd 31', 'track 1 elst 31', 'track 1 mdhd 31', 'track 1 stts 31'],
    });
  });

  const FOUR: Lengths = { mvhd: '4', tkhd: '4', elst: '4', mdhd: '4', stts: '4' };
  it.each(['tkhd', 'elst', 'mdhd', 'stts'] as const)('every other box forged to 4 s: the %s alone still says 31 s, and is read', (truthful) => {
    const forged = forgeLengths(fixture('source-31s.mp4'), { ...FOUR, [truthful]: undefined });
    const result = read(forged);
    expect(result).toMatchObject({ seconds: '31' });
    expect((result as { durations: string[] }).durations).toContain(`track 1 ${truthful} 31`);
  });

  it('a second media header in the same track is read too (mp4box names only the first); each box is listed at its longest', () => {
    expect(read(withSecondMediaHeader(forgeLengths(fixture('source-31s.mp4'), FOUR), '31'))).toEqual({
      seconds: '31',
      durations: ['mvhd 4', 'track 1 tkhd 4', 'track 1 elst 4', 'track 1 mdhd 31', 'track 1 stts 4'],
    });
  });

  it('headers of 7 s over media of 9 s read 9 s', () => {
    expect(read(forgeLengths(fixture('source-7.2s.mp4'), { mvhd: '7', tkhd: '7', elst: '7', mdhd: '9', stts: '9' }))).toEqual({
      seconds: '9',
      durations: ['mvhd 7', 'track 1 tkhd 7', 'track 1 elst 7', 'track 1 mdhd 9', 'track 1 stts 9'],
    });
  });

  it('a header duration of all ones means "unknown" (ISO/IEC 14496-12): left out, not read as 49 days', () => {
    const unknown = setWord(fixture('source-10s.mp4'), ['moov', 'trak', 'tkhd'], 28, 0xffffffff);
    expect(read(unknown)).toEqual({ seconds: '10', durations: ['mvhd 10', 'track 1 elst 10', 'track 1 mdhd 10', 'track 1 stts 10'] });
  });

  it('a timescale of 0 cannot be divided by: unreadable, never guessed', () => {
    expect(read(setWord(fixture('source-10s.mp4'), ['moov', 'trak', 'mdia', 'mdhd'], 20, 0))).toEqual({ error: 'not a readable MP4: mdhd has a timescale of 0' });
    expect(read(setWord(fixture('source-10s.mp4'), ['moov', 'mvhd'], 20, 0))).toEqual({ error: 'not a readable MP4: mvhd has a timescale of 0' });
  });

  it('a file whose every box says 0 s states no length', () => {
    expect(read(forgeLengths(fixture('source-10s.mp4'), { mvhd: '0', tkhd: '0', elst: '0', mdhd: '0', stts: '0' }))).toEqual({ error: 'the MP4 does not state a duration' });
  });
});

describe('fragmented MP4s: the fragments are counted', () => {
  const fragmented = fragment(fixture('source-10s.mp4'));

  it('mp4box fragments the 10 s file with headers of 0; its runs add up to 10 s', () => {
    expect(read(fragmented)).toEqual({ seconds: '10', durations: ['track 1 elst 10', 'track 1 fragments 10'] });
  });

  it('a movie-extends header (mehd) of 4 s does not shorten 10 s of fragments', () => {
    expect(read(withMehd(fragmented, '4'))).toEqual({ seconds: '10', durations: ['mehd 4', 'track 1 elst 10', 'track 1 fragments 10'] });
  });

  it('runs without their own durations take the trex default, or the tfhd default over it', () => {
    const bare = withoutSampleDurations(withMehd(fragmented, '10'));
    expect(read(bare)).toMatchObject({ seconds: '10' });
    // 50 samples x 8192 / 10240 = 40 s; x 6145 / 10240 = 30.0048828125 s.
    expect(read(withTrexDefault(bare, 8192))).toEqual({ seconds: '40', durations: ['mehd 10', 'track 1 elst 10', 'track 1 fragments 40'] });
    expect(read(withTfhdDefault(withTrexDefault(bare, 8192), 6145))).toMatchObject({ seconds: '30.0048828125' });
  });

  it('a second, shorter trex for the track does not override the first: the longer default applies', () => {
    const bare = withTrexDefault(withoutSampleDurations(fragmented), 8192);
    const second = insertBox(bare, ['moov', 'mvex'], box('trex', u32(0, 1, 1, 2048, 0, 0x10000)));
    expect(read(second)).toMatchObject({ seconds: '40' });
  });

  it('a track fragment with two headers (tfhd) is unreadable, not read by its first', () => {
    const [tfhd] = boxesAt(fragmented, ['moof', 'traf', 'tfhd']);
    const twice = insertBox(fragmented, ['moof', 'traf'], Buffer.from(fragmented.subarray(tfhd!.start, tfhd!.start + tfhd!.size)));
    expect(read(twice)).toEqual({ error: 'not a readable MP4: a track fragment has 2 headers (tfhd), not one' });
  });

  it('a fragment of a track the movie does not declare is unreadable, never skipped', () => {
    expect(read(withFragmentTrack(fragmented, 9))).toMatchObject({ error: expect.stringMatching(/^not a readable MP4: /) });
  });
});

describe('properties', () => {
  it('the length read is the longest any box declares, whatever each box says', () => {
    // Multiples of 0.2 s: what the fixture's timescales (1000 and 10240 / 2048 per sample) can state.
    const length = fc.integer({ min: 1, max: 200 }).map((fifths) => new Decimal(fifths).div(5).toFixed());
    fc.assert(
      fc.property(fc.record({ mvhd: length, tkhd: length, elst: length, mdhd: length, stts: length }), (lengths) => {
        const result = readMp4Seconds(forgeLengths(fixture('source-7.2s.mp4'), lengths));
        if ('error' in result) throw new Error(result.error);
        expect(result.seconds.toFixed()).toBe(Decimal.max(...Object.values(lengths)).toFixed());
      }),
      { numRuns: 60 },
    );
  });
});
