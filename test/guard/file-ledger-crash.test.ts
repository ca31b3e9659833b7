import { appendFileSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLedgerLog } from '../../src/guard/ledgers/file-ledger-log.js';
import { JournalFiles } from '../../src/guard/ledgers/file-ledger-journal.js';
import { encodeRecord, serializeSnapshot } from '../../src/guard/ledgers/ledger-file-format.js';
import { LedgerUnavailableError } from '../../src/index.js';
import { fileLedger } from '../../src/node.js';
import { ledgerPath } from './support/file-ledger-processes.js';
import { journalOf } from '../support/journal.js';

const NOW = 1_800_000_000_000;
const hold = (holdId: string, amount: string, limit = '10.00') => ({ holdId, amount, budgets: [{ key: 'g', limit }], expiresAt: NOW + 60_000, now: NOW });

/** A ledger with three settled holds and one open one, closed; returns its path. */
async function settledLedger(options: { compactAfterBytes?: number } = {}): Promise<string> {
  const path = ledgerPath();
  const ledger = fileLedger({ path, ...options });
  for (const [holdId, amount] of [['a', '1.00'], ['b', '2.00'], ['c', '0.50']] as const) {
    await ledger.reserve(hold(holdId, amount));
    await ledger.commit(holdId, NOW);
  }
  await ledger.reserve(hold('open', '4.00'));
  await ledger.close?.();
  return path;
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n');

describe('a record cut off by a crash (SIGKILL mid-write)', () => {
  it('is skipped by readers and vouched for by the next writer, never cut off; every acknowledged operation stays', async () => {
    const path = await settledLedger();
    const whole = readFileSync(path, 'utf8');
    // What a write interrupted after its first bytes leaves: a record without its newline.
    const record = encodeRecord(Buffer.byteLength(whole), 'dead1234', { op: 'commit', holdId: 'open', now: NOW, seq: 3, entries: [], result: 'committed' });
    appendFileSync(path, record.slice(0, 40));
    const reader = fileLedger({ path });
    expect(await reader.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '3.50', reserved: '4.00' }]);
    expect(await reader.release('open', NOW)).toBe('released');
    await reader.close?.();
    // Nothing is removed: a newline ends the torn bytes and the release says where they start.
    const after = readFileSync(path, 'utf8');
    const torn = Buffer.byteLength(whole);
    expect(after.startsWith(`${whole}${record.slice(0, 40)}\n`)).toBe(true);
    expect(after.slice(torn + 41)).toMatch(new RegExp(`^\\{"offset":${torn + 41},"writer":"[0-9a-f]{8}","torn":${torn},"op":"release",[^\\n]*\\}\\n$`));
    const again = fileLedger({ path });
    expect(await again.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '3.50', reserved: '0.00' }]);
    expect((await journalOf(again)).map((entry) => [entry.holdId, entry.outcome])).toEqual([['a', 'committed'], ['b', 'committed'], ['c', 'committed'], ['open', 'released']]);
    await again.close?.();
  });

  it('is skipped by an instance that had already read the file, and by a read-only one', async () => {
    const path = await settledLedger();
    const early = fileLedger({ path });
    expect(await early.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '3.50', reserved: '4.00' }]);
    appendFileSync(path, '{"offset":12');
    const reader = fileLedger({ path, readOnly: true });
    expect(await reader.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '3.50', reserved: '4.00' }]);
    expect(await early.commit('open', NOW)).toBe('committed');
    expect(await reader.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '7.50', reserved: '0.00' }]);
    await early.close?.();
  });
});

