import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Decimal, InvalidRequestError, quote, readMp4Seconds } from '../../src/index.js';

const AT = '2026-11-24T12:00:00Z';
const EDIT = 'luma-ray-3-2-edit';
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', name));
const inline = (name: string) => ({ source_data: fixture(name).toString('base64'), source_media_type: 'video/mp4' });

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
    ['-1', 'invalid_option'],
    ['1e1', 'invalid_option'],
    ['ten', 'invalid_option'],
    ['', 'invalid_option'],
  ])('%j is refused (%s), naming sourceSeconds', (seconds, code) => {
    try {
      quote(EDIT, {}, { at: AT, sourceSeconds: seconds });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).issues).toEqual([expect.objectContaining({ path: ['sourceSeconds'], code })]);
    }
  });

  it('a JS number is refused: lengths are exact decimals', () => {
    expect(() => quote(EDIT, {}, { at: AT, sourceSeconds: 25 as unknown as string })).toThrow(/sourceSeconds: must be a non-negative decimal string/);
  });
});

describe('the source length from an inline MP4 (mp4box)', () => {
  it('reads exact lengths from real files', () => {
    expect(readMp4Seconds(fixture('source-7.2s.mp4'))).toEqual({ seconds: new Decimal('7.2') });
    expect(readMp4Seconds(fixture('source-10s.mp4'))).toEqual({ seconds: new Decimal('10') });
    expect(readMp4Seconds(fixture('source-31s.mp4'))).toEqual({ seconds: new Decimal('31') });
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
