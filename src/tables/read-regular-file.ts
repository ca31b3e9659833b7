import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Why a file was not read: `missing` when there is no such file (a caller may pass over it). */
export interface FileNotRead {
  readonly ok: false;
  readonly missing: boolean;
  readonly reason: string;
  readonly cause?: unknown;
}

export interface FileRead {
  readonly ok: true;
  readonly text: string;
  /** fstat of the descriptor that was read, so a caller checks the file it read, not the path again. */
  readonly stats: Stats;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

const REASONS: Readonly<Record<string, string>> = { EACCES: 'permission denied', EISDIR: 'is a directory', ENOENT: 'no such file', ENOTDIR: 'no such file' };

/**
 * The UTF-8 text of a regular file of at most `maxBytes` bytes. It opens with O_NONBLOCK, so a
 * FIFO in the file's place never blocks the open, and checks what it opened with fstat (no
 * window between a check and the read): a FIFO, a device (/dev/zero), a directory or a file over
 * the cap is refused before a byte is read. A file that grows past the cap while it is read is
 * refused too: at most maxBytes + 1 bytes are ever read.
 */
export function readRegularFile(path: string, maxBytes: number): FileRead | FileNotRead {
  let fd: number;
  try {
    // O_NONBLOCK is undefined on Windows, which has no FIFOs at a path.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return { ok: false, missing: code === 'ENOENT' || code === 'ENOTDIR', reason: REASONS[code] ?? (code || (error as Error).message), cause: error };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, missing: false, reason: `${kindOf(stats)}, not a regular file` };
    if (stats.size > maxBytes) return { ok: false, missing: false, reason: `${stats.size} bytes, over the ${maxBytes}-byte limit` };
    // Read in chunks until end of file: a file that grew since fstat still stops at the cap.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(Math.max(stats.size - length + 1, 1 << 16), maxBytes + 1 - length));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
      length += read;
      if (length > maxBytes) return { ok: false, missing: false, reason: `grew past the ${maxBytes}-byte limit while it was read` };
    }
    return { ok: true, text: Buffer.concat(chunks, length).toString('utf8'), stats };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return { ok: false, missing: false, reason: REASONS[code] ?? (code || (error as Error).message), cause: error };
  } finally {
    closeSync(fd);
  }
}
