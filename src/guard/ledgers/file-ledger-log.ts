import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { drainJournal, emptyLedgerState, pruneLedger, type LedgerState } from '../../core/budget/ledger-state.js';
import type { JournalEntry } from '../../core/budget/ledger-types.js';
import { FalBudgetError, LedgerUnavailableError } from '../../core/errors/index.js';
import { runCommand, type CommandResult, type LedgerCommand } from './file-ledger-commands.js';
import { appendFully, errorCode, readFully, syncDirectory } from './file-ledger-io.js';
import type { JournalFiles } from './file-ledger-journal.js';
import {
  canonicalJson, contentsOf, corruptFile, encodeRecord, isJsonText, parseHeader, parseRecord, parseSnapshot, serializeSnapshot, type NumberedEntry, type OperationRecord,
} from './ledger-file-format.js';

interface Staged {
  readonly command: LedgerCommand;
  readonly result: CommandResult;
  readonly entries: readonly JournalEntry[];
  readonly seq: number;
}

/**
 * How much the state holds. A command only adds (a hold, a request link, a budget key) or settles
 * (which writes a journal entry); pruning happens only in a compaction. So a command that leaves
 * this count alone and settles nothing changed nothing, and needs no record.
 */
function sizes(state: LedgerState): number {
  return state.holds.size + state.requests.size + state.budgets.size;
}

function commandOf(record: OperationRecord): LedgerCommand {
  switch (record.op) {
    case 'reserve':
      return { op: 'reserve', request: record.request };
    case 'commit':
    case 'release':
      return { op: record.op, holdId: record.holdId, now: record.now };
    case 'link':
      return { op: 'link', request: record.request };
    case 'settleRequest':
      return record.app === undefined
        ? { op: 'settleRequest', requestId: record.requestId, settlement: record.settlement, now: record.now }
        : { op: 'settleRequest', requestId: record.requestId, settlement: record.settlement, now: record.now, app: record.app };
    case 'expire':
      return { op: 'expire', now: record.now };
  }
}

function nowOf(command: LedgerCommand): number {
  return command.op === 'reserve' || command.op === 'link' ? command.request.now : command.now;
}

const sameEntries = (a: readonly JournalEntry[], b: readonly JournalEntry[]) =>
  a.length === b.length && canonicalJson(a.map(canonicalJson).sort()) === canonicalJson(b.map(canonicalJson).sort());

/**
 * One process's copy of a ledger file, kept in memory and brought up to date from the bytes other
 * processes appended since it last looked: the ledger's cost per operation is what changed, not
 * what the ledger holds.
 *
 * The file is a snapshot line, then one record per operation that changed the state. Each record
 * claims the byte offset its writer read the file up to. A record found anywhere else was written
 * by a process that had not seen the records before it (its lock was taken from it, say after a
 * pause longer than the lock's staleness): every reader skips it, and its writer, reading its
 * bytes back after the fsync, finds them out of place and fails the call. So the lock keeps
 * processes taking turns, and an operation is acknowledged only if it is in the ledger, whatever
 * the lock did.
 *
 * Nothing ever truncates the file: a writer whose lock was taken could cut off what another
 * appended meanwhile. Bytes at the end that are not records (a write cut off by a crash or a full
 * disk) are ended by the next writer's newline and vouched for by its first record, which says
 * where they start (`torn`); a stale writer doing the same lands out of place and is fenced.
 *
 * Compaction writes the current state as a new file's snapshot, appends a seal to the old file
 * (fenced like any record, so a late writer's record lands after it and counts for nothing), and
 * renames the new file over the old one. The seal says how the compaction pruned and names the new
 * file: a process that read up to it prunes the same way and, finding that file in place with the
 * contents its header promises, goes on from the records after its snapshot without reading it.
 */
export class FileLedgerLog {
  state: LedgerState = emptyLedgerState();
  /** A compaction sealed this file and has not replaced it yet (it died): the next writer does. */
  sealed = false;
  /** Records skipped because they were not written where they claim: for diagnostics and tests. */
  fencedRecords = 0;
  /** Times this copy read a file from its start (the first open, and after a failure): for diagnostics and tests. */
  loads = 0;
  private nextSeq = 0;
  /** Journal entries of the records after the snapshot: not known to be in the journal files. */
  private unfiled: NumberedEntry[] = [];
  private handle: FileHandle | undefined;
  private identity: string | undefined;
  /** Bytes read and applied: with no torn bytes after them, the next record is written here. */
  private offset = 0;
  /** Bytes read: the file's size when this copy last looked. */
  private end = 0;
  private snapshotBytes = 0;
  /** Where the bytes that are not records start, when the file ends with some (a write cut off by a crash). */
  private tornAt: number | undefined;
  /** The file the seal of this one named as its replacement. */
  private successor: string | undefined;
  private staged: Staged[] = [];
  /** A read-only copy that expired holds in memory: reload before the next answer. */
  private diverged = false;
  private everLoaded = false;
  private readonly writer = randomUUID().slice(0, 8);
  private readonly directory: string;

