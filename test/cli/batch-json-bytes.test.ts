import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchCommand } from '../../src/cli/commands/batch.js';
import { BatchJsonBytes } from '../../src/cli/render/batch-json-bytes.js';
import { jsonBatchHead, renderJson } from '../../src/cli/render/json.js';
import type { BatchReportItem } from '../../src/cli/report.js';
import { AT, CLI, ensureBuilt, runCli } from './support/cli.js';

beforeAll(() => ensureBuilt());

/** What the generic path wrote for these items: JSON.stringify each, joined, encoded as UTF-8 by the stream. */
function reference(items: readonly BatchReportItem[]): Buffer {
  return Buffer.from(`${jsonBatchHead()}${items.map((item) => JSON.stringify(item)).join(',\n')}`, 'utf8');
}

/** The fast path's bytes for the same items, taken out chunk by chunk as main takes them. */
function fast(items: readonly BatchReportItem[], chunkSize?: number): Buffer {
  const json = new BatchJsonBytes(chunkSize);
  const pieces: Uint8Array[] = [];
  for (const item of items) {
    json.add(item);
    if (json.ready) pieces.push(json.take());
  }
  pieces.push(json.finish());
  return Buffer.concat(pieces);
}

// Strings that reach every branch of the encoder: ASCII, the characters JSON escapes, 2- and
// 3-byte UTF-8 ("·", "€", U+2028 which JSON.stringify leaves as it is), astral pairs and lone
// surrogates (which JSON.stringify writes as \udXXX since Node 12).
const codeUnit = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.constantFrom(0x22, 0x5c, 0x00, 0x08, 0x0a, 0x0d, 0x1f, 0x7f, 0xb7, 0x20ac, 0x2028, 0xfeff) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0x7ff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x800, max: 0xffff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }) },
).map((code) => String.fromCharCode(code));
const astral = fc.integer({ min: 0x10000, max: 0x10ffff }).map((code) => String.fromCodePoint(code));
const text = fc.array(fc.oneof({ weight: 8, arbitrary: codeUnit }, { weight: 1, arbitrary: astral }), { maxLength: 24 }).map((units) => units.join(''));
// A few values, so that generated cells repeat and the caches are hit, by equal and by different content.
const few = fc.constantFrom('540p', '720p', '1080p', 'sdr', 'hdr', '5', '2.16', 'a · b', '');
const word = fc.oneof(few, text);
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, 2 ** 31, NaN, Infinity, -Infinity));
const primitive = fc.oneof(word, number, fc.boolean(), fc.constant(null), fc.constant(undefined));

/** Objects of plain data, sometimes frozen (as the cards' shared cells are), sometimes not plain at all. */
function shaped<T extends Record<string, unknown>>(fields: fc.Arbitrary<T>): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(fields, fc.constantFrom('plain', 'plain', 'frozen', 'null-prototype', 'toJSON', 'class')).map(([value, kind]) => {
    switch (kind) {
      case 'frozen': return Object.freeze({ ...value });
      case 'null-prototype': return Object.assign(Object.create(null) as Record<string, unknown>, value);
      case 'toJSON': return { ...value, toJSON: () => ({ replaced: true }) };
      case 'class': return Object.assign(new (class Cell {})() as Record<string, unknown>, value);
      default: return { ...value };
    }
  });
}

const clipParams = fc.record({ billing: fc.constant('per_clip'), tier: word, resolution: word, duration: word });
const blockParams = fc.record({ billing: fc.constant('per_block'), tier: word, resolution: word, blocks: number, blockSeconds: word, sourceSeconds: word, sourceSecondsFrom: word });
const secondParams = fc.record({ billing: fc.constant('per_second'), tier: word, resolution: word, billedSeconds: word, sourceSeconds: word, sourceSecondsFrom: word });
const anyObject = fc.dictionary(fc.oneof(text, fc.constantFrom('0', '1', '10', 'description', '__proto__')), fc.oneof(primitive, fc.array(primitive, { maxLength: 2 }), fc.dictionary(text, primitive, { maxKeys: 2 })), { maxKeys: 5 });
const params = shaped(fc.oneof(clipParams, blockParams, secondParams, anyObject));
const line = shaped(fc.oneof(
  { weight: 4, arbitrary: fc.record({ description: word, quantity: word, unit: word, unitPrice: word, amount: word }) },
  { weight: 1, arbitrary: anyObject },
));
const warning = shaped(fc.record({ code: word, message: text, path: fc.array(fc.oneof(text, fc.integer()), { maxLength: 3 }) }, { requiredKeys: ['code', 'message'] }));

