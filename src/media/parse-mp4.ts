import { createFile, MP4BoxBuffer } from 'mp4box';

/**
 * A parsed ISO-BMFF box as mp4box.js leaves it: its four-character type, the fields of its kind,
 * and, for a container, every child in file order in `boxes`. (mp4box also names the first child
 * of each type, `moov.mvhd`; we read `boxes`, so a second, disagreeing box cannot hide.)
 */
export interface Mp4Box {
  readonly type: string;
  readonly boxes?: readonly Mp4Box[];
  readonly [field: string]: unknown;
}

/** Parses every top-level box of an MP4 (or any ISO-BMFF file such as MOV) with mp4box.js. */
export function parseMp4(bytes: Uint8Array): { boxes: readonly Mp4Box[] } | { error: string } {
  const file = createFile();
  let failure: string | undefined;
  file.onError = (module: string, message: string) => {
    failure ??= `${module}: ${message}`;
  };
  const buffer = MP4BoxBuffer.fromArrayBuffer(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
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
  const boxes = file.boxes as unknown as readonly Mp4Box[];
  if (!boxes.some((box) => box.type === 'moov')) return { error: 'not an MP4: no movie header found' };
  return { boxes };
}