  constructor(readonly file: string, private readonly readOnly: boolean) {
    this.directory = dirname(file);
  }

  private unavailable(doing: string, cause: unknown): LedgerUnavailableError {
    return new LedgerUnavailableError(`cannot ${doing} ledger file ${this.file}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      ledger: 'file', location: this.file, cause,
    });
  }

  private lostRace(what: string): LedgerUnavailableError {
    return new LedgerUnavailableError(
      `ledger file ${this.file}: ${what}, while this process held its lock (was the lock taken as stale after a pause longer than staleLockMs?). `
      + 'Nothing this call did counts; it is refused.',
      { ledger: 'file', location: this.file },
    );
  }

  /** Brings the state up to what the file holds now. */
  async catchUp(): Promise<void> {
    if (this.staged.length > 0) throw new Error('file ledger: catchUp with unwritten records');
    try {
      for (let hop = 0; ; hop += 1) {
        let found;
        try {
          found = await stat(this.file, { bigint: true });
        } catch (error) {
          if (errorCode(error) !== 'ENOENT') throw this.unavailable('read', error);
          // Never a silent reset: a file this process had read is gone, so its spend would be.
          if (this.everLoaded) throw this.unavailable('read', new Error('the file was removed while in use; refusing to start a new, empty ledger in its place'));
          return;
        }
        if (!found.isFile()) throw this.unavailable('read', new Error('it is not a regular file'));
        if (this.handle !== undefined && !this.diverged && `${found.dev}:${found.ino}` === this.identity) {
          await this.readTail(Number(found.size));
        } else {
          // Replaced: what was appended to the old file before its seal counts, so read that first.
          if (this.handle !== undefined && !this.diverged && !this.sealed) await this.readTail(Number((await this.handle.stat({ bigint: true })).size));
          if (!(this.sealed && !this.diverged && (await this.follow()))) await this.load();
        }
        if (!this.sealed) return;
        // Sealed: replaced by its successor, or (when the path is still this file) by nobody yet.
        const now = await stat(this.file, { bigint: true });
        if (`${now.dev}:${now.ino}` === this.identity) return;
        if (hop >= 8) throw this.unavailable('read', new Error('it keeps being replaced while being read'));
      }
    } catch (error) {
      await this.invalidate();
      throw error;
    }
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.identity = undefined;
    await handle?.close().catch(() => undefined);
  }

  /** Forgets the copy: the next catchUp reads the file from the start. */
  async invalidate(): Promise<void> {
    await this.closeHandle();
    this.state = emptyLedgerState();
    this.nextSeq = 0;
    this.unfiled = [];
    this.offset = 0;
    this.end = 0;
    this.snapshotBytes = 0;
    this.tornAt = undefined;
    this.sealed = false;
    this.successor = undefined;
    this.staged = [];
    this.diverged = false;
  }

  private async load(): Promise<void> {
    await this.invalidate();
    let handle: FileHandle;
    try {
      handle = await open(this.file, this.readOnly ? constants.O_RDONLY : constants.O_RDWR | constants.O_APPEND);
    } catch (error) {
      throw this.unavailable('read', error);
    }
    try {
      this.loads += 1;
      const found = await handle.stat({ bigint: true });
      const size = Number(found.size);
      const bytes = Buffer.alloc(size);
      await readFully(handle, bytes, 0);
      const first = bytes.indexOf(0x0a);
      if (first === -1) throw corruptFile(this.file, size === 0 ? 'the file is empty' : 'its header (line 1) is incomplete');
      const header = parseHeader(bytes.toString('utf8', 0, first), this.file);
      const end = first + 1 + header.snapshotBytes;
      if (end > size || bytes[end - 1] !== 0x0a || bytes.indexOf(0x0a, first + 1) !== end - 1) {
        throw corruptFile(this.file, `its snapshot (line 2) is not the ${header.snapshotBytes} bytes its header says`);
      }
      const { state, nextSeq } = parseSnapshot(bytes.toString('utf8', first + 1, end - 1), this.file, header);
      this.state = state;
      this.nextSeq = nextSeq;
      this.snapshotBytes = end;
      this.offset = this.end = end;
      this.apply(bytes, end, 0);
      this.handle = handle;
      this.identity = `${found.dev}:${found.ino}`;
      this.everLoaded = true;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error instanceof FalBudgetError ? error : this.unavailable('read', error);
    }
  }

  /**
   * After reading a seal: takes up the file that replaced this one if it is the one the seal named
   * and holds what this copy holds, reading its header only. False: read it from the start.
   */
  private async follow(): Promise<boolean> {
    let handle: FileHandle;
    try {
      handle = await open(this.file, this.readOnly ? constants.O_RDONLY : constants.O_RDWR | constants.O_APPEND);
    } catch {
      return false;
    }
    try {
      const found = await handle.stat({ bigint: true });
      const head = Buffer.alloc(Math.min(4096, Number(found.size)));
      await readFully(handle, head, 0);
      const first = head.indexOf(0x0a);
      const header = first === -1 ? undefined : parseHeader(head.toString('utf8', 0, first), this.file);
      const start = first + 1 + (header?.snapshotBytes ?? 0);
      if (header?.generation !== this.successor || canonicalJson(header!.contents) !== canonicalJson(contentsOf(this.state, this.nextSeq)) || start > Number(found.size)) {
        await handle.close();
        return false;
      }
      await this.closeHandle();
      this.handle = handle;
      this.identity = `${found.dev}:${found.ino}`;
      this.offset = this.end = this.snapshotBytes = start;
      // The compaction filed the journal entries before it sealed the file it replaced.
      this.unfiled = [];
      this.sealed = false;
      this.successor = undefined;
      this.tornAt = undefined;
      await this.readTail(Number(found.size));
      return true;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Applies what was appended since the last read; `size` is the file's, from the stat that matched it to our handle. */
  private async readTail(size: number): Promise<void> {
    const handle = this.handle!;
    if (size < this.end) throw corruptFile(this.file, `it shrank to ${size} bytes below the ${this.end} already read`);
    if (size === this.offset) {
      this.tornAt = undefined;
      this.end = size;
      return;
    }
    const bytes = Buffer.alloc(size - this.offset);
    await readFully(handle, bytes, this.offset);
    this.apply(bytes, 0, this.offset);
  }

  /**
   * Applies the complete lines of `bytes` from `start`; `base` is the file offset of bytes[0].
   *
   * Lines that are not JSON open a run of torn bytes (fenced records inside it count for nothing
   * anyway). The next record in place must vouch for the run (its `torn` is where the run starts),
   * or the file is corrupt. A run still open at the end is not applied, like a last line without
   * its newline: the next writer ends it and vouches for it.
   */
  private apply(bytes: Buffer, start: number, base: number): void {
    let next = start;
    let run: number | undefined;
    let fenced = 0;
    for (let newline = bytes.indexOf(0x0a, next); newline !== -1; newline = bytes.indexOf(0x0a, next)) {
      const at = base + next;
      const text = bytes.toString('utf8', next, newline);
      next = newline + 1;
      if (!isJsonText(text)) {
        run ??= at;
        continue;
      }
      const record = parseRecord(text, this.file, at);
      if (record.offset !== at) {
        if (record.offset > at) throw corruptFile(this.file, `the record at byte ${at} claims to be at byte ${record.offset}`);
        fenced += 1;
        if (run === undefined) this.offset = base + next;
        continue;
      }
      if (record.torn !== run) {
        throw corruptFile(this.file, run === undefined
          ? `the record at byte ${at} vouches for torn bytes at byte ${record.torn} that are not there`
          : `the record at byte ${run} is not valid JSON`);
      }
      run = undefined;
      this.fencedRecords += fenced;
      fenced = 0;
      this.offset = base + next;
      if (this.sealed) throw corruptFile(this.file, `the record at byte ${at} follows the seal of a compaction`);
      if (record.op === 'seal') this.seal(record.now, record.holdRetentionMs, record.successor);
      else this.replay(record, at);
    }
    if (run === undefined) this.fencedRecords += fenced;
    // A last line without its newline: a record being written, or cut off before its writer was
    // answered. Never applied.
    this.tornAt = run ?? (next < bytes.length ? base + next : undefined);
    this.end = base + bytes.length;
  }

  /** What a compaction did to the state before its seal, done again: the state is now its successor's snapshot. */
  private seal(now: number, holdRetentionMs: number, successor: string): void {
    pruneLedger(this.state, now, holdRetentionMs);
    this.sealed = true;
    this.successor = successor;
  }

  private replay(record: OperationRecord, at: number): void {
    if (record.seq !== this.nextSeq) throw corruptFile(this.file, `the record at byte ${at} numbers its journal entries from ${record.seq}, not ${this.nextSeq}`);
    let result: CommandResult;
    try {
      result = runCommand(this.state, commandOf(record));
    } catch (cause) {
      throw corruptFile(this.file, `the record at byte ${at} cannot be applied: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
    }
    const entries = drainJournal(this.state);
    if (record.op !== 'expire' && canonicalJson(result) !== canonicalJson(record.result)) {
      throw corruptFile(this.file, `the record at byte ${at} answered ${JSON.stringify(record.result)} when written and ${JSON.stringify(result)} when replayed`);
    }
    // Holds due together may expire in another order here: the writer's order is the journal's.
    if (!sameEntries(entries, record.entries)) throw corruptFile(this.file, `the record at byte ${at} settled other holds when replayed than when written`);
    record.entries.forEach((entry, index) => this.unfiled.push({ seq: record.seq + index, entry }));
    this.nextSeq += record.entries.length;
  }

