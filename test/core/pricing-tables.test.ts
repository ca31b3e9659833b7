import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NoPriceInEffectError, PriceBook, PricingTableError, UnknownEndpointError, AmbiguousEndpointError, bundledPriceBook, pricingTableSchema, quote, readPricingTable } from '../../src/index.js';
import { loadPriceBook, loadPricingTables } from '../../src/node.js';
import { BUNDLED_TABLE_FILES } from '../../src/tables/bundled.generated.js';
import { listTableFiles } from '../../src/tables/list-table-files.js';
import { sha256Hex } from '../../src/tables/sha256.js';

const PRICING = join(import.meta.dirname, '..', '..', 'pricing');
const V2V = 'luma/agent/ray/v3.2/video-to-video';

/** A small valid table to vary; `patch` edits a deep copy. */
/* eslint-disable @typescript-eslint/no-explicit-any -- the tests patch this table into malformed ones, which no type describes */
function table(patch: (data: any) => void = () => {}) {
  const data: any = {
    provider: 'acme', version: 'v1', effectiveFrom: '2026-01-01', currency: 'USD', checked: '2026-01-02',
    endpoints: {
      'acme/clip': {
        request: 'fal/luma-ray-3.2/video-to-video', source: 'https://example.com/acme', notes: 'test card', verified: true,
        billing: { kind: 'per_clip', rates: { sdr: { '540p': { '5s': '0.10', '10s': '0.20' } }, hdr: { '720p': { '5s': '0.30' } } } },
      },
    },
  };
  patch(data);
  return JSON.stringify(data, null, 2);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PricingTableError);
    return (error as PricingTableError).problems.map((problem) => ({ file: problem.file, path: problem.path.join('.') }));
  }
  throw new Error('expected a PricingTableError');
}

describe('bundled tables', () => {
  const lock: Record<string, string> = JSON.parse(readFileSync(join(PRICING, 'lock.json'), 'utf8'));

  it('every file in pricing/ validates and is pinned by the sha256 of its bytes in lock.json', () => {
    const files = listTableFiles(PRICING);
    expect(files).toEqual(['fal/2026-11-21.json', 'fal/2026-12-02.json', 'gmi/2026-11-21.json', 'oxen/2026-11-21.json']);
    for (const file of files) {
      const text = readFileSync(join(PRICING, file), 'utf8');
      const compiled = readPricingTable(text, file);
      expect(compiled.sha256, `${file} changed after it was published: add a new version instead`).toBe(lock[file]);
      expect(file).toBe(`${compiled.provider}/${compiled.version}.json`);
    }
  });

  it('no published table has been removed', () => {
    expect(Object.keys(lock).sort()).toEqual(listTableFiles(PRICING));
  });

  it('the generated module holds exactly the files in pricing/', () => {
    const onDisk = listTableFiles(PRICING).map((file) => {
      const text = readFileSync(join(PRICING, file), 'utf8');
      return { file, text, sha256: sha256Hex(text) };
    });
    expect(BUNDLED_TABLE_FILES).toEqual(onDisk);
    expect(bundledPriceBook().tables.map((loaded) => [loaded.file, loaded.sha256])).toEqual(Object.entries(lock));
  });

  it('the bundled tables are compiled without validating them again, which is sound: the schema accepts each unchanged', () => {
    for (const { text } of BUNDLED_TABLE_FILES) expect(pricingTableSchema.parse(JSON.parse(text))).toStrictEqual(JSON.parse(text));
    expect(bundledPriceBook().tables.map((loaded) => loaded.data)).toStrictEqual(BUNDLED_TABLE_FILES.map(({ text }) => JSON.parse(text)));
  });

  it('the committed JSON Schema is generated from the zod schema, and every table points at it', () => {
    const schema = JSON.parse(readFileSync(join(PRICING, 'table.schema.json'), 'utf8'));
    expect(schema).toEqual({ ...z.toJSONSchema(pricingTableSchema, { io: 'input' }), title: 'fal-budget pricing table' });
    for (const { text } of BUNDLED_TABLE_FILES) expect(JSON.parse(text).$schema).toBe('../table.schema.json');
  });

  it('every quote names the table version and hash it used', () => {
    const result = quote(V2V, { resolution: '720p' }, { at: '2026-11-24T00:00:00Z' });
    expect(result.pricing).toEqual({
      provider: 'fal', version: '2026-11-21', file: 'fal/2026-11-21.json', sha256: lock['fal/2026-11-21.json'],
      effectiveFrom: '2026-11-21T00:00:00Z', pricedAt: '2026-11-24T00:00:00.000Z',
    });
    expect(sha256Hex(readFileSync(join(PRICING, 'fal/2026-11-21.json'), 'utf8'))).toBe(result.pricing.sha256);
  });
});

