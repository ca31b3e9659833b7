import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import { InvalidOptionError, LedgerUnavailableError } from '../../src/index.js';
import { fileLedger } from '../../src/node.js';
import { finished, killed, ledgerPath, printed, worker } from './support/file-ledger-processes.js';
import { journalOf } from '../support/journal.js';

const NOW = 1_800_000_000_000;
const DAY = 24 * 60 * 60 * 1000;

const hold = (holdId: string, amount: string, limit = '10.00', now = NOW) =>
  ({ holdId, amount, budgets: [{ key: 'g', limit }], expiresAt: now + 60_000, now });

describe('file ledger', () => {
  it('survives a restart: a new instance reads what the last one wrote; the file is 0600 and nothing else is left', async () => {
    const path = ledgerPath();
    const first = fileLedger({ path });
    await first.reserve(hold('a', '2.16'));
    await first.reserve(hold('b', '4.32'));
    await first.commit('a', NOW);
    const second = fileLedger({ path });
    expect(await second.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '2.16', reserved: '4.32' }]);
    expect(await second.commit('a', NOW)).toBe('already_committed');
    expect(await second.release('b', NOW)).toBe('released');
    await Promise.all([first.close?.(), second.close?.()]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // No temp or lock file is left behind (the journal files appear when the log is compacted).
    expect(readdirSync(join(path, '..'))).toEqual(['ledger.jsonl']);
    const [header, snapshot, ...records] = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(header!)).toMatchObject({ format: 'fal-budget-ledger', version: 3, kind: 'header' });
    expect(JSON.parse(snapshot!)).toMatchObject({ kind: 'snapshot', holds: [] });
    expect(records.map((line) => (JSON.parse(line) as { op: string }).op)).toEqual(['reserve', 'reserve', 'commit', 'release']);
  });

  it('writes nothing for an operation that changes nothing, and creates no file to read an empty ledger', async () => {
    const path = ledgerPath();
    const ledger = fileLedger({ path });
    expect(await ledger.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '0.00', reserved: '0.00' }]);
    expect(await ledger.commit('nobody', NOW)).toBe('unknown');
    expect(existsSync(path)).toBe(false);
    await ledger.reserve(hold('big', '20.00'));
    expect(existsSync(path)).toBe(false); // refused: nothing changed
    await ledger.reserve(hold('a', '1.00'));
    const size = statSync(path).size;
    await ledger.reserve(hold('a', '1.00')); // a repeated hold id: a no-op
    await ledger.usage(['g'], NOW);
    await ledger.linkOf('nothing', NOW);
    expect(statSync(path).size).toBe(size);
    await ledger.close?.();
  });

  it('group commit: operations queued together share one lock and one append, each answered as if alone', async () => {
    const path = ledgerPath();
    const ledger = fileLedger({ path });
    const answers = await Promise.all([
      ledger.reserve(hold('a', '6.00')),
      ledger.reserve(hold('b', '6.00')), // does not fit after a
      ledger.commit('a', NOW),
      ledger.usage(['g'], NOW),
      ledger.reserve({ ...hold('bad', '-1') }), // refused as bad input, alone
      ledger.release('a', NOW),
    ].map((answer) => answer.catch((error: unknown) => (error as { code: string }).code)));
    expect(answers).toEqual([
      { ok: true },
      { ok: false, refusal: { key: 'g', limit: '10.00', spent: '0.00', reserved: '6.00', remaining: '4.00' } },
      'committed',
      [{ key: 'g', spent: '6.00', reserved: '0.00' }],
      'invalid_ledger_amount',
      'already_committed',
    ]);
    await ledger.close?.();
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(4); // header, snapshot, reserve, commit
  });

  it('two OS processes hammering one file never overspend: spent is exact at the end', async () => {
    const path = ledgerPath();
    const workers = [worker('hammer', path, '120', '0.10', '5.00'), worker('hammer', path, '120', '0.10', '5.00')];
    const runs = workers.map(finished);
    await Promise.all(workers.map((child) => printed(child, /ready/)));
    writeFileSync(`${path}.go`, '');
    const reports = (await Promise.all(runs)).map((out) => JSON.parse(out.trim().split('\n').pop()!) as { committed: string[]; refused: number });
    const committed = reports.flatMap((report) => report.committed);
    // 5.00 / 0.10 = 50 commits fit, and 240 attempts are more than enough to reach them.
    expect(committed).toHaveLength(50);
    expect(new Set(committed).size).toBe(50);
    expect(reports.every((report) => report.committed.length > 0)).toBe(true);
    expect(await fileLedger({ path }).usage(['shared'], NOW)).toEqual([{ key: 'shared', spent: '5.00', reserved: '0.00' }]);
  });

  it('a process killed with SIGKILL mid-run leaves a readable, consistent ledger', async () => {
    const path = ledgerPath();
    for (let round = 0; round < 2; round += 1) {
      const child = worker('forever', path, '0.01', '1000.00');
      await printed(child, new RegExp(`ops ${20 + round * 30}\\b`));
      await killed(child);
      // Every operation works again (a lock left behind is outwaited) and the state adds up:
      // loading checks that each budget's reserved is what its open holds add up to.
      const ledger = fileLedger({ path, staleLockMs: 2_000 });
      const [usage] = await ledger.usage(['shared'], NOW);
      expect(new Decimal(usage!.spent).plus(usage!.reserved).lte('1000.00')).toBe(true);
      expect(await ledger.reserve({ ...hold(`after-${round}`, '0.01', '1000.00'), budgets: [{ key: 'shared', limit: '1000.00' }] })).toEqual({ ok: true });
      expect((await ledger.inspect(NOW))[0]).toMatchObject({ key: 'shared', reserved: new Decimal(usage!.reserved).plus('0.01').toFixed(2) });
      await ledger.close?.();
    }
  });

  it('a lock whose mtime is in the future (the clock stepped back after a crash) is not taken on a guess; the error says why', async () => {
    const path = ledgerPath();
    const lock = `${realpathSync(join(path, '..'))}/ledger.jsonl.lock`;
    mkdirSync(lock);
    const ahead = new Date(Date.now() + 3_600_000);
    utimesSync(lock, ahead, ahead);
    const ledger = fileLedger({ path, lockTimeoutMs: 300, staleLockMs: 2_000 });
    const waited = await ledger.reserve(hold('a', '1.00')).catch((error: unknown) => error);
    expect(waited).toBeInstanceOf(LedgerUnavailableError);
    expect((waited as LedgerUnavailableError).message).toMatch(new RegExp(
      '^could not lock ledger file .*ledger\\.jsonl within 300 ms: another process holds .*ledger\\.jsonl\\.lock, whose mtime is 3599\\d{3} ms in the future '
      + '\\(was this clock stepped back, or is the holder\'s clock ahead\\?\\), so whether it is abandoned cannot be told: it is taken only staleLockMs '
      + 'after this clock passes that mtime\\. If no process uses the ledger, remove .*ledger\\.jsonl\\.lock \\(a lock not refreshed',
    ));
    expect(existsSync(lock)).toBe(true);
    rmdirSync(lock); // the operator's remedy
    expect(await ledger.reserve(hold('a', '1.00'))).toEqual({ ok: true });
    await ledger.close?.();
  });

  it('waits for a live lock holder, then fails closed; outwaits a killed one (no pid is consulted)', async () => {
    const path = ledgerPath();
    const holder = worker('hold-lock', realpathSync(join(path, '..')) + '/ledger.jsonl');
    await printed(holder, /locked/);
    const ledger = fileLedger({ path, lockTimeoutMs: 300, staleLockMs: 2_000 });
    const waited = await ledger.usage(['g'], NOW).catch((error: unknown) => error);
    expect(waited).toBeInstanceOf(LedgerUnavailableError);
    expect((waited as LedgerUnavailableError).message).toMatch(
      /^could not lock ledger file .*ledger\.jsonl within 300 ms: another process holds .*ledger\.jsonl\.lock, last refreshed \d+ ms ago \(a lock not refreshed for staleLockMs, 2000 ms, is taken as abandoned\)$/,
    );
    await killed(holder);
    expect(existsSync(`${path}.lock`)).toBe(true);
    const patient = fileLedger({ path, lockTimeoutMs: 10_000, staleLockMs: 2_000 });
    expect(await patient.reserve(hold('a', '1.00'))).toEqual({ ok: true });
    await patient.close?.();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('refuses bad options by name', () => {
    const cases: Array<[object, string]> = [
      [{ path: '' }, 'path'],
      [{ path: 'x', staleLockMs: 1_999 }, 'staleLockMs'],
      [{ path: 'x', lockTimeoutMs: 0 }, 'lockTimeoutMs'],
      [{ path: 'x', compactAfterBytes: 1.5 }, 'compactAfterBytes'],
      [{ path: 'x', journalRetentionMs: -1 }, 'journalRetentionMs'],
      [{ path: 'x', readOnly: 'yes' }, 'readOnly'],
    ];
    for (const [options, name] of cases) {
      expect(() => fileLedger(options as never)).toThrow(InvalidOptionError);
      expect(() => fileLedger(options as never)).toThrow(new RegExp(name));
    }
  });

  it('refuses a call it cannot record, naming the field, and records nothing', async () => {
    const path = ledgerPath();
    const ledger = fileLedger({ path });
    await expect(ledger.reserve({ ...hold('a', '1.00'), now: Number.NaN })).rejects.toMatchObject({ code: 'invalid_ledger_request', message: expect.stringContaining('now must be a time') });
    await expect(ledger.reserve({ ...hold('a', '1.00'), budgets: [{ key: 7 as unknown as string, limit: '5' }] })).rejects.toThrow(/budgets\[0\]\.key must be a string/);
    await expect(ledger.settleRequest('r', 'keep' as never, NOW)).rejects.toThrow(/settlement must be "commit" or "release"/);
    await expect(ledger.commit(undefined as never, NOW)).rejects.toThrow(/holdId must be a string/);
    expect(existsSync(path)).toBe(false);
  });

  describe('compaction: the log is rewritten as a snapshot once it outgrows it', () => {
    it('keeps every answer, files the journal, and stays small', async () => {
      const path = ledgerPath();
      const ledger = fileLedger({ path, compactAfterBytes: 2_000 });
      for (let index = 0; index < 60; index += 1) {
        await ledger.reserve({ ...hold(`h${index}`, '0.10', '100.00', NOW + index), details: { endpoint: 'e', scope: { user: 'u1' } } });
        await ledger.link({ requestId: `r${index}`, holdId: `h${index}`, now: NOW + index });
        if (index % 3 === 0) await ledger.release(`h${index}`, NOW + index);
        else await ledger.commit(`h${index}`, NOW + index);
      }
      await ledger.close?.();
      const files = readdirSync(join(path, '..')).sort();
      expect(files).toEqual(['ledger.jsonl', 'ledger.jsonl.journal.2027-01-15.jsonl']);
      // A snapshot of 60 settled holds and the records since: well under the 180 records written.
      expect(readFileSync(path, 'utf8').trimEnd().split('\n').length).toBeLessThan(40);
      const again = fileLedger({ path });
      expect(await again.usage(['g'], NOW + 60)).toEqual([{ key: 'g', spent: '4.00', reserved: '0.00' }]);
      expect(await again.settleRequest('r1', 'release', NOW + 60)).toBe('already_committed');
      const entries = await journalOf(again);
      expect(entries.map((entry) => entry.holdId)).toEqual(Array.from({ length: 60 }, (_, index) => `h${index}`));
      expect(entries[1]).toEqual({
        at: NOW + 1, outcome: 'committed', holdId: 'h1', amount: '0.10', budgets: ['g'], requestId: 'r1', endpoint: 'e', scope: { user: 'u1' },
      });
      await again.close?.();
    });

    it('forgets settled holds after holdRetentionMs, keeps their spend, and keeps the file\'s permissions', async () => {
      const path = ledgerPath();
      const ledger = fileLedger({ path, holdRetentionMs: 1_000, compactAfterBytes: 1 });
      await ledger.reserve(hold('a', '1.00'));
      chmodSync(path, 0o660);
      await ledger.commit('a', NOW);
      expect(await ledger.commit('a', NOW + 500)).toBe('already_committed');
      // Records enough to outweigh the snapshot: it is compacted at NOW + 5 s.
      for (const holdId of ['b', 'c', 'd', 'e']) await ledger.reserve(hold(holdId, '1.00', '10.00', NOW + 5_000));
      expect(await ledger.commit('a', NOW + 5_000)).toBe('unknown');
      expect(await ledger.usage(['g'], NOW + 5_000)).toEqual([{ key: 'g', spent: '1.00', reserved: '4.00' }]);
      expect(statSync(path).mode & 0o777).toBe(0o660);
      await ledger.close?.();
    });

    it('deletes journal files whose whole UTC day is older than journalRetentionMs', async () => {
      const path = ledgerPath();
      const journalFiles = () => readdirSync(join(path, '..')).filter((name) => name.includes('.journal.')).sort();
      const ledger = fileLedger({ path, journalRetentionMs: DAY, compactAfterBytes: 1 });
      const settleSome = async (prefix: string, now: number) => {
        for (let index = 0; index < 4; index += 1) {
          await ledger.reserve(hold(`${prefix}${index}`, '1.00', '100.00', now));
          await ledger.commit(`${prefix}${index}`, now);
        }
      };
      await settleSome('old', NOW);
      expect(journalFiles()).toEqual(['ledger.jsonl.journal.2027-01-15.jsonl']);
      await settleSome('new', NOW + 3 * DAY);
      expect(journalFiles()).toEqual(['ledger.jsonl.journal.2027-01-18.jsonl']);
      expect((await journalOf(ledger)).map((entry) => entry.holdId)).toEqual(['new0', 'new1', 'new2', 'new3']);
      await ledger.close?.();
    });
  });

  describe('readOnly: an operator\'s look that cannot block the app or change a byte', () => {
    it('answers without the lock, counts due holds as expired in its answer only, and refuses to move money', async () => {
      const path = ledgerPath();
      const writer = fileLedger({ path });
      await writer.reserve({ ...hold('due', '2.00'), expiresAt: NOW + 1_000 });
      await writer.reserve(hold('open', '1.00'));
      await writer.link({ requestId: 'req', holdId: 'open', now: NOW });
      await writer.reserve(hold('done', '0.50'));
      await writer.commit('done', NOW);
      await writer.close?.();
      const bytes = readFileSync(path);
      const holder = worker('hold-lock', realpathSync(path));
      await printed(holder, /locked/);

      const reader = fileLedger({ path, readOnly: true, lockTimeoutMs: 100 });
      expect(await reader.usage(['g'], NOW + 5_000)).toEqual([{ key: 'g', spent: '2.50', reserved: '1.00' }]);
      expect(await reader.inspect(NOW)).toEqual([{ key: 'g', limit: '10.00', spent: '0.50', reserved: '3.00', openHolds: 2 }]);
      expect(await reader.linkOf('req', NOW)).toEqual({ requestId: 'req', holdId: 'open', status: 'held' });
      expect((await journalOf(reader)).map((entry) => entry.holdId)).toEqual(['done']);
      for (const [name, call] of [
        ['reserve', () => reader.reserve(hold('x', '1.00'))],
        ['commit', () => reader.commit('open', NOW)],
        ['release', () => reader.release('open', NOW)],
        ['link', () => reader.link({ requestId: 'r2', holdId: 'open', now: NOW })],
        ['settleRequest', () => reader.settleRequest('req', 'commit', NOW)],
      ] as const) {
        await expect(call()).rejects.toThrow(new RegExp(`is open read-only: ${name} is refused`));
      }
      expect(readFileSync(path).equals(bytes)).toBe(true);
      expect(readdirSync(join(path, '..')).sort()).toEqual(['ledger.jsonl', 'ledger.jsonl.lock']);
      await killed(holder);
    });

    it('reads a missing file as an empty ledger and creates nothing', async () => {
      const path = ledgerPath();
      const reader = fileLedger({ path, readOnly: true });
      expect(await reader.inspect(NOW)).toEqual([]);
      expect(await journalOf(reader)).toEqual([]);
      expect(existsSync(path)).toBe(false);
    });
  });

  it('a directory that does not exist is a LedgerUnavailableError, and so is a path that is a directory', async () => {
    const missing = join(ledgerPath(), '..', 'missing', 'ledger.jsonl');
    await expect(fileLedger({ path: missing }).reserve(hold('a', '1.00'))).rejects.toThrow(LedgerUnavailableError);
    await expect(fileLedger({ path: missing }).reserve(hold('a', '1.00'))).rejects.toThrow(/cannot open ledger file .*missing\/ledger\.jsonl: ENOENT/);
    const directory = join(ledgerPath(), '..');
    await expect(fileLedger({ path: directory }).usage(['g'], NOW)).rejects.toThrow(/cannot read ledger file .*: it is not a regular file/);
  });
});
