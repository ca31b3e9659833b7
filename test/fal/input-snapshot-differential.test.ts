import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshotInput } from '../../src/fal/input-snapshot.js';
import { withMediaPlaceholders } from '../../src/fal/media-placeholders.js';
import { quote } from '../../src/index.js';
import { snapshotInput as referenceSnapshot } from './support/input-snapshot-reference.js';

/*
 * The snapshot builds its objects as `{}` with the prototype dropped (fast mode in V8) instead of
 * Object.create(null) (dictionary mode). Law: on any input, hostile ones included (own
 * "__proto__" / "constructor" / "toJSON" keys, integer-like keys, getters, toJSON, Dates, class
 * instances, Blobs, undefined, NaN, -0, cycles' neighbours, symbols, bigints, deep nesting), it
 * refuses exactly what the reference refuses with the same issues, and otherwise gives the same
 * JSON bytes, the same tree (every object without a prototype, the same own keys in the same
 * order, the same Blobs), and the same price. Each getter is read once per snapshot.
 */

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const T0 = Date.parse('2026-11-24T12:00:00Z');

type Spec =
  | { t: 'value'; v: unknown }
  | { t: 'object'; entries: [string, Spec, 'data' | 'getter'][]; proto: 'object' | 'null' }
  | { t: 'array'; items: Spec[] }
  | { t: 'date' | 'boxed' | 'instance' | 'blob' | 'function' | 'symbol' | 'bigint' }
  | { t: 'toJSON'; of: Spec };

const oddKeys = fc.constantFrom(
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'toJSON', 'prototype', '__defineGetter__',
  '', '0', '1', '10', '-1', '4294967295', '1.5', 'prompt', 'video_url', 'image_urls', 'resolution', 'hdr', 'duration',
);
const keyOf = fc.oneof({ weight: 3, arbitrary: oddKeys }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
const primitive = fc.oneof(
  fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e21, 5e-324),
  fc.boolean(), fc.constant(null), fc.constant(undefined),
);

const { spec } = fc.letrec<{ spec: Spec }>((tie) => ({
  spec: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: primitive.map((v): Spec => ({ t: 'value', v })) },
    {
      weight: 3,
      arbitrary: fc.record({
        entries: fc.array(fc.tuple(keyOf, tie('spec'), fc.constantFrom<'data' | 'getter'>('data', 'data', 'data', 'getter')), { maxLength: 6 }),
        proto: fc.constantFrom<'object' | 'null'>('object', 'object', 'null'),
      }).map(({ entries, proto }): Spec => ({ t: 'object', entries, proto })),
    },
    { weight: 2, arbitrary: fc.array(tie('spec'), { maxLength: 4 }).map((items): Spec => ({ t: 'array', items })) },
    { weight: 1, arbitrary: fc.constantFrom<Spec>({ t: 'date' }, { t: 'boxed' }, { t: 'instance' }, { t: 'blob' }, { t: 'function' }, { t: 'symbol' }, { t: 'bigint' }) },
    { weight: 1, arbitrary: tie('spec').map((of): Spec => ({ t: 'toJSON', of })) },
  ),
}));

class Point {
  constructor(readonly x: number, readonly y: number) {}
}

/** A fresh input from a spec, so each snapshot meets its own getters; `reads` counts getter reads. */
function build(node: Spec, reads: { count: number }, blob: Blob): unknown {
  switch (node.t) {
    case 'value': return node.v;
    case 'date': return new Date(T0);
    case 'boxed': return new String('boxed');
    case 'instance': return new Point(1, 2);
    case 'blob': return blob;
    case 'function': return () => 1;
    case 'symbol': return Symbol('s');
    case 'bigint': return 10n;
    case 'toJSON': return { toJSON: () => build(node.of, reads, blob) };
    case 'array': return node.items.map((item) => build(item, reads, blob));
    case 'object': {
      const object: object = node.proto === 'null' ? Object.create(null) : {};
      for (const [key, value, kind] of node.entries) {
        const built = build(value, reads, blob);
        // defineProperty: a "__proto__" key is an own data key, as JSON.parse makes it.
        if (kind === 'getter') {
          Object.defineProperty(object, key, { enumerable: true, configurable: true, get: () => { reads.count += 1; return built; } });
        } else {
          Object.defineProperty(object, key, { enumerable: true, configurable: true, writable: true, value: built });
        }
      }
      return object;
    }
  }
}

