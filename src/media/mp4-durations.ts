import { Decimal } from '../core/money.js';
import type { SourceDuration } from '../core/source-durations.js';
import type { Mp4Box } from './parse-mp4.js';

/** More movie headers than this is a forgery we do not try to read (the format has one per moov). */
export const MAX_MOVIE_HEADERS = 4;
/** More tracks than this is unreadable: a real source has a handful (video, audio, subtitles, timecode). */
export const MAX_TRACKS = 256;

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
 * Each name is listed once, at the longest length any box of that name declares: where a forged
 * file gives several movie or media headers, a count is read against each of their timescales,
 * and its longest reading is the count over the smallest. So the work is one pass over the boxes,
 * and the list holds at most 2 + 5 x MAX_TRACKS lengths, whatever the file.
 *
 * A length of zero states nothing (fragmented files leave their headers at 0) and is left out;
 * so is a header duration of all ones, which the format reserves for "unknown". A file whose
 * lengths cannot all be worked out (a timescale of 0, a fragment of an undeclared track, a
 * truncated run, more than MAX_MOVIE_HEADERS movie headers or MAX_TRACKS tracks) is an error,
 * never a guess: the caller then quotes the endpoint's maximum.
 * Decode times (`tfdt`) are not lengths: a clip cut from a live stream starts hours in.
 */
export function readMp4Durations(boxes: readonly Mp4Box[]): { durations: SourceDuration[] } | { error: string } {
  try {
    const longest = new Map<string, Decimal>();
    const declare: Declare = (box, units, timescale) => {
      if (units === 0n) return;
      const seconds = new Decimal(units.toString()).div(timescale);
      const known = longest.get(box);
      if (known === undefined || seconds.gt(known)) longest.set(box, seconds);
    };
    const movies = boxes.filter((box) => box.type === 'moov');
    const movieHeaders = movies.reduce((count, moov) => count + childrenOf(moov, 'mvhd').length, 0);
    if (movieHeaders > MAX_MOVIE_HEADERS) throw new UnreadableLength(`${movieHeaders} movie headers (mvhd), more than ${MAX_MOVIE_HEADERS}`);
    const trackCount = movies.reduce((count, moov) => count + childrenOf(moov, 'trak').length, 0);
    if (trackCount > MAX_TRACKS) throw new UnreadableLength(`${trackCount} tracks, more than ${MAX_TRACKS}`);
    const tracks = new Map<number, Track>();
    for (const moov of movies) readMovie(moov, declare, tracks);
    readFragments(boxes, tracks);
    for (const track of tracks.values()) {
      if (track.fragmented) declare(`${track.name} fragments`, track.sampleUnits + track.fragmentUnits, track.mediaTimescale!);
    }
    if (longest.size === 0) return { error: 'the MP4 does not state a duration' };
    return { durations: [...longest].map(([box, seconds]) => ({ box, seconds })) };
  } catch (error) {
    // Whatever a hostile file makes of the boxes, it is an unreadable length, never a crash.
    return { error: `not a readable MP4: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** A length the file does not let us work out exactly. */
class UnreadableLength extends Error {}

interface Track {
  readonly name: string;
  /** The smallest timescale of its media headers (mdhd): its counts' longest reading; undefined without one. */
  readonly mediaTimescale: number | undefined;
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

/** The smallest timescale (a loop, not Math.min(...): a forged track may carry any number of headers). */
function smallest(timescales: readonly number[]): number | undefined {
  let least: number | undefined;
  for (const timescale of timescales) if (least === undefined || timescale < least) least = timescale;
  return least;
}

function readMovie(moov: Mp4Box, declare: Declare, tracks: Map<number, Track>): void {
  const movieTimescale = smallest(childrenOf(moov, 'mvhd').map((mvhd) => {
    const timescale = timescaleOf(mvhd);
    declare('mvhd', headerUnits(mvhd), timescale);
    return timescale;
  }));
  if (movieTimescale === undefined) throw new UnreadableLength('moov has no movie header (mvhd)');
  for (const mehd of descendants(moov, ['mvex', 'mehd'])) declare('mehd', units(mehd['fragment_duration'], 'mehd duration'), movieTimescale);
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
    for (const tkhd of headers) declare(`${name} tkhd`, headerUnits(tkhd), movieTimescale);
    for (const elst of descendants(trak, ['edts', 'elst'])) {
      const entries = (elst['entries'] ?? []) as readonly { segment_duration?: unknown }[];
      declare(`${name} elst`, sum(entries.map((entry) => entry.segment_duration), 'elst segment duration'), movieTimescale);
    }
    const mediaTimescale = smallest(descendants(trak, ['mdia', 'mdhd']).map((mdhd) => {
      const timescale = timescaleOf(mdhd);
      declare(`${name} mdhd`, headerUnits(mdhd), timescale);
      return timescale;
    }));
    let sampleUnits = 0n;
    for (const stts of descendants(trak, ['mdia', 'minf', 'stbl', 'stts'])) {
      const counts = (stts['sample_counts'] ?? []) as readonly unknown[];
      const deltas = (stts['sample_deltas'] ?? []) as readonly unknown[];
      if (counts.length !== deltas.length) throw new UnreadableLength(`${name} stts is truncated`);
      let total = 0n;
      counts.forEach((count, entry) => {
        total += units(count, 'stts sample count') * units(deltas[entry], 'stts sample delta');
      });
      if (total > 0n && mediaTimescale === undefined) throw new UnreadableLength(`${name} has samples but no media header (mdhd)`);
      if (mediaTimescale !== undefined) declare(`${name} stts`, total, mediaTimescale);
      if (total > sampleUnits) sampleUnits = total;
    }
    tracks.set(id, { name, mediaTimescale, sampleUnits, fragmentUnits: 0n, fragmented: false, defaultSampleUnits: trexDefaults.get(id) });
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
    if (!track || track.mediaTimescale === undefined) throw new UnreadableLength(`a fragment is of track ${id}, which the movie does not declare`);
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
