import { open, type FileHandle } from 'node:fs/promises';

/** The file ledger's few file-system steps, all through fs/promises: no synchronous I/O on the event loop. */

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

/** Makes a rename or a new file in `directory` durable. Some platforms cannot fsync a directory: the rename is still atomic there. */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // See above.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Reads exactly `buffer.length` bytes at `position`. */
export async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) throw new Error(`the file ended at byte ${position + done}, before the ${buffer.length} bytes expected from byte ${position}`);
    done += bytesRead;
  }
}

/**
 * Writes all of `bytes` at the end of a file opened with O_APPEND. write() may write fewer bytes
 * than asked (a disk that fills up part way): the rest is written again, and a write that makes no
 * progress is an error, never a silent success with the file cut short.
 */
export async function appendFully(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    if (bytesWritten === 0) throw Object.assign(new Error(`wrote ${done} of ${bytes.length} bytes (no space left?)`), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}

const CHUNK = 64 * 1024;

/**
 * Calls `line` for every complete line (ending in "\n") in bytes [from, to), with the byte where
 * it starts; returns where the last complete line ends. Bytes after it are a line still being
 * written or cut off by a crash: the caller decides. (Splitting UTF-8 at 0x0a is safe: no
 * multi-byte character contains that byte.)
 */
export async function forEachLine(handle: FileHandle, from: number, to: number, line: (text: string, start: number) => void): Promise<number> {
  let carry = Buffer.alloc(0);
  let carryStart = from;
  for (let position = from; position < to; ) {
    const chunk = Buffer.alloc(Math.min(CHUNK, to - position));
    await readFully(handle, chunk, position);
    position += chunk.length;
    const buffer = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    let start = 0;
    for (let newline = buffer.indexOf(0x0a); newline !== -1; newline = buffer.indexOf(0x0a, start)) {
      line(buffer.toString('utf8', start, newline), carryStart + start);
      start = newline + 1;
    }
    carry = buffer.subarray(start);
    carryStart += start;
  }
  return carryStart;
}

/** The last complete line before `size`: its text and start, and where it ends (after its "\n"). */
export async function lastLine(handle: FileHandle, size: number): Promise<{ text: string | undefined; start: number; end: number }> {
  let buffer = Buffer.alloc(0);
  let from = size;
  for (;;) {
    const end = buffer.lastIndexOf(0x0a);
    const before = end <= 0 ? -1 : buffer.lastIndexOf(0x0a, end - 1);
    if (end !== -1 && (before !== -1 || from === 0)) {
      return { text: buffer.toString('utf8', before + 1, end), start: from + before + 1, end: from + end + 1 };
    }
    if (from === 0) return { text: undefined, start: 0, end: 0 };
    const next = Math.max(0, from - CHUNK);
    const chunk = Buffer.alloc(from - next);
    await readFully(handle, chunk, next);
    buffer = Buffer.concat([chunk, buffer]);
    from = next;
  }
}