describe('malformed tables are rejected with the file and JSON path', () => {
  it.each([
    /* eslint-disable @typescript-eslint/no-explicit-any -- each patch writes a malformed table on purpose: no type describes one */
    ['a price as a JSON number', (d: any) => { d.endpoints['acme/clip'].billing.rates.sdr['540p']['5s'] = 0.1; }, 'endpoints.acme/clip.billing.rates.sdr.540p.5s'],
    ['a negative price', (d: any) => { d.endpoints['acme/clip'].billing.rates.sdr['540p']['5s'] = '-0.10'; }, 'endpoints.acme/clip.billing.rates.sdr.540p.5s'],
    ['a price with an exponent', (d: any) => { d.endpoints['acme/clip'].billing.rates.sdr['540p']['5s'] = '1e2'; }, 'endpoints.acme/clip.billing.rates.sdr.540p.5s'],
    ['a price with spaces', (d: any) => { d.endpoints['acme/clip'].billing.rates.sdr['540p']['5s'] = ' 0.10'; }, 'endpoints.acme/clip.billing.rates.sdr.540p.5s'],
    ['a zero price', (d: any) => { d.endpoints['acme/clip'].billing.rates.sdr['540p']['5s'] = '0.00'; }, 'endpoints.acme/clip.billing.rates.sdr.540p.5s'],
    ['an unknown key', (d: any) => { d.endpoints['acme/clip'].discount = '10%'; }, 'endpoints.acme/clip.discount'],
    ['an unknown resolution', (d: any) => { d.endpoints['acme/clip'].billing.rates.sdr['4k'] = { '5s': '1.00' }; }, 'endpoints.acme/clip.billing.rates.sdr.4k'],
    ['an unknown request model', (d: any) => { d.endpoints['acme/clip'].request = 'acme/other'; }, 'endpoints.acme/clip.request'],
    ['a tier the request cannot ask for', (d: any) => { d.endpoints['acme/clip'].request = 'fal/luma-ray-3.2/image-to-video'; }, 'endpoints.acme/clip.billing.rates.hdr'],
    ['a billing kind the request model does not use', (d: any) => { d.endpoints['acme/clip'].request = 'gmi/luma-ray-3.2/edit'; }, 'endpoints.acme/clip.billing.kind'],
    ['a currency other than USD', (d: any) => { d.currency = 'EUR'; }, 'currency'],
    ['a malformed date', (d: any) => { d.effectiveFrom = '21/11/2026'; }, 'effectiveFrom'],
    ['an end before the start', (d: any) => { d.effectiveUntil = '2025-12-31'; }, 'effectiveUntil'],
    ['no endpoints', (d: any) => { d.endpoints = {}; }, 'endpoints'],
    /* eslint-enable @typescript-eslint/no-explicit-any */
  ])('%s', (_name, patch, path) => {
    expect(problemsOf(() => readPricingTable(table(patch), 'acme/v1.json'))).toContainEqual({ file: 'acme/v1.json', path });
  });

  it('says what is wrong with a JSON number price, in words', () => {
    expect(() => readPricingTable(table((d) => { d.endpoints['acme/clip'].billing.rates.sdr['540p']['5s'] = 0.1; }), 'acme/v1.json')).toThrowErrorMatchingInlineSnapshot(
      `[PricingTableError: acme/v1.json at $.endpoints["acme/clip"].billing.rates.sdr["540p"]["5s"]: a price must be a decimal string like "2.16", not a JSON number or other value]`,
    );
  });

  it('invalid JSON names the file', () => {
    expect(() => readPricingTable('{"provider": ', 'broken.json')).toThrow(/^broken\.json: not valid JSON/);
  });

  it('a duplicate version is rejected', () => {
    const a = readPricingTable(table(), 'a.json');
    const b = readPricingTable(table((d) => { d.effectiveFrom = '2026-02-01'; }), 'b.json');
    expect(problemsOf(() => new PriceBook([a, b]))).toEqual([{ file: 'b.json', path: 'version' }]);
  });

  it('two versions starting at the same instant are rejected', () => {
    const a = readPricingTable(table(), 'a.json');
    const b = readPricingTable(table((d) => { d.version = 'v2'; d.effectiveFrom = '2026-01-01T00:00:00Z'; }), 'b.json');
    expect(problemsOf(() => new PriceBook([a, b]))).toEqual([{ file: 'b.json', path: 'effectiveFrom' }]);
  });

  it('overlapping dates are rejected', () => {
    const a = readPricingTable(table((d) => { d.effectiveUntil = '2026-03-01'; }), 'a.json');
    const b = readPricingTable(table((d) => { d.version = 'v2'; d.effectiveFrom = '2026-02-01'; }), 'b.json');
    expect(() => new PriceBook([a, b])).toThrow('b.json at $.effectiveFrom: overlaps a.json, which is in effect until 2026-03-01');
  });
});

