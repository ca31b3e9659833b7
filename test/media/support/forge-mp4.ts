import { createFile, MP4BoxBuffer } from 'mp4box';
import { Decimal } from '../../../src/index.js';

/**
 * Forges MP4s from real ones, box by box, the way an attacker would: rewrite a duration in place,
 * or splice in a box (and grow every box around it). Only what the tests need; version 0 boxes.
 */

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'mvex', 'moof', 'traf', 'dinf']);

interface Located {
  readonly start: number;
  readonly size: number;
  /** The boxes it is inside, outermost first. */
  readonly ancestors: readonly Located[];
}

function children(bytes: Buffer, from: number, to: number, ancestors: readonly Located[]): Located[] {
  const found: Located[] = [];
  for (let start = from; start + 8 <= to;) {
    const size = bytes.readUInt32BE(start);
    if (size < 8) throw new Error(`box at ${start} has size ${size}`);
    found.push({ start, size, ancestors });
    start += size;
  }
  return found;
}

const typeAt = (bytes: Buffer, box: Located) => bytes.toString('latin1', box.start + 4, box.start + 8);

/** Every box at `path` (e.g. ['moov', 'trak', 'mdia', 'mdhd']), in file order. */
export function boxesAt(bytes: Buffer, path: readonly string[]): Located[] {
  let level = children(bytes, 0, bytes.length, []).filter((box) => typeAt(bytes, box) === path[0]);
  for (const type of path.slice(1)) {
    level = level.flatMap((parent) => {
      if (!CONTAINERS.has(typeAt(bytes, parent))) throw new Error(`${typeAt(bytes, parent)} is not a container`);
      return children(bytes, parent.start + 8, parent.start + parent.size, [...parent.ancestors, parent]).filter((box) => typeAt(bytes, box) === type);
    });
  }
  return level;
}

function only(bytes: Buffer, path: readonly string[]): Located {
  const found = boxesAt(bytes, path);
  if (found.length !== 1) throw new Error(`${path.join('/')}: ${found.length} boxes`);
  return found[0]!;
}