describe('a compaction that died half way', () => {
  it('after filing some journal entries: they are filed once and read once', async () => {
    const path = await settledLedger();
    // A compaction's first step, then nothing (the process died before the new snapshot).
    const log = new FileLedgerLog(path, false);
    await log.catchUp();
    const journal = new JournalFiles(path);
    await journal.append(log.unfiledEntries());
    await log.close();
    const dayFile = `${path}.journal.2027-01-15.jsonl`;
    expect(lines(dayFile).filter(Boolean)).toHaveLength(3);
    // ...and a second one that died writing its first line.
    appendFileSync(dayFile, '{"seq":3,"at":18000');
    const ledger = fileLedger({ path, compactAfterBytes: 1 });
    expect(await journalOf(ledger)).toHaveLength(3);
    await ledger.commit('open', NOW); // compacts: files the log's entries not filed yet
    await ledger.close?.();
    // The cut-off line stays, ended by a newline; the next line vouches for it.
    const filed = lines(dayFile);
    expect(filed[3]).toBe('{"seq":3,"at":18000');
    expect(JSON.parse(filed[4]!)).toMatchObject({ seq: 3, torn: statSync(dayFile).size - Buffer.byteLength(`${filed[3]}\n${filed[4]}\n`), holdId: 'open' });
    expect(filed.slice(0, 3).concat(filed[4]!).map((line) => (JSON.parse(line) as { seq: number; holdId: string }).holdId)).toEqual(['a', 'b', 'c', 'open']);
    const again = fileLedger({ path });
    expect((await journalOf(again)).map((entry) => entry.holdId)).toEqual(['a', 'b', 'c', 'open']);
    await again.close?.();
  });

  it('after sealing the old file: the next writer finishes it; a temp file it left is removed', async () => {
    const path = await settledLedger();
    const size = statSync(path).size;
    appendFileSync(path, encodeRecord(size, 'dead1234', { op: 'seal', now: NOW, holdRetentionMs: 86_400_000, successor: 'chosen-by-the-dead-one' }));
    writeFileSync(`${path}.compact-0badf00d.tmp`, 'half a snapshot');
    const before = statSync(path).ino;
    const ledger = fileLedger({ path });
    expect(await ledger.commit('open', NOW)).toBe('committed');
    expect(await ledger.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '7.50', reserved: '0.00' }]);
    await ledger.close?.();
    expect(statSync(path).ino).not.toBe(before);
    expect(readdirSync(join(path, '..')).sort()).toEqual(['ledger.jsonl', 'ledger.jsonl.journal.2027-01-15.jsonl']);
    const kinds = lines(path).filter(Boolean).map((line) => JSON.parse(line) as { kind?: string; op?: string; generation?: string });
    expect(kinds.map((line) => line.kind ?? line.op)).toEqual(['header', 'snapshot', 'commit']);
    // Finished under the name its seal gave the new file, so a process that read the seal follows.
    expect(kinds[0]!.generation).toBe('chosen-by-the-dead-one');
  });
});

describe('another process\'s compaction', () => {
  it('is followed from its seal: the new file\'s header is read, not its snapshot, and the state is the same', async () => {
    const path = await settledLedger();
    const follower = new FileLedgerLog(path, false);
    await follower.catchUp();
    // Another process settles the open hold and compacts, forgetting holds settled over a second ago.
    const other = fileLedger({ path, holdRetentionMs: 1_000, compactAfterBytes: 1 });
    expect(await other.commit('open', NOW + 5_000)).toBe('committed');
    expect(await other.reserve({ ...hold('after', '1.00'), now: NOW + 5_000 })).toEqual({ ok: true });
    await other.close?.();
    await follower.catchUp();
    expect(follower.loads).toBe(1); // the first open only
    const fresh = new FileLedgerLog(path, false);
    await fresh.catchUp();
    expect(serializeSnapshot(follower.state, 0, 'same')).toBe(serializeSnapshot(fresh.state, 0, 'same'));
    expect(follower.unfiledEntries()).toEqual(fresh.unfiledEntries());
    // Pruned at the seal as the compaction pruned: a, b and c are forgotten, their spend kept.
    expect(follower.execute({ op: 'commit', holdId: 'a', now: NOW + 5_000 })).toBe('unknown');
    expect(follower.state.budgets.get('g')).toMatchObject({ spent: 7_500_000_000n, reserved: 1_000_000_000n });
    await Promise.all([follower.close(), fresh.close()]);
  });
});