describe('version selection', () => {
  const v1 = readPricingTable(table(), 'v1.json');
  const v2 = readPricingTable(table((d) => {
    d.version = 'v2'; d.effectiveFrom = '2026-06-01T12:00:00+02:00';
    d.endpoints['acme/clip'].billing.rates.sdr['540p']['5s'] = '0.15';
  }), 'v2.json');
  const book = new PriceBook([v2, v1]);
  const price = (at: string) => quote('acme/clip', {}, { at, book });

  it('uses the table with the latest effectiveFrom at or before the instant', () => {
    expect(price('2026-01-01T00:00:00Z').total).toBe('0.10');
    expect(price('2026-06-01T09:59:59.999Z').pricing.version).toBe('v1');
    expect(price('2026-06-01T10:00:00Z').pricing.version).toBe('v2');
    expect(price('2030-01-01').total).toBe('0.15');
  });

  it('before the first table there is no price in effect', () => {
    expect(() => price('2025-12-31T23:59:59Z')).toThrow(NoPriceInEffectError);
    expect(() => price('2025-12-31T23:59:59Z')).toThrow('no acme price in effect at 2025-12-31T23:59:59.000Z; the first acme table takes effect 2026-01-01');
  });

  it('a quote can pin a version, whatever the date', () => {
    expect(quote('acme/clip', {}, { at: '2030-01-01', version: 'v1', book }).total).toBe('0.10');
    expect(quote('acme/clip', {}, { version: 'v1', book }).pricing.pricedAt).toBeUndefined();
    expect(() => quote('acme/clip', {}, { version: 'v9', book })).toThrow('no pricing version "v9" for acme (known: v1, v2)');
  });

  it('an effectiveUntil with nothing after it leaves a gap with no price', () => {
    const ending = new PriceBook([readPricingTable(table((d) => { d.effectiveUntil = '2026-02-01'; }), 'v1.json')]);
    expect(quote('acme/clip', {}, { at: '2026-01-31T23:59:59Z', book: ending }).total).toBe('0.10');
    expect(() => quote('acme/clip', {}, { at: '2026-02-01', book: ending })).toThrow(NoPriceInEffectError);
  });

  it('an invalid instant is a typed error naming the option', () => {
    expect(() => quote('acme/clip', {}, { at: 'yesterday', book })).toThrow('at: not a valid instant: yesterday');
    expect(() => quote('acme/clip', {}, { at: 'yesterday', book })).toThrow(expect.objectContaining({ name: 'InvalidOptionError', code: 'invalid_option', option: 'at' }));
    // Impossible dates do not roll over into the next month, and times need an offset.
    for (const at of ['2026-02-30', '2026-11-31', '2026-11-24T12:00:00', '2026-11-24T25:00:00Z', 8.64e15 + 1, new Date(Number.NaN)]) {
      expect(() => quote('acme/clip', {}, { at, book })).toThrow(/at: not a valid instant/);
    }
    expect(quote('acme/clip', {}, { at: '2026-11-24T12:00:00+05:30', book }).pricing.pricedAt).toBe('2026-11-24T06:30:00.000Z');
  });

  it('an endpoint that only a later version prices has no price in effect before it (and not in a pinned earlier version)', () => {
    const v3 = readPricingTable(table((d) => {
      d.version = 'v3'; d.effectiveFrom = '2026-09-01';
      d.endpoints['acme/new'] = structuredClone(d.endpoints['acme/clip']);
    }), 'v3.json');
    const later = new PriceBook([v1, v3]);
    expect(quote('acme/new', {}, { at: '2026-09-01', book: later }).total).toBe('0.10');
    expect(() => quote('acme/new', {}, { at: '2026-08-31T23:59:59Z', book: later })).toThrow(NoPriceInEffectError);
    expect(() => quote('acme/new', {}, { at: '2026-08-31T23:59:59Z', book: later })).toThrow(
      'no acme price in effect for acme/new at 2026-08-31T23:59:59.000Z: acme v1 does not price it; versions that do: v3 (effective 2026-09-01)',
    );
    expect(() => quote('acme/new', {}, { version: 'v1', book: later })).toThrow('no acme price in effect for acme/new in version v1: acme v1 does not price it');
  });

  it('an endpoint no table knows is an error, never $0', () => {
    expect(() => quote('acme/nothing', {}, { book })).toThrow(UnknownEndpointError);
    expect(() => quote(V2V, {}, { provider: 'acme', book: bundledPriceBook() })).toThrow(UnknownEndpointError);
  });
});

