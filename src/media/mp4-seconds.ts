import type { Decimal } from '../core/money.js';
import type { SourceProbe } from '../core/quote.js';
import { longestDuration, type SourceDuration } from '../core/source-durations.js';
import { readMp4Durations } from './mp4-durations.js';
import { parseMp4 } from './parse-mp4.js';

export type Mp4Seconds = { seconds: Decimal; durations: readonly SourceDuration[] } | { error: string };

/**
 * The length of an MP4 (or any ISO-BMFF file such as MOV), read with mp4box.js: the LONGEST of
 * every length the file declares (movie and track headers, edit lists, media headers, sample
 * tables, fragments; see readMp4Durations), so a forged movie header cannot shorten what is
 * billed. `durations` lists them all, to say when they disagree. Exact: integer durations over
 * integer timescales. A file that states no length, or one we cannot work out, is reported as
 * unreadable rather than guessed, so the caller falls back to the upper bound.
 */
export function readMp4Seconds(bytes: Uint8Array): Mp4Seconds {
  const parsed = parseMp4(bytes);
  if ('error' in parsed) return parsed;
  const declared = readMp4Durations(parsed.boxes);
  if ('error' in declared) return declared;
  return { seconds: longestDuration(declared.durations), durations: declared.durations };
}

function decodeBase64(text: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return Buffer.from(text, 'base64');
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** The probe the quoting engine uses for an edit's inline `source_data`. */
export const probeInlineMp4: SourceProbe = (base64) => readMp4Seconds(decodeBase64(base64));