describe('writers that overlap (a lock taken from a paused holder) cannot both be acknowledged', () => {
  it('the second append of two copies that read the same bytes fails, and no reader applies it', async () => {
    const path = await settledLedger();
    const first = new FileLedgerLog(path, false);
    const second = new FileLedgerLog(path, false);
    await first.catchUp();
    await second.catchUp();
    // Both see $2.50 of $10.00 left and would admit $2.00: together they would overspend.
    expect(first.execute({ op: 'reserve', request: hold('x', '2.00') })).toEqual({ ok: true });
    expect(second.execute({ op: 'reserve', request: hold('y', '2.00') })).toEqual({ ok: true });
    await first.append();
    const lost = await second.append().catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(LedgerUnavailableError);
    expect((lost as Error).message).toMatch(/another process appended records first, while this process held its lock .* Nothing this call did counts; it is refused\.$/);
    const reader = new FileLedgerLog(path, false);
    await reader.catchUp();
    expect(reader.fencedRecords).toBe(1);
    expect(reader.state.holds.has('x')).toBe(true);
    expect(reader.state.holds.has('y')).toBe(false);
    expect(reader.state.budgets.get('g')).toMatchObject({ spent: 3_500_000_000n, reserved: 6_000_000_000n });
    // The loser reloads and is refused on the real figures.
    await second.catchUp();
    expect(second.execute({ op: 'reserve', request: hold('y', '2.00') })).toMatchObject({ ok: false, refusal: { remaining: '0.50' } });
    await Promise.all([first.close(), second.close(), reader.close()]);
    const ledger = fileLedger({ path });
    expect(await ledger.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '3.50', reserved: '6.00' }]);
    await ledger.close?.();
  });

  it('a compaction by a copy that missed a record fails, and the record stays', async () => {
    const path = await settledLedger();
    const stale = new FileLedgerLog(path, false);
    const current = new FileLedgerLog(path, false);
    await stale.catchUp();
    await current.catchUp();
    current.execute({ op: 'commit', holdId: 'open', now: NOW });
    await current.append();
    const failed = await stale.compact(NOW, 86_400_000, new JournalFiles(path), () => true).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(LedgerUnavailableError);
    await current.close();
    const ledger = fileLedger({ path });
    expect(await ledger.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '7.50', reserved: '0.00' }]);
    await ledger.close?.();
    expect(readdirSync(join(path, '..')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('a corrupt or unreadable file is refused loudly, never reset', () => {
  const valid = { budgets: [{ key: 'g', spent: '1.00', reserved: '2.00' }], holds: [{ holdId: 'a', amount: '2.00', keys: ['g'], expiresAt: NOW + 60_000, status: 'held' }] };
  /** A header and a snapshot line, the header describing `body` unless told otherwise. */
  const snapshot = (body: { budgets: unknown[]; holds: unknown[] }, header: object = {}) => {
    const line = `${JSON.stringify({ kind: 'snapshot', nextSeq: 0, links: [], ...body })}\n`;
    const contents = { holds: body.holds.length, budgets: body.budgets.length, links: 0, nextSeq: 0 };
    return `${JSON.stringify({ format: 'fal-budget-ledger', version: 3, kind: 'header', generation: 'g1', snapshotBytes: Buffer.byteLength(line), contents, ...header })}\n${line}`;
  };
  const validText = snapshot(valid);
  const at = Buffer.byteLength(validText);
  const cases: Array<[string, string, RegExp]> = [
    ['not JSON', '{"format": "fal-budget-ledger", "budg\n', /the header \(line 1\) is not valid JSON/],
    ['empty', '', /the file is empty/],
    ['a header without its newline', validText.split('\n')[0]!, /its header \(line 1\) is incomplete/],
    ['a snapshot cut short', validText.trimEnd(), /its snapshot \(line 2\) is not the \d+ bytes its header says/],
    ['money as a JSON number', snapshot({ ...valid, budgets: [{ key: 'g', spent: 1, reserved: '2.00' }] }), /line 2 at \$\.budgets\.0\.spent/],
    ['a negative amount', snapshot({ ...valid, holds: [{ ...valid.holds[0], amount: '-2.00' }] }), /line 2 at \$\.holds\.0\.amount: must be a decimal string/],
    ['reserved that its holds do not add up to', snapshot({ ...valid, budgets: [{ key: 'g', spent: '1.00', reserved: '0.00' }] }), /says \$0\.00 reserved but its open holds add up to \$2\.00/],
    ['a header that says other contents', snapshot(valid, { contents: { holds: 2, budgets: 1, links: 0, nextSeq: 0 } }), /the snapshot holds \{"holds":1,"budgets":1,"links":0,"nextSeq":0\}, not the/],
    ['another format', snapshot(valid, { format: 'something-else' }), /line 1 at \$\.format/],
    ['another version', snapshot(valid, { version: 2 }), /it is format version 2; this fal-budget reads version 3/],
    ['a bad line after the snapshot, a record after it', `${validText}not a record\n${encodeRecord(at + 13, 'w', { op: 'expire', now: NOW, seq: 0, entries: [] })}`,
      new RegExp(`the record at byte ${at} is not valid JSON`)],
    ['a torn record ended by a record that does not vouch for it', `${validText}{"offset":${at},"wri\n${encodeRecord(at + 19, 'w', { op: 'expire', now: NOW, seq: 0, entries: [] })}`,
      new RegExp(`the record at byte ${at} is not valid JSON`)],
    ['a torn record ended by a record vouching for other bytes', `${validText}{"offset":${at},"wri\n${encodeRecord(at + 19, 'w', { op: 'expire', now: NOW, seq: 0, entries: [] }, at + 1)}`,
      new RegExp(`the record at byte ${at} is not valid JSON`)],
    ['a record vouching for torn bytes that are not there', `${validText}${encodeRecord(at, 'w', { op: 'expire', now: NOW, seq: 0, entries: [] }, at)}`,
      new RegExp(`the record at byte ${at} vouches for torn bytes at byte ${at} that are not there`)],
    ['a record claiming a later byte', `${validText}${encodeRecord(at + 5, 'w', { op: 'expire', now: NOW, seq: 0, entries: [] })}`, new RegExp(`the record at byte ${at} claims to be at byte ${at + 5}`)],
    ['a record that replays to another answer', `${validText}${encodeRecord(at, 'w', { op: 'commit', holdId: 'a', now: NOW, seq: 0, entries: [], result: 'unknown' })}`,
      /answered "unknown" when written and "committed" when replayed/],
    ['a record that settles other holds when replayed', `${validText}${encodeRecord(at, 'w', { op: 'expire', now: NOW + 60_000, seq: 0, entries: [] })}`,
      /settled other holds when replayed than when written/],
  ];
  for (const [name, text, reason] of cases) {
    it(name, async () => {
      const path = ledgerPath();
      writeFileSync(path, text);
      const ledger = fileLedger({ path });
      for (const operation of [() => ledger.reserve(hold('b', '1.00')), () => ledger.usage(['g'], NOW), () => ledger.commit('a', NOW)]) {
        const error = await operation().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(LedgerUnavailableError);
        expect(error).toMatchObject({ code: 'ledger_unavailable', ledger: 'file', location: path });
        expect((error as Error).message).toContain(`ledger file ${path} is corrupt`);
        expect((error as Error).message).toMatch(reason);
      }
      await ledger.close?.();
      expect(readFileSync(path, 'utf8')).toBe(text);
    });
  }

  it('a file removed while in use is not started again empty', async () => {
    const path = await settledLedger();
    const ledger = fileLedger({ path });
    expect(await ledger.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '3.50', reserved: '4.00' }]);
    writeFileSync(`${path}.moved`, readFileSync(path));
    unlinkSync(path);
    await expect(ledger.reserve(hold('x', '1.00'))).rejects.toThrow(/the file was removed while in use; refusing to start a new, empty ledger in its place/);
    await ledger.close?.();
  });
});
