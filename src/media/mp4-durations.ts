import { Decimal } from '../core/money.js';
import type { SourceDuration } from '../core/source-durations.js';
import type { Mp4Box } from './parse-mp4.js';

/**
 * Every length an MP4 declares, each exact (a whole count of timescale units over its whole
 * timescale, as a Decimal), named by the box that declares it:
 *
 * - `mvhd` (the movie), `mehd` (a fragmented movie's whole length), in the movie's timescale;
 * - per track, `tkhd` and the sum of its edit list `elst` (movie timescale), `mdhd` and the sum
 *   of its sample table `stts` (the track's media timescale);
 * - per fragmented track, `fragments`: the samples in its sample table plus every sample of every
 *   `trun` (its own duration, else the `tfhd` default, else the `trex` default).
 *
 * A length of zero states nothing (fragmented files leave their headers at 0) and is left out;
 * so is a header duration of all ones, which the format reserves for "unknown". A file whose
 * lengths cannot all be worked out (a timescale of 0, a fragment of an undeclared track, a
 * truncated run) is an error, never a guess: the caller then quotes the endpoint's maximum.
 * Decode times (`tfdt`) are not lengths: a clip cut from a live stream starts hours in.
 */
export function readMp4Durations(boxes: readonly Mp4Box[]): { durations: SourceDuration[] } | { error: string } {
  try {
    const durations: SourceDuration[] = [];
    const listed = new Set<string>();
    const declare = (box: string, units: bigint, timescale: number) => {
      if (units === 0n) return;
      const seconds = new Decimal(units.toString()).div(timescale);
      // A box read twice (a track's samples over each of its media headers) is listed once.
      const key = `${box} ${seconds.toFixed()}`;
      if (listed.has(key)) return;
      listed.add(key);
      durations.push({ box, seconds });
    };
    const tracks = new Map<number, Track>();
    for (const moov of boxes.filter((box) => box.type === 'moov')) readMovie(moov, declare, tracks);
    readFragments(boxes, tracks);
    for (const track of tracks.values()) {
      if (!track.fragmented) continue;
      for (const timescale of track.timescales) declare(`${track.name} fragments`, track.sampleUnits + track.fragmentUnits, timescale);
    }
    if (durations.length === 0) return { error: 'the MP4 does not state a duration' };
    return { durations };
  } catch (error) {
    // Whatever a hostile file makes of the boxes, it is an unreadable length, never a crash.
    return { error: `not a readable MP4: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** A length the file does not let us work out exactly. */
class UnreadableLength extends Error {}

interface Track {
  readonly name: string;
  readonly timescales: number[];
  /** What its sample table (stts) adds up to, in its media timescale. */
  sampleUnits: bigint;
  /** What its fragments (trun) add up to, in its media timescale. */
  fragmentUnits: bigint;
  fragmented: boolean;
  defaultSampleUnits: bigint | undefined;
}

type Declare = (box: string, units: bigint, timescale: number) => void;

function childrenOf(box: Mp4Box, type: string): readonly Mp4Box[] {
  return (box.boxes ?? []).filter((child) => child.type === type);
}

function descendants(box: Mp4Box, path: readonly string[]): readonly Mp4Box[] {
  let found: readonly Mp4Box[] = [box];
  for (const type of path) found = found.flatMap((parent) => childrenOf(parent, type));
  return found;
}

/**
 * A whole count of units, exactly. mp4box reads 64-bit fields into JS numbers, exact up to 2^53;
 * a larger count is, at any 32-bit timescale, years long, far over every maximum we price.
 */
function units(value: unknown, what: string): bigint {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new UnreadableLength(`${what} is not a whole number`);
  return BigInt(value);
}

function timescaleOf(box: Mp4Box): number {
  const timescale = box['timescale'];
  if (typeof timescale !== 'number' || !Number.isInteger(timescale) || timescale <= 0) {
    throw new UnreadableLength(`${box.type} has a timescale of ${String(timescale)}`);
  }
  return timescale;
}

/** A header's `duration`, or 0 when it is all ones ("unknown", ISO/IEC 14496-12). */
function headerUnits(box: Mp4Box): bigint {
  const duration = box['duration'];
  // A version 1 all-ones duration, 2^64 - 1, reads as the number 2^64.
  if (duration === (box['version'] === 1 ? 2 ** 64 : 0xffffffff)) return 0n;
  return units(duration, `${box.type} duration`);
}

function sum(values: readonly unknown[], what: string): bigint {
  let total = 0n;
  for (const value of values) total += units(value, what);
  return total;
}

function readMovie(moov: Mp4Box, declare: Declare, tracks: Map<number, Track>): void {
  const movieTimescales = childrenOf(moov, 'mvhd').map((mvhd) => {
    const timescale = timescaleOf(mvhd);
    declare('mvhd', headerUnits(mvhd), timescale);
    return timescale;
  });
  if (movieTimescales.length === 0) throw new UnreadableLength('moov has no movie header (mvhd)');
  const inMovieTime = (box: string, count: bigint) => {
    for (const timescale of movieTimescales) declare(box, count, timescale);
  };
  for (const mehd of descendants(moov, ['mvex', 'mehd'])) inMovieTime('mehd', units(mehd['fragment_duration'], 'mehd duration'));
  const trexDefaults = new Map<number, bigint>();
  for (const trex of descendants(moov, ['mvex', 'trex'])) {
    const id = Number(units(trex['track_id'], 'trex track_id'));
    const duration = units(trex['default_sample_duration'], 'trex default duration');
    // Two defaults for one track: the longer, as everywhere else.
    if (duration > (trexDefaults.get(id) ?? -1n)) trexDefaults.set(id, duration);
  }
  childrenOf(moov, 'trak').forEach((trak, index) => {
    const headers = childrenOf(trak, 'tkhd');
    const id = headers.length > 0 ? Number(units(headers[0]!['track_id'], 'tkhd track_id')) : index + 1;
    if (tracks.has(id)) throw new UnreadableLength(`two tracks have the id ${id}`);
    const name = `track ${id}`;
    for (const tkhd of headers) inMovieTime(`${name} tkhd`, headerUnits(tkhd));
    for (const elst of descendants(trak, ['edts', 'elst'])) {
      const entries = (elst['entries'] ?? []) as readonly { segment_duration?: unknown }[];
      inMovieTime(`${name} elst`, sum(entries.map((entry) => entry.segment_duration), 'elst segment duration'));
    }
    const timescales: number[] = [];
    for (const mdhd of descendants(trak, ['mdia', 'mdhd'])) {
      const timescale = timescaleOf(mdhd);
      timescales.push(timescale);
      declare(`${name} mdhd`, headerUnits(mdhd), timescale);
    }
    let sampleUnits = 0n;
    for (const stts of descendants(trak, ['mdia', 'minf', 'stbl', 'stts'])) {
      const counts = (stts['sample_counts'] ?? []) as readonly unknown[];
      const deltas = (stts['sample_deltas'] ?? []) as readonly unknown[];
      if (counts.length !== deltas.length) throw new UnreadableLength(`${name} stts is truncated`);
      let total = 0n;
      counts.forEach((count, entry) => {
        total += units(count, 'stts sample count') * units(deltas[entry], 'stts sample delta');
      });
      if (total > 0n && timescales.length === 0) throw new UnreadableLength(`${name} has samples but no media header (mdhd)`);
      for (const timescale of timescales) declare(`${name} stts`, total, timescale);
      if (total > sampleUnits) sampleUnits = total;
    }
    tracks.set(id, { name, timescales, sampleUnits, fragmentUnits: 0n, fragmented: false, defaultSampleUnits: trexDefaults.get(id) });
  });
}

const TFHD_DEFAULT_DURATION = 0x08;
const TRUN_SAMPLE_DURATIONS = 0x100;

function readFragments(boxes: readonly Mp4Box[], tracks: Map<number, Track>): void {
  for (const traf of boxes.filter((box) => box.type === 'moof').flatMap((moof) => childrenOf(moof, 'traf'))) {
    const headers = childrenOf(traf, 'tfhd');
    if (headers.length !== 1) throw new UnreadableLength(`a track fragment has ${headers.length} headers (tfhd), not one`);
    const tfhd = headers[0]!;
    const id = Number(units(tfhd['track_id'], 'tfhd track_id'));
    const track = tracks.get(id);
    if (!track || track.timescales.length === 0) throw new UnreadableLength(`a fragment is of track ${id}, which the movie does not declare`);
    track.fragmented = true;
    const fallback = (Number(tfhd['flags']) & TFHD_DEFAULT_DURATION) !== 0
      ? units(tfhd['default_sample_duration'], 'tfhd default duration')
      : track.defaultSampleUnits;
    for (const trun of childrenOf(traf, 'trun')) {
      const count = units(trun['sample_count'], 'trun sample count');
      if ((Number(trun['flags']) & TRUN_SAMPLE_DURATIONS) !== 0) {
        const durations = (trun['sample_duration'] ?? []) as readonly unknown[];
        if (BigInt(durations.length) !== count) throw new UnreadableLength(`a run of track ${id} is truncated`);
        track.fragmentUnits += sum(durations, 'trun sample duration');
      } else if (count > 0n) {
        if (fallback === undefined) throw new UnreadableLength(`a run of track ${id} gives no sample duration`);
        // count x default: a run may claim billions of samples without listing them.
        track.fragmentUnits += count * fallback;
      }
    }
  }
}