/** A pool of objects the generated items share by reference, as the quotes of one cell share theirs. */
const POOL_SIZE = 16;
const flatLine = fc.record({ description: word, quantity: word, unit: word, unitPrice: word, amount: word });
const context = fc.record({ endpoint: word, provider: word, pricingVersion: word, total: word, upperBound: fc.boolean() });
// Pooled cells the generated items share by reference, as the quotes of one cell share theirs:
// mostly frozen flat pairs, as a per-clip card's are, a few of any shape, each with the endpoint,
// table and total it usually comes with.
const pool = [
  ...fc.sample(fc.record({ params: fc.oneof(clipParams, blockParams), line: flatLine, context }), { numRuns: POOL_SIZE - 4, seed: 12 })
    .map((cell) => ({ ...cell, params: Object.freeze(cell.params), line: Object.freeze(cell.line) })),
  ...fc.sample(fc.record({ params: shaped(fc.oneof(clipParams, blockParams)), line: shaped(flatLine), context }), { numRuns: 4, seed: 12 }),
];

/** Usually the pooled value, now and then another: a cached cell must notice the one that differs. */
const pooled = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

const item = fc.record({
  line: fc.oneof(fc.nat(), number),
  id: fc.oneof(fc.constant(undefined), word, number),
  endpoint: word,
  provider: word,
  pricingVersion: word,
  // Mostly 1, as in most plans: the one-job paths are the cached ones.
  count: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) }, { weight: 1, arbitrary: number }),
  total: word,
  upperBound: fc.boolean(),
  params,
  lines: fc.array(fc.oneof(line, fc.constant(undefined), primitive), { maxLength: 3 }),
  warnings: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(warning, { maxLength: 2 }) }),
  shared: fc.option(fc.nat({ max: POOL_SIZE - 1 }), { freq: 3 }),
  otherLine: pooled(fc.nat({ max: POOL_SIZE - 1 })),
  other: fc.record({ endpoint: pooled(word), provider: pooled(word), pricingVersion: pooled(word), total: pooled(word), upperBound: pooled(fc.boolean()) }),
}).map(({ shared, otherLine, other, ...fields }) => {
  const cell = shared === null ? undefined : pool[shared]!;
  // With `shared`, a pooled cell and (mostly) its context, one field now and then another.
  const { endpoint, provider, pricingVersion, total, upperBound } = cell ? { ...cell.context, ...Object.fromEntries(Object.entries(other).filter(([, value]) => value !== undefined)) } : fields;
  // Built in batch.ts's key order.
  return {
    line: fields.line, id: fields.id, endpoint, provider, pricingVersion, count: fields.count, total, upperBound,
    params: cell ? cell.params : fields.params,
    lines: cell ? [otherLine === undefined ? cell.line : pool[otherLine]!.line] : fields.lines,
    warnings: fields.warnings,
  } as unknown as BatchReportItem;
});

describe('batch --json bytes: the same bytes as JSON.stringify, always', () => {
  it('over 50,000 generated items, one at a time', () => {
    fc.assert(fc.property(item, (generated) => {
      expect(fast([generated]).equals(reference([generated]))).toBe(true);
    }), { numRuns: 50_000 });
  });

  it('over generated runs of items, in chunks small enough that items and strings span them', () => {
    fc.assert(fc.property(fc.array(item, { minLength: 0, maxLength: 12 }), fc.integer({ min: 1, max: 300 }), (items, chunkSize) => {
      expect(fast(items, chunkSize).equals(reference(items))).toBe(true);
    }), { numRuns: 2_000 });
  });

  it('a string too long for the chunk, and a value JSON.stringify refuses, as JSON.stringify does', () => {
    const long = { line: 1, id: `${'x·"'.repeat(3000)}\ud800`, endpoint: 'e', provider: 'p', pricingVersion: 'v', count: 1, total: '1', upperBound: false, params: { a: 1 }, lines: [], warnings: [] } as unknown as BatchReportItem;
    expect(fast([long], 64).equals(reference([long]))).toBe(true);
    const bigint = { ...long, params: { blocks: 1n } } as unknown as BatchReportItem;
    expect(() => fast([bigint])).toThrow(TypeError);
    expect(() => reference([bigint])).toThrow(TypeError);
  });

  it('a cached cell is not reused for a later object that differs from it (same description, another amount)', () => {
    const first = { line: 1, id: 'a', endpoint: 'e', provider: 'p', pricingVersion: 'v', count: 1, total: '1.00', upperBound: false, params: { billing: 'per_block', blocks: 1 }, lines: [{ description: 'same · text', amount: '1.00' }], warnings: [] } as unknown as BatchReportItem;
    const second = { ...first, line: 2, params: { billing: 'per_block', blocks: 2 }, lines: [{ description: 'same · text', amount: '2.00' }] } as unknown as BatchReportItem;
    const reordered = { ...first, line: 3, lines: [{ amount: '1.00', description: 'same · text' }] } as unknown as BatchReportItem;
    expect(fast([first, second, reordered, first]).toString('utf8')).toBe(reference([first, second, reordered, first]).toString('utf8'));
  });
});