  /** Applies a command to the state and stages its record when it changed anything. */
  execute(command: LedgerCommand): CommandResult {
    const before = sizes(this.state);
    let result: CommandResult;
    try {
      result = runCommand(this.state, command);
    } catch (error) {
      // Refused after expiring holds that were due: the expiry stands, like in the memory ledger.
      this.stage(before, { op: 'expire', now: nowOf(command) }, undefined);
      throw error;
    }
    this.stage(before, command, result);
    return result;
  }

  /** Answers a read; holds it found due are expired, and that is staged like any change. */
  read<T>(now: number, view: (state: LedgerState) => T): T {
    const before = sizes(this.state);
    try {
      return view(this.state);
    } finally {
      this.stage(before, { op: 'expire', now }, undefined);
    }
  }

  private stage(before: number, command: LedgerCommand, result: CommandResult): void {
    const entries = drainJournal(this.state);
    if (entries.length === 0 && sizes(this.state) === before) return;
    if (this.readOnly) {
      // Expired in memory for this answer only; the file does not change.
      this.diverged = true;
      return;
    }
    this.staged.push({ command, result, entries, seq: this.nextSeq });
    this.nextSeq += entries.length;
  }

  /** Whether operations are waiting for append(). */
  get pendingWrite(): boolean {
    return this.staged.length > 0;
  }