describe('tables of your own, from a directory, merged over the bundled ones', () => {
  function directory(files: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-pricing-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return dir;
  }
  const falText = readFileSync(join(PRICING, 'fal/2026-11-21.json'), 'utf8');
  const negotiated = falText
    .replace('"version": "2026-11-21"', '"version": "2027-01-01-negotiated"')
    .replace('"effectiveFrom": "2026-11-21T00:00:00Z"', '"effectiveFrom": "2027-01-01T00:00:00Z"')
    .replace('"1080p": { "5s": "2.16", "10s": "4.32" }', '"1080p": { "5s": "1.90", "10s": "3.80" }');

  it('a newer version takes over from its effective date; older quotes stay reproducible', () => {
    const book = loadPriceBook(directory({ 'fal/2027-01-01-negotiated.json': negotiated, 'table.schema.json': '{}', 'lock.json': '{}' }));
    expect(quote(V2V, { resolution: '1080p' }, { at: '2026-12-31T23:59:59Z', book }).total).toBe('2.16');
    const later = quote(V2V, { resolution: '1080p' }, { at: '2027-01-01', book });
    expect(later.total).toBe('1.90');
    expect(later.pricing.version).toBe('2027-01-01-negotiated');
    expect(later.pricing.sha256).toBe(sha256Hex(negotiated));
  });

  it('a copy of a bundled table is taken once; a different table under a bundled version is refused', () => {
    expect(loadPriceBook(directory({ 'fal.json': falText })).tables).toHaveLength(bundledPriceBook().tables.length);
    const changed = falText.replace('"0.72"', '"0.70"');
    expect(() => loadPriceBook(directory({ 'fal.json': changed }))).toThrow(/duplicate version fal\/2026-11-21/);
  });

  it('reports every bad file at once, each with its path', () => {
    const dir = directory({ 'a.json': table((d) => { d.currency = 'EUR'; }), 'nested/b.json': '{' });
    expect(problemsOf(() => loadPricingTables(dir))).toEqual([
      { file: join(dir, 'a.json'), path: 'currency' },
      { file: join(dir, 'nested/b.json'), path: '' },
    ]);
  });

  it('a missing directory is a PricingTableError, not a crash', () => {
    expect(() => loadPricingTables('/nonexistent/fal-budget')).toThrow(PricingTableError);
  });

  it('an endpoint priced by two providers must be named', () => {
    const twin = table((d) => { d.provider = 'other'; });
    const book = new PriceBook([readPricingTable(table(), 'a.json'), readPricingTable(twin, 'b.json')]);
    expect(() => quote('acme/clip', {}, { book })).toThrow(AmbiguousEndpointError);
    expect(quote('acme/clip', {}, { book, provider: 'other' }).provider).toBe('other');
  });
});