/** A plan of every kind of line: per clip, per block, per second (at 2026-12-03), invalid, blank, odd ids. */
const PLAN = [
  { id: 'clip', endpoint: 'luma/agent/ray/v3.2/video-to-video', input: { prompt: 'a', video_url: 'https://e/a.mp4', resolution: '1080p', hdr: true, duration: '10s' } },
  { id: 'still · "quoted" \\ \n\t\u0001 \u2028 €', endpoint: 'luma/agent/ray/v3.2/image-to-video', input: { prompt: 'b', image_url: 'https://e/b.png', loop: true } },
  { id: 7, endpoint: 'luma/agent/ray/v3.2/text-to-video', input: { prompt: 'c', resolution: '720p' }, count: 3 },
  { id: 1.5, endpoint: 'luma-ray-3-2-edit', sourceSeconds: '22.5', input: { model: 'luma-ray-3-2-edit', prompt: 'd', source_generation_id: 'g', resolution: '1080p' } },
  { endpoint: 'luma-ray-3-2-edit', input: { model: 'luma-ray-3-2-edit', prompt: 'e', source_generation_id: 'g', resolution: '540p' } },
  { id: 'reframe', endpoint: 'luma/agent/ray/v3.2/reframe', sourceSeconds: '7.5', input: { video_url: 'https://e/c.mp4', resolution: '720p', aspect_ratio: '9:16' } },
  { id: 'oxen', endpoint: 'luma-ray-v3-2-video-to-video', provider: 'oxen', input: { resolution: '720p', duration: '10s' } },
  { id: 'bad-hdr', endpoint: 'luma/agent/ray/v3.2/video-to-video', input: { resolution: '540p', hdr: true } },
  { id: 'unknown', endpoint: 'luma/agent/ray/v9/video-to-video', input: {} },
].map((entry) => JSON.stringify(entry));
const LINES = [
  ...PLAN, '', 'not json', '   ', `${PLAN[0]}\r`,
  // Ids JSON.parse makes that JSON.stringify writes differently: a lone surrogate, an astral pair, -0, 1e999 (Infinity: null).
  '{"id":"\\ud800 lone","endpoint":"luma/agent/ray/v3.2/text-to-video","input":{"prompt":"x"}}',
  '{"id":"\\ud83c\\udfac pair","endpoint":"luma/agent/ray/v3.2/text-to-video","input":{"prompt":"x"}}',
  '{"id":-0,"endpoint":"luma/agent/ray/v3.2/text-to-video","input":{"prompt":"x"}}',
  '{"id":1e999,"endpoint":"luma/agent/ray/v3.2/text-to-video","input":{"prompt":"x"}}',
  // Repeated cells: the caches are hit, per clip by the shared cell, per block by content.
  ...PLAN.slice(0, 7), ...PLAN.slice(0, 7),
];

describe('batch --json on a mixed file: byte for byte what the generic path writes', () => {
  for (const at of [AT, '2026-12-03']) {
    for (const items of [undefined, '0', '3', 'all']) {
      it(`--at ${at}${items === undefined ? '' : ` --items ${items}`}`, async () => {
        const file = join(mkdtempSync(join(tmpdir(), 'fal-budget-json-bytes-')), 'plan.jsonl');
        writeFileSync(file, `${LINES.join('\n')}\n`);
        const streamed = await runCli(['batch', file, '--at', at, '--json', ...(items === undefined ? [] : ['--items', items])]);
        expect(streamed.code).toBe(2);
        // The generic path: the same command keeping its items, rendered by JSON.stringify per item.
        const itemLimit = items === undefined || items === 'all' ? Infinity : Number(items);
        const report = await batchCommand({ file, at, itemLimit }, { stdin: process.stdin, now: () => new Date(at) });
        expect(report.items.length).toBe(Math.min(itemLimit, report.counts.quoted));
        expect(streamed.stdout).toBe(renderJson(report));
      });
    }
  }
});

describe('batch --json to a reader that goes away', () => {
  it('stops writing quietly (EPIPE, as `| head` does): the exit code is the plan\'s, nothing on stderr', async () => {
    // 20,000 lines that all price at 2026-12-03, some 8 MB of JSON: far more than the pipe holds when the reader leaves.
    const file = join(mkdtempSync(join(tmpdir(), 'fal-budget-json-bytes-')), 'plan.jsonl');
    writeFileSync(file, `${Array.from({ length: 20_000 }, (_, index) => PLAN[index % 7]).join('\n')}\n`);
    const result = await new Promise<{ code: number | null; stderr: string; read: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'batch', file, '--at', '2026-12-03', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let read = 0;
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.stdout.once('data', (chunk: Buffer) => {
        read = chunk.length;
        child.stdout.destroy();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr, read }));
    });
    expect(result.read).toBeGreaterThan(0);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });
});
