import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quoteRequest, type SourceProbe } from '../../src/core/quote.js';
import { bundledPriceBook, Decimal, InvalidOptionError, InvalidRequestError, quote as quoteWithoutProbe } from '../../src/index.js';
import { probeInlineMp4, readMp4Seconds } from '../../src/mp4.js';
import { forgeLengths, fragment, setWord, withFragmentTrack, withMehd } from '../media/support/forge-mp4.js';

// The MP4 probe is opt-in (fal-budget/mp4): these tests measure inline sources, so every quote gets it.
const quote: typeof quoteWithoutProbe = (endpoint, input, options) => quoteWithoutProbe(endpoint, input, { probeSource: probeInlineMp4, ...options });

const AT = '2026-11-24T12:00:00Z';
const EDIT = 'luma-ray-3-2-edit';
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', name));
const inline = (name: string) => inlineBytes(fixture(name));
const inlineBytes = (bytes: Buffer) => ({ source_data: bytes.toString('base64'), source_media_type: 'video/mp4' });

describe('the edit is billed per started 5 s block of the source', () => {
  it.each([
    ['0.001', 1], ['5', 1], ['5.000000001', 2], ['10', 2], ['22.5', 5], ['25', 5],
    ['25.0000000000000001', 6], ['29.999999999999999999999', 6], ['30', 6],
  ])('%s s is %i blocks', (seconds, blocks) => {
    const result = quote(EDIT, { source_generation_id: 'g' }, { at: AT, sourceSeconds: seconds });
    expect(result.params).toMatchObject({ billing: 'per_block', blocks, sourceSeconds: seconds, sourceSecondsFrom: 'given' });
    expect(result.total).toBe(new Decimal('1.08').times(blocks).toFixed(2));
  });

  it('takes a Decimal as well as a string', () => {
    expect(quote(EDIT, {}, { at: AT, sourceSeconds: new Decimal('12.5') }).lines[0]!.quantity).toBe('3');
  });

  it.each([
    ['30.000000000000000001', 'source_too_long'],
    ['0', 'empty_source'],
  ])('%j is refused (%s), naming sourceSeconds', (seconds, code) => {
    try {
      quote(EDIT, {}, { at: AT, sourceSeconds: seconds });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).issues).toEqual([expect.objectContaining({ path: ['sourceSeconds'], code })]);
    }
  });

  it.each(['-1', '1e1', 'ten', ''])('%j is not a length: the option error, as createBudgetGuard() throws for its options', (seconds) => {
    try {
      quote(EDIT, {}, { at: AT, sourceSeconds: seconds });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toMatchObject({ code: 'invalid_option', option: 'sourceSeconds' });
    }
  });

  it('a JS number is refused: lengths are exact decimals', () => {
    expect(() => quote(EDIT, {}, { at: AT, sourceSeconds: 25 as unknown as string })).toThrow(/sourceSeconds: must be a non-negative decimal string/);
  });
});

describe('the source length from an inline MP4 (mp4box)', () => {
  it('reads exact lengths from real files', () => {
    for (const [name, seconds] of [['source-7.2s.mp4', '7.2'], ['source-10s.mp4', '10'], ['source-31s.mp4', '31']] as const) {
      const result = readMp4Seconds(fixture(name));
      expect('seconds' in result && result.seconds.toFixed()).toBe(seconds);
    }
  });

  it('a real file whose boxes agree is quoted without a disagreement warning', () => {
    const result = quote(EDIT, inline('source-7.2s.mp4'), { at: AT });
    expect(result.warnings.map((warning) => warning.code)).not.toContain('source_durations_disagree');
  });

  it('quotes source_data by its length', () => {
    const result = quote(EDIT, { ...inline('source-7.2s.mp4'), resolution: '1080p' }, { at: AT });
    expect(result.params).toMatchObject({ blocks: 2, sourceSeconds: '7.2', sourceSecondsFrom: 'mp4' });
    expect(result.total).toBe('4.32');
    expect(result.upperBound).toBe(false);
    expect(quote(EDIT, inline('source-10s.mp4'), { at: AT }).lines[0]!.quantity).toBe('2');
  });

  it('refuses a source over 30 s, naming source_data', () => {
    expect(() => quote(EDIT, inline('source-31s.mp4'), { at: AT })).toThrow('invalid request for luma-ray-3-2-edit: source_data: the source is 31 s; luma-ray-3-2-edit accepts at most 30 s');
  });

  it('a given length never lowers what the file says: the longer is quoted, with a warning', () => {
    expect(() => quote(EDIT, inline('source-31s.mp4'), { at: AT, sourceSeconds: '12' })).toThrow('source_data: the source is 31 s');
    const shorter = quote(EDIT, inline('source-10s.mp4'), { at: AT, sourceSeconds: '4' });
    expect(shorter.params).toMatchObject({ blocks: 2, sourceSeconds: '10', sourceSecondsFrom: 'mp4' });
    expect(shorter.warnings.map((warning) => warning.code)).toContain('source_seconds_mismatch');
    const longer = quote(EDIT, inline('source-10s.mp4'), { at: AT, sourceSeconds: '12' });
    expect(longer.params).toMatchObject({ blocks: 3, sourceSeconds: '12', sourceSecondsFrom: 'given' });
    const same = quote(EDIT, inline('source-10s.mp4'), { at: AT, sourceSeconds: '10.0' });
    expect(same.params).toMatchObject({ blocks: 2, sourceSecondsFrom: 'mp4' });
    expect(same.warnings.map((warning) => warning.code)).not.toContain('source_seconds_mismatch');
  });

  it('unreadable bytes fall back to the 30 s upper bound with a warning', () => {
    const result = quote(EDIT, { source_data: Buffer.from('not a video at all').toString('base64'), source_media_type: 'video/mp4' }, { at: AT });
    expect(result.upperBound).toBe(true);
    expect(result.params).toMatchObject({ blocks: 6, sourceSecondsFrom: 'maximum' });
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'upper_bound', path: ['source_data'] }));
  });
});

