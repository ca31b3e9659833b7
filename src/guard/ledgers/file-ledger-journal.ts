import { open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { JournalEntry, JournalQuery } from '../../core/budget/ledger-types.js';
import { corruptFile, encodeJournalLine, isJsonText, parseJournalLine, type NumberedEntry } from './ledger-file-format.js';
import { appendFully, errorCode, forEachLine, lastLine, syncDirectory } from './file-ledger-io.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One journal file: the settlements filed under one UTC day. */
export interface JournalFile {
  readonly path: string;
  /** Start of its UTC day (epoch ms). */
  readonly day: number;
  /** Its size when listed: a reader stops there, so it never reads a line being appended. */
  readonly size: number;
}

function dayOf(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/**
 * The spend journal's files beside a ledger file: `<ledger>.journal.<YYYY-MM-DD>.jsonl`, one per
 * UTC day, appended in the ledger's one sequence of settlements. An entry goes to the newest
 * file, or starts the file of its own day when that is later; so every entry in a day's file is
 * from before the next day, and retention deletes whole files whose day is over by the cutoff.
 *
 * The entries reach these files when the ledger compacts its log (the log record of a settlement
 * is its first, durable copy). A compaction that died half way may have filed some entries that
 * the log still holds: each carries its sequence number, the next compaction files only later
 * ones, and readers skip a number they have already passed.
 */
export class JournalFiles {
  private readonly directory: string;
  private readonly prefix: string;

  constructor(readonly ledgerFile: string) {
    this.directory = dirname(ledgerFile);
    this.prefix = `${basename(ledgerFile)}.journal.`;
  }

  private pathOf(day: number): string {
    return join(this.directory, `${this.prefix}${new Date(day).toISOString().slice(0, 10)}.jsonl`);
  }

  /** Every journal file, oldest day first. */
  async list(): Promise<JournalFile[]> {
    const names = await readdir(this.directory);
    const files: JournalFile[] = [];
    for (const name of names) {
      if (!name.startsWith(this.prefix) || !name.endsWith('.jsonl')) continue;
      const date = name.slice(this.prefix.length, -'.jsonl'.length);
      const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
      if (Number.isNaN(day)) continue;
      const path = join(this.directory, name);
      let handle: FileHandle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue; // deleted by retention meanwhile
        throw error;
      }
      try {
        files.push({ path, day, size: (await handle.stat()).size });
      } finally {
        await handle.close();
      }
    }
    return files.sort((a, b) => a.day - b.day);
  }

  /**
   * The sequence number of the last entry filed (-1 when nothing is), and where the bytes after
   * the newest file's last entry start when it ends with some that are not entries (a line cut off
   * by a crash or a full disk: its entry is still in the log and is filed again). Never truncated:
   * a process whose lock was taken could cut off what another appended. Under the ledger's lock.
   */
  private async lastFiled(files: readonly JournalFile[]): Promise<{ seq: number; tornAt: number | undefined }> {
    let tornAt: number | undefined;
    for (let index = files.length - 1; index >= 0; index -= 1) {
      const file = files[index]!;
      const handle = await open(file.path, 'r');
      try {
        const { size } = await handle.stat();
        for (let before = size; ; ) {
          const line = await lastLine(handle, before);
          const entry = line.text !== undefined && isJsonText(line.text);
          if (index === files.length - 1 && (entry || line.text === undefined) && line.end < size) tornAt = line.end;
          if (entry) return { seq: parseJournalLine(line.text!, file.path, line.start).seq, tornAt };
          if (line.text === undefined) break;
          before = line.start;
        }
      } finally {
        await handle.close();
      }
    }
    return { seq: -1, tornAt };
  }

  /** Files the entries not filed yet, fsyncing every file it wrote. Under the ledger's lock. */
  async append(entries: readonly NumberedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const files = await this.list();
    const { seq: last, tornAt } = await this.lastFiled(files);
    const newest = files.length === 0 ? undefined : files[files.length - 1]!.day;
    let day = newest;
    const batches = new Map<number, string[]>();
    for (const numbered of entries) {
      if (numbered.seq <= last) continue;
      const own = dayOf(numbered.entry.at);
      if (day === undefined || own > day) day = own;
      let lines = batches.get(day);
      if (!lines) batches.set(day, (lines = []));
      // The newest file's torn bytes are ended by a newline and vouched for by the first line after them.
      const vouch = day === newest && lines.length === 0 ? tornAt : undefined;
      lines.push(`${vouch === undefined ? '' : '\n'}${encodeJournalLine(numbered, vouch)}`);
    }
    let created = false;
    for (const [batchDay, lines] of batches) {
      created ||= !files.some((file) => file.day === batchDay);
      const handle = await open(this.pathOf(batchDay), 'a', 0o600);
      try {
        await appendFully(handle, Buffer.from(lines.join('')));
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
    if (created) await syncDirectory(this.directory);
  }

  /** Deletes the files whose whole day is older than `cutoff`. */
  async trim(cutoff: number): Promise<void> {
    for (const file of await this.list()) {
      if (file.day + DAY_MS > cutoff) break;
      try {
        await unlink(file.path);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
    }
  }

  /**
   * Streams the filed entries of `files`, then `unfiled` (the log's newest), oldest first,
   * each sequence number once, within the query's [since, until).
   */
  async *read(files: readonly JournalFile[], unfiled: readonly NumberedEntry[], query: JournalQuery): AsyncGenerator<JournalEntry> {
    const since = query.since ?? Number.NEGATIVE_INFINITY;
    const until = query.until ?? Number.POSITIVE_INFINITY;
    let passed = -1;
    const wanted = (numbered: NumberedEntry) => {
      if (numbered.seq <= passed) return false;
      passed = numbered.seq;
      return numbered.entry.at >= since && numbered.entry.at < until;
    };
    for (let index = 0; index < files.length; index += 1) {
      const file = files[index]!;
      const next = files[index + 1];
      // Every entry of a file is from before the next file's day.
      if (next !== undefined && next.day <= since) continue;
      let handle: FileHandle;
      try {
        handle = await open(file.path, 'r');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue; // trimmed by retention since it was listed
        throw error;
      }
      const found: NumberedEntry[] = [];
      try {
        // A last line without its newline is one being written, or cut off by a crash: its
        // entry is still in the log, so it is read from there. Lines that are not JSON are such
        // bytes ended by a later append, whose first line vouches for them (`torn`); there is no
        // fence in the journal (a late writer's entries repeat sequence numbers and are skipped),
        // so any vouching line ends a run of them.
        let run: number | undefined;
        await forEachLine(handle, 0, file.size, (text, start) => {
          if (!isJsonText(text)) {
            run ??= start;
            return;
          }
          const numbered = parseJournalLine(text, file.path, start);
          if (run !== undefined && numbered.torn === undefined) throw corruptFile(file.path, `the journal entry at byte ${run} is not valid JSON`);
          run = undefined;
          found.push({ seq: numbered.seq, entry: numbered.entry });
        });
      } finally {
        await handle.close();
      }
      for (const numbered of found) if (wanted(numbered)) yield numbered.entry;
    }
    for (const numbered of unfiled) if (wanted(numbered)) yield numbered.entry;
  }
}