/** A box from its type and payload. */
export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(body.length + 8, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

/** Big-endian 32-bit words. */
export function u32(...values: readonly (number | bigint)[]): Buffer {
  const out = Buffer.alloc(4 * values.length);
  values.forEach((value, index) => out.writeUInt32BE(Number(value), 4 * index));
  return out;
}

/** Replaces `target` by `replacement`, growing or shrinking every box around it. */
function splice(bytes: Buffer, target: Located, replacement: Buffer): Buffer {
  const out = Buffer.concat([bytes.subarray(0, target.start), replacement, bytes.subarray(target.start + target.size)]);
  const growth = replacement.length - target.size;
  for (const ancestor of target.ancestors) out.writeUInt32BE(ancestor.size + growth, ancestor.start);
  return out;
}

/** Appends `child` at the end of the one box at `parentPath`. */
export function insertBox(bytes: Buffer, parentPath: readonly string[], child: Buffer): Buffer {
  const parent = only(bytes, parentPath);
  const end = { start: parent.start + parent.size, size: 0, ancestors: [...parent.ancestors, parent] };
  return splice(bytes, end, child);
}

/** Writes `value` as a 32-bit word `offset` bytes into every box at `path`. */
export function setWord(bytes: Buffer, path: readonly string[], offset: number, value: number | bigint): Buffer {
  const out = Buffer.from(bytes);
  for (const found of boxesAt(out, path)) out.writeUInt32BE(Number(value), found.start + offset);
  return out;
}

const word = (bytes: Buffer, path: readonly string[], offset: number) => bytes.readUInt32BE(only(bytes, path).start + offset);

/** Whole units of `timescale` in `seconds`, refusing a length the timescale cannot state. */
function unitsOf(seconds: string, timescale: number, per = 1): bigint {
  const units = new Decimal(seconds).times(timescale).div(per);
  if (!units.isInteger()) throw new Error(`${seconds} s is not a whole number of units at ${timescale}/${per}`);
  return BigInt(units.toFixed());
}

const MOVIE = ['moov', 'mvhd'];
const TRACK = ['moov', 'trak'];
const MEDIA = [...TRACK, 'mdia', 'mdhd'];
const STTS = [...TRACK, 'mdia', 'minf', 'stbl', 'stts'];

export type Lengths = Partial<Record<'mvhd' | 'tkhd' | 'elst' | 'mdhd' | 'stts', string>>;

/**
 * A one-track MP4 whose boxes declare the given lengths in seconds: the headers' durations, the
 * single edit's duration, and the sample table's sample count (at its existing delta).
 */
export function forgeLengths(bytes: Buffer, lengths: Lengths): Buffer {
  const movieScale = word(bytes, MOVIE, 20);
  const mediaScale = word(bytes, MEDIA, 20);
  let out: Buffer = Buffer.from(bytes);
  if (lengths.mvhd !== undefined) out = setWord(out, MOVIE, 24, unitsOf(lengths.mvhd, movieScale));
  if (lengths.tkhd !== undefined) out = setWord(out, [...TRACK, 'tkhd'], 28, unitsOf(lengths.tkhd, movieScale));
  if (lengths.elst !== undefined) {
    if (word(out, [...TRACK, 'edts', 'elst'], 12) !== 1) throw new Error('expected one edit');
    out = setWord(out, [...TRACK, 'edts', 'elst'], 16, unitsOf(lengths.elst, movieScale));
  }
  if (lengths.mdhd !== undefined) out = setWord(out, MEDIA, 24, unitsOf(lengths.mdhd, mediaScale));
  if (lengths.stts !== undefined) {
    if (word(out, STTS, 12) !== 1) throw new Error('expected one stts entry');
    out = setWord(out, STTS, 16, unitsOf(lengths.stts, mediaScale, word(out, STTS, 20)));
  }
  return out;
}

/** A second media header in the track's mdia (mp4box names only the first one `mdhd`). */
export function withSecondMediaHeader(bytes: Buffer, seconds: string): Buffer {
  const mdhd = bytes.subarray(only(bytes, MEDIA).start, only(bytes, MEDIA).start + only(bytes, MEDIA).size);
  const copy = Buffer.from(mdhd);
  copy.writeUInt32BE(Number(unitsOf(seconds, copy.readUInt32BE(20))), 24);
  return insertBox(bytes, [...TRACK, 'mdia'], copy);
}

/**
 * A fragmented MP4 of a real one, written by mp4box's own segmenter: an init segment (ftyp, moov
 * with mvex/trex, header durations 0) and media segments (moof + mdat), every sample in a trun.
 */
export function fragment(bytes: Buffer): Buffer {
  const file = createFile();
  const parts: Uint8Array[] = [];
  file.onReady = (info) => {
    file.setSegmentOptions(info.tracks[0]!.id, undefined, { nbSamples: 20 });
    parts.push(new Uint8Array(file.initializeSegmentation().buffer));
    file.start();
  };
  file.onSegment = (_id, _user, buffer) => {
    parts.push(new Uint8Array(buffer));
  };
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), 0));
  file.flush();
  return Buffer.concat(parts);
}

const TRAF = ['moof', 'traf'];
const TRUN_DATA_OFFSET = 0x1;
const TRUN_DURATIONS = 0x100;
const TRUN_FLAGS_PRESENT = 0x4;

/** A movie-extends header (mehd) stating the fragmented movie's length. */
export function withMehd(bytes: Buffer, seconds: string): Buffer {
  return insertBox(bytes, ['moov', 'mvex'], box('mehd', u32(0, unitsOf(seconds, word(bytes, MOVIE, 20)))));
}

/**
 * Every trun rewritten without per-sample durations (so the tfhd or trex default applies), its
 * data offset moved back by the bytes removed so it still points at the samples.
 */
export function withoutSampleDurations(bytes: Buffer): Buffer {
  let out: Buffer = bytes;
  for (;;) {
    const trun = boxesAt(out, [...TRAF, 'trun']).find((found) => (out.readUInt32BE(found.start + 8) & TRUN_DURATIONS) !== 0);
    if (!trun) return out;
    const flags = out.readUInt32BE(trun.start + 8) & 0xffffff;
    const count = out.readUInt32BE(trun.start + 12);
    if ((flags & TRUN_DATA_OFFSET) === 0 || (flags & TRUN_FLAGS_PRESENT) !== 0) throw new Error('unexpected trun layout');
    const perSample = 4 * [0x100, 0x200, 0x400, 0x800].filter((bit) => (flags & bit) !== 0).length;
    const samples: Buffer[] = [];
    for (let index = 0; index < count; index += 1) {
      const at = trun.start + 20 + perSample * index;
      samples.push(out.subarray(at + 4, at + perSample));
    }
    const removed = 4 * count;
    const dataOffset = out.readInt32BE(trun.start + 16) - removed;
    const rebuilt = box('trun', u32(flags & ~TRUN_DURATIONS, count, 0), ...samples);
    rebuilt.writeInt32BE(dataOffset, 16);
    out = splice(out, trun, rebuilt);
  }
}

