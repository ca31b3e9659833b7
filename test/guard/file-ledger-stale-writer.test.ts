import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/budget/ledger-types.js';
import { fileLedger } from '../../src/node.js';
import { finished, ledgerPath, stopped, worker } from './support/file-ledger-processes.js';
import { journalOf } from '../support/journal.js';

/**
 * A writer whose lock is taken from it between reading the file and changing it (paused past
 * staleLockMs: a stop, a long GC, a suspended VM) must never remove what the process that took
 * the lock appended. The reviewer's interleavings, with a real process stopped by SIGSTOP just
 * before its first change to a file and resumed by SIGCONT after another writer went on.
 */
const NOW = 1_800_000_000_000; // the worker's clock
const budgets = [{ key: 'g', limit: '10.00' }];
const reserve = (ledger: Ledger, holdId: string, amount: string) => ledger.reserve({ holdId, amount, budgets, expiresAt: NOW + 3_600_000, now: NOW });

describe('a writer whose lock was taken over while it was paused', () => {
  it('after torn bytes in the log: the acknowledged record of the writer that took over stays; the late one is refused', async () => {
    const path = ledgerPath();
    const first = fileLedger({ path });
    expect(await reserve(first, 'h0', '1.00')).toEqual({ ok: true });
    await first.close?.();
    // A writer SIGKILLed mid-append left a record without its newline.
    appendFileSync(path, `{"offset":${statSync(path).size},"writer":"dead","op":"reserve"`);
    const before = readFileSync(path);

    const late = worker('paused', path, '"op":"reserve"', 'r', 'h1', '100000000');
    const output = finished(late);
    await stopped(late);
    // The lock is not refreshed while its holder is stopped: this writer takes it once stale.
    const taker = fileLedger({ path, staleLockMs: 2_000, lockTimeoutMs: 20_000 });
    expect(await reserve(taker, 'h2', '5.00')).toEqual({ ok: true });
    await taker.close?.();
    late.kill('SIGCONT');
    expect(await output).toMatch(/^pausing before a (write|truncate)\nE reserve h1 ledger_unavailable\ndone\n$/);

    // No byte anyone wrote was removed, and a fresh reader counts h2, not h1.
    expect(readFileSync(path).subarray(0, before.length).equals(before)).toBe(true);
    const fresh = fileLedger({ path });
    expect(await fresh.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '0.00', reserved: '6.00' }]);
    expect(await fresh.commit('h2', NOW)).toBe('committed');
    expect(await fresh.commit('h1', NOW)).toBe('unknown');
    await fresh.close?.();
  }, 30_000);

  it('after a torn line in the journal: the entries the writer that took over filed stay', async () => {
    const path = ledgerPath();
    const first = fileLedger({ path, compactAfterBytes: 100_000_000 });
    expect(await reserve(first, 'hA', '1.00')).toEqual({ ok: true });
    expect(await first.commit('hA', NOW)).toBe('committed');
    await first.close?.();
    // The journal's day file, its last line cut off by a crash mid-compaction.
    const dayFile = `${path}.journal.2027-01-15.jsonl`;
    writeFileSync(dayFile, '{"seq":0,"at":');

    // Reserves, then compacts: stops just before it files the journal.
    const late = worker('paused', path, '^\\n?\\{"seq":', 'r', 'hC', '1');
    const output = finished(late);
    await stopped(late);
    const taker = fileLedger({ path, staleLockMs: 2_000, lockTimeoutMs: 20_000, compactAfterBytes: 1 });
    expect(await reserve(taker, 'hB', '1.00')).toEqual({ ok: true });
    expect(await taker.commit('hB', NOW)).toBe('committed');
    for (const holdId of ['hD', 'hE']) expect(await reserve(taker, holdId, '0.10')).toEqual({ ok: true });
    await taker.close?.();
    const filed = readFileSync(dayFile);
    late.kill('SIGCONT');
    expect(await output).toMatch(/^reserve hC \{"ok":true\}\npausing before a (write|truncate)\ndone\n$/);

    expect(readFileSync(dayFile).subarray(0, filed.length).equals(filed)).toBe(true);
    const fresh = fileLedger({ path });
    expect((await journalOf(fresh)).map((entry) => `${entry.holdId} ${entry.outcome} ${entry.amount}`)).toEqual(['hA committed 1.00', 'hB committed 1.00']);
    expect(await fresh.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '2.00', reserved: '1.20' }]);
    await fresh.close?.();
  }, 30_000);
});
