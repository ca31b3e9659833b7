import { createFile, MP4BoxBuffer } from 'mp4box';
import { Decimal } from '../core/money.js';
import type { SourceProbe } from '../core/quote.js';

export type Mp4Seconds = { seconds: Decimal } | { error: string };

/**
 * The length of an MP4 (or any ISO-BMFF file such as MOV) from its movie header, read with
 * mp4box.js. Exact: the header's integer duration divided by its integer timescale. A file
 * whose header gives no length (a fragmented stream with duration 0) is reported as unreadable
 * rather than guessed, so the caller falls back to the upper bound.
 */
export function readMp4Seconds(bytes: Uint8Array): Mp4Seconds {
  const file = createFile();
  let failure: string | undefined;
  file.onError = (module: string, message: string) => {
    failure ??= `${module}: ${message}`;
  };
  const buffer = MP4BoxBuffer.fromArrayBuffer(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    0,
  );
  // mp4box reports a malformed file on console.error (its lowest log level) as well as through
  // onError. Parsing is synchronous, so muting the console for exactly this call is safe, and a
  // bad upload reaches the caller once, as our result.
  const consoleError = console.error;
  console.error = () => {};
  try {
    file.appendBuffer(buffer);
    file.flush();
  } catch (error) {
    return { error: `not a readable MP4: ${(error as Error).message}` };
  } finally {
    console.error = consoleError;
  }
  if (failure !== undefined) return { error: `not a readable MP4: ${failure}` };
  const info = file.getInfo();
  if (!info || !info.hasMoov || !info.timescale) return { error: 'not an MP4: no movie header found' };
  if (info.duration > 0) return { seconds: new Decimal(info.duration).div(info.timescale) };
  const fragmented = info.fragment_duration;
  if (fragmented && fragmented.num > 0 && fragmented.den > 0) {
    return { seconds: new Decimal(fragmented.num).div(fragmented.den) };
  }
  return { error: 'the MP4 header does not state a duration' };
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