/** The trex default sample duration, in media timescale units. */
export function withTrexDefault(bytes: Buffer, units: number): Buffer {
  return setWord(bytes, ['moov', 'mvex', 'trex'], 20, units);
}

/** Every tfhd given a default sample duration (flag 0x08); each run's data offset moves by 4. */
export function withTfhdDefault(bytes: Buffer, units: number): Buffer {
  let out: Buffer = bytes;
  const count = boxesAt(out, [...TRAF, 'tfhd']).length;
  for (let index = 0; index < count; index += 1) {
    const tfhd = boxesAt(out, [...TRAF, 'tfhd'])[index]!;
    const flags = out.readUInt32BE(tfhd.start + 8) & 0xffffff;
    if ((flags & 0x0b) !== 0) throw new Error('unexpected tfhd layout');
    const trackId = out.readUInt32BE(tfhd.start + 12);
    const rest = out.subarray(tfhd.start + 16, tfhd.start + tfhd.size);
    out = splice(out, tfhd, box('tfhd', u32(flags | 0x08, trackId, units), rest));
    const trun = boxesAt(out, [...TRAF, 'trun'])[index]!;
    out.writeInt32BE(out.readInt32BE(trun.start + 16) + 4, trun.start + 16);
  }
  return out;
}

/** Every tfhd pointed at another track id. */
export function withFragmentTrack(bytes: Buffer, trackId: number): Buffer {
  return setWord(bytes, [...TRAF, 'tfhd'], 12, trackId);
}

/** A header's timescale and duration, in its own units. */
export interface Header {
  readonly timescale: number;
  readonly units: number;
}

/**
 * The movie rebuilt with these movie headers (copies of its mvhd) and `tracks` copies of its one
 * track, numbered 1, 2, ...: the many-headers, many-tracks forgery. Other boxes of the moov are
 * left out.
 */
export function withMovieHeadersAndTracks(bytes: Buffer, headers: readonly Header[], tracks: number): Buffer {
  const moov = only(bytes, ['moov']);
  const mvhd = only(bytes, MOVIE);
  const trak = only(bytes, TRACK);
  const tkhd = only(bytes, [...TRACK, 'tkhd']);
  const movieHeaders = headers.map(({ timescale, units }) => {
    const copy = Buffer.from(bytes.subarray(mvhd.start, mvhd.start + mvhd.size));
    copy.writeUInt32BE(timescale, 20);
    copy.writeUInt32BE(units, 24);
    return copy;
  });
  const trackCopies = Array.from({ length: tracks }, (_, index) => {
    const copy = Buffer.from(bytes.subarray(trak.start, trak.start + trak.size));
    copy.writeUInt32BE(index + 1, tkhd.start - trak.start + 20);
    return copy;
  });
  return splice(bytes, moov, box('moov', ...movieHeaders, ...trackCopies));
}

/** The file's one track's header and edit durations, in movie units. */
export function trackMovieUnits(bytes: Buffer): { tkhd: number; elst: number } {
  return { tkhd: word(bytes, [...TRACK, 'tkhd'], 28), elst: word(bytes, [...TRACK, 'edts', 'elst'], 16) };
}

/** A second media header in the track's mdia with its own timescale and duration. */
export function withMediaHeader(bytes: Buffer, header: Header): Buffer {
  const mdhd = only(bytes, MEDIA);
  const copy = Buffer.from(bytes.subarray(mdhd.start, mdhd.start + mdhd.size));
  copy.writeUInt32BE(header.timescale, 20);
  copy.writeUInt32BE(header.units, 24);
  return insertBox(bytes, [...TRACK, 'mdia'], copy);
}