describe('a forged MP4 is billed by the longest length it declares', () => {
  it('a movie header of 4 s on a 31 s source is refused, not billed one block', () => {
    const forged = inlineBytes(forgeLengths(fixture('source-31s.mp4'), { mvhd: '4' }));
    try {
      quote(EDIT, forged, { at: AT });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).issues).toEqual([
        { path: ['source_data'], code: 'source_too_long', message: 'the source is 31 s; luma-ray-3-2-edit accepts at most 30 s' },
      ]);
    }
  });

  it('headers of 4 s over tracks of 31 s: refused (strict, as the guard quotes)', () => {
    const forged = inlineBytes(forgeLengths(fixture('source-31s.mp4'), { mvhd: '4', tkhd: '4', elst: '4' }));
    expect(() => quote(EDIT, { model: EDIT, prompt: 'p', ...forged }, { at: AT, strict: true })).toThrow('source_data: the source is 31 s');
  });

  it('boxes saying 7 s and 9 s: quoted at 9 s (2 blocks), with a warning naming each box', () => {
    const forged = inlineBytes(forgeLengths(fixture('source-7.2s.mp4'), { mvhd: '7', tkhd: '7', elst: '7', mdhd: '9', stts: '9' }));
    const result = quote(EDIT, { ...forged, resolution: '1080p' }, { at: AT });
    expect(result.params).toMatchObject({ blocks: 2, sourceSeconds: '9', sourceSecondsFrom: 'mp4' });
    expect(result.total).toBe('4.32');
    expect(result.upperBound).toBe(false);
    expect(result.warnings.filter((warning) => warning.code === 'source_durations_disagree')).toMatchInlineSnapshot(`
      [
        {
          "code": "source_durations_disagree",
          "message": "the source's boxes disagree on its length (mvhd 7 s, track 1 tkhd 7 s, track 1 elst 7 s, track 1 mdhd 9 s, track 1 stts 9 s); quoted at the longest, 9 s (track 1 mdhd)",
          "path": [
            "source_data",
          ],
        },
      ]
    `);
  });

  it('the longest crosses a block edge: 4 s in the movie header, 7.2 s in the media is 2 blocks', () => {
    const forged = inlineBytes(forgeLengths(fixture('source-7.2s.mp4'), { mvhd: '4', tkhd: '4', elst: '4' }));
    expect(quote(EDIT, forged, { at: AT }).params).toMatchObject({ blocks: 2, sourceSeconds: '7.2' });
  });

  it('a fragmented source: a movie-extends header of 4 s does not shorten 10 s of fragments', () => {
    const result = quote(EDIT, inlineBytes(withMehd(fragment(fixture('source-10s.mp4')), '4')), { at: AT });
    expect(result.params).toMatchObject({ blocks: 2, sourceSeconds: '10', sourceSecondsFrom: 'mp4' });
    expect(result.warnings.map((warning) => warning.code)).toContain('source_durations_disagree');
  });

  it('a given sourceSeconds is compared with the longest, not with the movie header', () => {
    const forged = inlineBytes(forgeLengths(fixture('source-10s.mp4'), { mvhd: '4' }));
    const result = quote(EDIT, forged, { at: AT, sourceSeconds: '4' });
    expect(result.params).toMatchObject({ blocks: 2, sourceSeconds: '10', sourceSecondsFrom: 'mp4' });
    expect(result.warnings.map((warning) => warning.code)).toEqual(expect.arrayContaining(['source_durations_disagree', 'source_seconds_mismatch']));
  });

  it('lengths that cannot all be worked out are not guessed: the 30 s maximum, marked upperBound', () => {
    const undeclared = withFragmentTrack(fragment(fixture('source-10s.mp4')), 9);
    const zeroTimescale = setWord(fixture('source-10s.mp4'), ['moov', 'trak', 'mdia', 'mdhd'], 20, 0);
    for (const bytes of [undeclared, zeroTimescale]) {
      const result = quote(EDIT, inlineBytes(bytes), { at: AT });
      expect(result).toMatchObject({ upperBound: true, params: { blocks: 6, sourceSecondsFrom: 'maximum' } });
      expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'upper_bound', path: ['source_data'] }));
    }
  });

  it('the core bills the longest length a probe lists, even when the probe\'s own seconds is shorter', () => {
    const probeSource: SourceProbe = () => ({
      seconds: new Decimal('4'),
      durations: [{ box: 'mvhd', seconds: new Decimal('4') }, { box: 'track 1 mdhd', seconds: new Decimal('12.5') }],
    });
    const result = quoteRequest(bundledPriceBook(), EDIT, { source_data: 'AAAA', source_media_type: 'video/mp4' }, { at: AT, probeSource });
    expect(result.params).toMatchObject({ blocks: 3, sourceSeconds: '12.5', sourceSecondsFrom: 'mp4' });
  });

  it('property: billed at the longest box, refused over 30 s, warned exactly when the boxes disagree', () => {
    // Multiples of 0.2 s up to 40 s: what the fixture's timescales can state, on both sides of 30 s.
    const length = fc.integer({ min: 1, max: 200 }).map((fifths) => new Decimal(fifths).div(5).toFixed());
    fc.assert(
      fc.property(fc.record({ mvhd: length, tkhd: length, elst: length, mdhd: length, stts: length }), (lengths) => {
        const values = Object.values(lengths);
        const longest = Decimal.max(...values);
        const input = inlineBytes(forgeLengths(fixture('source-7.2s.mp4'), lengths));
        if (longest.gt(30)) {
          expect(() => quote(EDIT, input, { at: AT })).toThrow(`source_data: the source is ${longest.toFixed()} s`);
          return;
        }
        const result = quote(EDIT, input, { at: AT });
        expect(result.params).toMatchObject({ sourceSeconds: longest.toFixed(), blocks: longest.div(5).ceil().toNumber() });
        const warned = result.warnings.some((warning) => warning.code === 'source_durations_disagree');
        expect(warned).toBe(new Set(values.map((value) => new Decimal(value).toFixed())).size > 1);
      }),
      { numRuns: 60 },
    );
  });
});