/** A V2V input with random extra fields (so some are priced, some refused by the quote). */
const topLevel = fc.record({
  base: fc.constantFrom<Record<string, unknown>>(
    { prompt: 'p', video_url: 'https://e.com/v.mp4', resolution: '1080p', duration: '10s', hdr: false },
    { prompt: 'p', video_url: 'https://e.com/v.mp4' },
    { prompt: 'p', video_url: 'https://e.com/v.mp4', resolution: '1080p', hdr: true },
    { prompt: 'p', video_url: 'https://e.com/v.mp4', resolution: '720p', duration: '10s' },
    {},
  ),
  // Often none, so about half the inputs are priced (a strict quote refuses an unknown field).
  extra: fc.oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(keyOf, spec, fc.constantFrom<'data' | 'getter'>('data', 'getter')), { minLength: 1, maxLength: 4 }) },
  ),
  blobVideo: fc.boolean(),
  // Sometimes the whole input is a random value instead (an array, a Date, a toJSON, ...).
  whole: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: spec }),
});
type TopLevel = typeof topLevel extends fc.Arbitrary<infer T> ? T : never;

function buildTop(top: TopLevel, reads: { count: number }, blob: Blob): unknown {
  if (top.whole !== null) return build(top.whole, reads, blob);
  const entries: [string, Spec, 'data' | 'getter'][] = Object.entries(top.base).map(([key, v]) => [key, { t: 'value', v }, 'data']);
  if (top.blobVideo) entries.push(['video_url', { t: 'blob' }, 'data']);
  return build({ t: 'object', entries: [...entries, ...top.extra], proto: 'object' }, reads, blob);
}

type Outcome =
  | { refused: { name: string; message: string; issues: unknown } }
  | { json: string | undefined; holdsBlob: boolean; tree: unknown; price: string; reads: number };

/** The tree with each object's prototype and own key order made visible, Blobs by identity. */
function shapeOf(value: unknown, blob: Blob): unknown {
  if (value === blob) return '<the blob>';
  if (Array.isArray(value)) return value.map((item) => shapeOf(item, blob));
  if (typeof value === 'object' && value !== null) {
    return { prototype: Object.getPrototypeOf(value) === null ? 'null' : 'other', own: Reflect.ownKeys(value).map((key) => [String(key), shapeOf((value as Record<string, unknown>)[key as string], blob)]) };
  }
  return Object.is(value, -0) ? '-0' : typeof value === 'number' && Number.isNaN(value) ? 'NaN' : value;
}

function priceOf(input: unknown): string {
  try {
    return quote(V2V, withMediaPlaceholders(input), { at: T0, strict: true }).total.toString();
  } catch (error) {
    return `refused: ${(error as Error).name}: ${(error as Error).message}`;
  }
}

function outcomeOf(snapshot: typeof snapshotInput, top: TopLevel, blob: Blob): Outcome {
  const reads = { count: 0 };
  const input = buildTop(top, reads, blob);
  let taken: ReturnType<typeof snapshotInput>;
  try {
    taken = snapshot(V2V, input);
  } catch (error) {
    const { name, message, issues } = error as { name: string; message: string; issues?: unknown };
    return { refused: { name, message, issues } };
  }
  // Read once, at the snapshot: what is priced and sent below is the copy, not the input.
  const readAtSnapshot = reads.count;
  return { json: JSON.stringify(taken.input), holdsBlob: taken.holdsBlob, tree: shapeOf(taken.input, blob), price: priceOf(taken.input), reads: readAtSnapshot };
}

describe('input snapshot: fast-mode objects, same as the Object.create(null) reference', () => {
  it('refuses, serialises, shapes and prices every input as the reference does (50,000 inputs)', () => {
    const blob = new Blob(['x'], { type: 'video/mp4' });
    fc.assert(
      fc.property(topLevel, (top) => {
        expect(outcomeOf(snapshotInput, top, blob)).toStrictEqual(outcomeOf(referenceSnapshot, top, blob));
      }),
      { numRuns: 50_000 },
    );
  });

  it('a setter or read-only field added to Object.prototype is not reached by the copy', () => {
    const seen: unknown[] = [];
    Object.defineProperty(Object.prototype, 'resolution', { configurable: true, set: (value) => seen.push(value), get: () => '540p' });
    Object.defineProperty(Object.prototype, 'hdr', { configurable: true, writable: false, value: false });
    try {
      const { input } = snapshotInput(V2V, JSON.parse('{"prompt":"p","video_url":"https://e.com/v.mp4","resolution":"1080p","hdr":true}'));
      expect(seen).toEqual([]);
      expect(Object.getPrototypeOf(input)).toBeNull();
      expect(JSON.stringify(input)).toBe('{"prompt":"p","video_url":"https://e.com/v.mp4","resolution":"1080p","hdr":true}');
      expect(Object.keys(input as object)).toEqual(['prompt', 'video_url', 'resolution', 'hdr']);
    } finally {
      delete (Object.prototype as Record<string, unknown>).resolution;
      delete (Object.prototype as Record<string, unknown>).hdr;
    }
  });
});