  /** The journal entries in the log, for a reader of the journal. */
  unfiledEntries(): readonly NumberedEntry[] {
    return [...this.unfiled];
  }

  private tempPath(kind: string): string {
    return join(this.directory, `${basename(this.file)}.${kind}-${randomUUID().slice(0, 8)}.tmp`);
  }

  /** Removes temp files of compactions that died: only a lock holder makes them. Under the lock. */
  async removeTemps(): Promise<void> {
    const pattern = new RegExp(`^${basename(this.file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:compact|create)-[0-9a-f]{8}\\.tmp$`);
    for (const name of await readdir(this.directory)) {
      if (pattern.test(name)) await unlink(join(this.directory, name)).catch(() => undefined);
    }
  }

  /** A new file holding `text`, made durable before it is linked or renamed into place. */
  private async writeNew(path: string, text: string, mode: number): Promise<FileHandle> {
    const handle = await open(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL, mode);
    try {
      await handle.chmod(mode);
      const bytes = Buffer.from(text);
      await appendFully(handle, bytes);
      await handle.datasync();
      // Never link or rename a file cut short into place: it would be the only copy.
      const { size } = await handle.stat();
      if (size !== bytes.length) throw Object.assign(new Error(`${path} holds ${size} of the ${bytes.length} bytes written`), { code: 'EIO' });
      return handle;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Creates the ledger file (its state is empty: there was none). Under the lock. */
  private async create(): Promise<void> {
    const text = serializeSnapshot(emptyLedgerState(), 0, randomUUID());
    const temp = this.tempPath('create');
    const handle = await this.writeNew(temp, text, 0o600);
    try {
      try {
        // A link fails if the file appeared meanwhile, where a rename would replace it.
        await link(temp, this.file);
      } catch (error) {
        if (errorCode(error) === 'EEXIST') throw this.lostRace('another process created the file at the same time');
        if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(errorCode(error) ?? '')) throw error;
        await rename(temp, this.file); // no hard links on this file system
      }
      await syncDirectory(this.directory);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    const found = await handle.stat({ bigint: true });
    this.handle = handle;
    this.identity = `${found.dev}:${found.ino}`;
    this.offset = this.end = this.snapshotBytes = Buffer.byteLength(text);
    this.everLoaded = true;
  }

  /** Where the next record goes: after the newline that ends torn bytes, when the file ends with some. */
  private get appendStart(): number {
    return this.tornAt === undefined ? this.offset : this.end + 1;
  }

  /**
   * Appends `lines` (the first vouching for torn bytes, if any) where this copy ends, fsyncs, and
   * checks they landed there.
   */
  private async appendAt(lines: string): Promise<void> {
    const handle = this.handle!;
    const at = this.tornAt === undefined ? this.offset : this.end;
    const bytes = Buffer.from(this.tornAt === undefined ? lines : `\n${lines}`);
    await appendFully(handle, bytes);
    await handle.datasync();
    const landed = Buffer.alloc(bytes.length);
    try {
      await readFully(handle, landed, at);
    } catch {
      throw this.lostRace('its records did not land where it wrote them');
    }
    if (!landed.equals(bytes)) throw this.lostRace('another process appended records first');
    this.offset = this.end = at + bytes.length;
    this.tornAt = undefined;
  }

  /**
   * Writes the staged records in one append and one fsync (a group commit), then checks they
   * landed where this copy ends. Any failure discards the copy and throws: nothing staged counts.
   */
  async append(): Promise<void> {
    const staged = this.staged;
    if (staged.length === 0) return;
    this.staged = [];
    try {
      if (this.handle === undefined) await this.create();
      let cursor = this.appendStart;
      const lines = staged.map((item, index) => {
        const line = encodeRecord(cursor, this.writer, { ...item.command, seq: item.seq, entries: item.entries, result: item.result }, index === 0 ? this.tornAt : undefined);
        cursor += Buffer.byteLength(line);
        return line;
      });
      await this.appendAt(lines.join(''));
      for (const item of staged) item.entries.forEach((entry, index) => this.unfiled.push({ seq: item.seq + index, entry }));
    } catch (error) {
      await this.invalidate();
      throw error instanceof FalBudgetError ? error : this.unavailable('write', error);
    }
  }

  /** Whether the records since the snapshot outweigh `bytes` and the snapshot itself. */
  shouldCompact(bytes: number): boolean {
    return this.handle !== undefined && (this.sealed || this.offset - this.snapshotBytes > Math.max(bytes, this.snapshotBytes));
  }

  /**
   * Files the log's journal entries, prunes, writes the state as a new file and swaps it in.
   * Under the lock; `stillLocked` is asked just before the swap. On failure the copy is reloaded.
   */
  async compact(now: number, holdRetentionMs: number, journal: JournalFiles, stillLocked: () => boolean): Promise<void> {
    if (this.handle === undefined || this.staged.length > 0) return;
    const temp = this.tempPath('compact');
    let next: FileHandle | undefined;
    try {
      await this.removeTemps();
      await journal.append(this.unfiled);
      // A compaction that died after its seal is finished under the name it chose, and its pruning
      // (done again when this copy read the seal) stands.
      const resumed = this.sealed;
      const generation = this.successor ?? randomUUID();
      if (!resumed) pruneLedger(this.state, now, holdRetentionMs);
      const text = serializeSnapshot(this.state, this.nextSeq, generation);
      // Keep the permissions an operator gave the file (a volume shared by a group, say).
      next = await this.writeNew(temp, text, Number((await this.handle.stat()).mode) & 0o777);
      if (!resumed) {
        await this.appendAt(encodeRecord(this.appendStart, this.writer, { op: 'seal', now, holdRetentionMs, successor: generation }, this.tornAt));
        this.sealed = true;
      }
      if (!stillLocked()) throw this.lostRace('its lock was lost before the compacted file replaced the old one');
      await rename(temp, this.file);
      await syncDirectory(this.directory);
      const found = await next.stat({ bigint: true });
      await this.closeHandle();
      this.handle = next;
      this.identity = `${found.dev}:${found.ino}`;
      this.offset = this.end = this.snapshotBytes = Buffer.byteLength(text);
      this.unfiled = [];
      this.sealed = false;
      this.successor = undefined;
      this.tornAt = undefined;
    } catch (error) {
      await next?.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      await this.invalidate();
      throw error instanceof FalBudgetError ? error : this.unavailable('compact', error);
    }
  }

  async close(): Promise<void> {
    await this.closeHandle();
  }
}