describe('an unknown source length is quoted at its bound', () => {
  it('a source_generation_id alone is six blocks, marked upperBound', () => {
    const result = quote(EDIT, { model: EDIT, prompt: 'p', source_generation_id: 'gen-1', resolution: '1080p', hdr: true, exr_export: true }, { at: AT, strict: true });
    expect(result.total).toBe('45.36');
    expect(result.upperBound).toBe(true);
    expect(result.warnings).toEqual([
      { code: 'upper_bound', message: 'source length unknown (source_generation_id does not say how long the source is); quoted at the 30 s maximum' },
    ]);
  });

  it('per-clip endpoints ignore a source length, and say so', () => {
    const result = quote('luma/agent/ray/v3.2/video-to-video', {}, { at: AT, sourceSeconds: '22' });
    expect(result.total).toBe('0.72');
    expect(result.warnings.map((warning) => warning.code)).toContain('source_seconds_ignored');
  });
});

describe('block billing from the table, not from code', () => {
  it('a table with 2.5 s blocks and a 7.5 s maximum bills by its own block size', async () => {
    const { PriceBook, readPricingTable } = await import('../../src/index.js');
    const text = JSON.stringify({
      provider: 'acme', version: 'v1', effectiveFrom: '2026-01-01', currency: 'USD', checked: '2026-01-01',
      endpoints: {
        'acme/edit': {
          request: 'gmi/luma-ray-3.2/edit', source: 'https://example.com', notes: 'short blocks', verified: true,
          billing: { kind: 'per_block', blockSeconds: '2.5', maxSourceSeconds: '7.5', rates: { sdr: { '720p': '0.10' } } },
        },
      },
    });
    const book = new PriceBook([readPricingTable(text, 'acme.json')]);
    const blocks = (sourceSeconds: string) => quote('acme/edit', {}, { at: AT, book, sourceSeconds }).params;
    expect(blocks('2.5')).toMatchObject({ blocks: 1, blockSeconds: '2.5' });
    expect(blocks('5.00')).toMatchObject({ blocks: 2, sourceSeconds: '5' });
    expect(blocks('5.0000001')).toMatchObject({ blocks: 3 });
    expect(quote('acme/edit', {}, { at: AT, book, sourceSeconds: '7.5' }).total).toBe('0.30');
    expect(() => quote('acme/edit', {}, { at: AT, book, sourceSeconds: '7.50001' })).toThrow('the source is 7.50001 s; acme/edit accepts at most 7.5 s');
    expect(quote('acme/edit', {}, { at: AT, book }).params).toMatchObject({ blocks: 3, sourceSeconds: '7.5', sourceSecondsFrom: 'maximum' });
  });

  it('lengths are reported in canonical form', () => {
    expect(quote(EDIT, {}, { at: AT, sourceSeconds: '22.50' }).params).toMatchObject({ sourceSeconds: '22.5', blocks: 5 });
    expect(quote(EDIT, {}, { at: AT, sourceSeconds: '10.000' }).params).toMatchObject({ sourceSeconds: '10', blocks: 2 });
  });
});

