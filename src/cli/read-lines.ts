import type { Readable } from 'node:stream';
import { LineTooLongError } from './line-too-long-error.js';

/**
 * The default --max-line-bytes: 64 MiB. One line is one request, and the largest honest one
 * carries a source video inline as a data: URI (the MP4 probe reads it), which base64 makes 4/3
 * of the clip: 64 MiB holds a ~48 MB clip. A longer "line" is almost always a file that is not
 * JSONL (no newlines, a binary); it fails after 64 MiB are read instead of after the process
 * has grown to gigabytes.
 */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const BOM = 0xfeff;
const CR = 13;

/** Whether a line (its ending already trimmed) is over `max` bytes of UTF-8, without encoding it when its length decides. */
function overLimit(line: string, max: number): boolean {
  // A UTF-16 code unit is 1 to 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4).
  if (line.length * 3 <= max) return false;
  if (line.length > max) return true;
  return Buffer.byteLength(line, 'utf8') > max;
}

/**
 * The lines of a stream as it arrives, in batches (one per chunk: one promise per line is most
 * of the cost of reading a million). Each chunk is searched for "\n" once, from where the last
 * search stopped; a line that spans chunks is kept as its pieces and joined once, when it ends,
 * so reading is linear in the input however long a line is. A "\r\n" ending is trimmed, and a
 * UTF-8 byte order mark at the start is dropped. `where` starts the error for a line over
 * `maxLineBytes`, which is thrown as soon as the unfinished line is known to be over it.
 */
export async function* readLines(input: Readable, maxLineBytes: number, where: string): AsyncGenerator<string[]> {
  input.setEncoding('utf8');
  let pending: string[] = [];
  let pendingLength = 0;
  let lineNumber = 0;
  let started = false;
  const finish = (line: string): string => {
    lineNumber += 1;
    const text = line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line;
    if (overLimit(text, maxLineBytes)) throw new LineTooLongError(where, lineNumber, maxLineBytes);
    return text;
  };
  for await (const piece of input as AsyncIterable<string>) {
    let chunk = piece;
    if (!started && chunk.length > 0) {
      started = true;
      if (chunk.charCodeAt(0) === BOM) chunk = chunk.slice(1);
    }
    const lines: string[] = [];
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      const tail = chunk.slice(start, end);
      if (pendingLength === 0) lines.push(finish(tail));
      else {
        pending.push(tail);
        lines.push(finish(pending.join('')));
        pending = [];
        pendingLength = 0;
      }
      start = end + 1;
    }
    if (start < chunk.length) {
      pending.push(start === 0 ? chunk : chunk.slice(start));
      pendingLength += chunk.length - start;
      // +1: the piece may end in the "\r" of a "\r\n" that the next chunk completes.
      if (pendingLength > maxLineBytes + 1) throw new LineTooLongError(where, lineNumber + 1, maxLineBytes);
    }
    if (lines.length > 0) yield lines;
  }
  if (pendingLength > 0) yield [finish(pending.join(''))];
}