describe('inline sources of realistic size', () => {
  it('a 12 MB base64 source_data is checked and measured, not a stack overflow', () => {
    // A real MP4 followed by a 9 MB 'free' box (skipped by readers): the size of a 30 s upload.
    const mp4 = fixture('source-10s.mp4');
    const padding = Buffer.alloc(9 * 1024 * 1024);
    padding.writeUInt32BE(padding.length, 0);
    padding.write('free', 4, 'latin1');
    const source_data = Buffer.concat([mp4, padding]).toString('base64');
    expect(source_data.length).toBeGreaterThan(12_000_000);
    const result = quote(EDIT, { model: EDIT, prompt: 'p', source_data, source_media_type: 'video/mp4' }, { at: AT, strict: true });
    expect(result.params).toMatchObject({ blocks: 2, sourceSeconds: '10', sourceSecondsFrom: 'mp4' });
  });

  it.each([
    ['AAA', 'not a whole number of quads'],
    ['AA=A', 'padding in the middle'],
    ['AAAA===', 'too much padding'],
    ['AA AA', 'a space'],
  ])('%j is not base64 (%s)', (source_data) => {
    expect(() => quote(EDIT, { source_data, source_media_type: 'video/mp4' }, { at: AT })).toThrow('source_data: source_data must be base64');
  });
});

describe('the MP4 probe is opt-in (fal-budget/mp4), so the root bundle does not carry mp4box', () => {
  it('without probeSource an inline source is not read: quoted at the 30 s maximum, upperBound, saying why', () => {
    const quoted = quoteWithoutProbe(EDIT, inline('source-7.2s.mp4'), { at: AT });
    expect(quoted).toMatchObject({ upperBound: true, params: { sourceSeconds: '30', sourceSecondsFrom: 'maximum' } });
    expect(quoted.warnings).toContainEqual({ code: 'upper_bound', message: 'source length unknown (source_data was not read); quoted at the 30 s maximum' });
    expect(quoteWithoutProbe(EDIT, inline('source-7.2s.mp4'), { at: AT, probeSource: probeInlineMp4 }).params).toMatchObject({ sourceSeconds: '7.2', sourceSecondsFrom: 'mp4' });
  });

  it('a probeSource that is not a function is the option error naming it, from quote() and createBudgetGuard()', async () => {
    const { createBudgetGuard } = await import('../../src/index.js');
    expect(() => quoteWithoutProbe(EDIT, inline('source-7.2s.mp4'), { at: AT, probeSource: 'mp4' as never })).toThrow(InvalidOptionError);
    expect(() => quoteWithoutProbe(EDIT, inline('source-7.2s.mp4'), { at: AT, probeSource: 'mp4' as never })).toThrow(/^probeSource: /);
    expect(() => createBudgetGuard({ limit: '5.00', probeSource: {} as never })).toThrow(/^probeSource: must be a source probe function/);
  });
});
