import { copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/budget/ledger-types.js';
import { LedgerUnavailableError } from '../../src/index.js';
import { fileLedger } from '../../src/node.js';
import { tempDirectory } from './support/file-ledger-processes.js';

const NOW = 1_800_000_000_000;
const budgets = [{ key: 'g', limit: '100.00' }];
const reserve = (ledger: Ledger, holdId: string, amount = '1.00') => ledger.reserve({ holdId, amount, budgets, now: NOW, expiresAt: NOW + 60_000 });

/** Reserves and commits `count` holds through `ledger`, the lot at once (one process's burst). */
async function burst(ledger: Ledger, prefix: string, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, async (_, index) => {
    expect(await reserve(ledger, `${prefix}${index}`, '0.25')).toEqual({ ok: true });
    expect(await ledger.commit(`${prefix}${index}`, NOW)).toBe('committed');
  }));
}

describe('a path and a symlink to it are one ledger', () => {
  it('opened by the path first, then by the link: one state, one lock, and the link stays a link through compactions', async () => {
    const directory = tempDirectory();
    const target = join(directory, 'ledger.jsonl');
    const link = join(directory, 'alias.jsonl');
    symlinkSync('ledger.jsonl', link); // relative, as `ln -s` makes them
    const byPath = fileLedger({ path: target, compactAfterBytes: 1 });
    await reserve(byPath, 'first');
    const byLink = fileLedger({ path: link, compactAfterBytes: 1 });
    expect(await byLink.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '0.00', reserved: '1.00' }]);
    // Both at once: they queue on one lock, or some of these would fail or be lost.
    await Promise.all([burst(byPath, 'p', 20), burst(byLink, 'l', 20)]);
    expect(await byPath.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '10.00', reserved: '1.00' }]);
    await Promise.all([byPath.close?.(), byLink.close?.()]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(target).isFile()).toBe(true);
    // Lock, journal and temp files are named after the target only.
    expect(readdirSync(directory).filter((name) => name.startsWith('alias'))).toEqual(['alias.jsonl']);
    expect(readdirSync(directory).some((name) => name.startsWith('ledger.jsonl.journal.'))).toBe(true);
  });

  it('opened by the link first, before the file exists: the target is created, then found by its own path', async () => {
    const directory = tempDirectory();
    const real = join(directory, 'real');
    mkdirSync(real);
    const target = join(real, 'ledger.jsonl');
    // A link to a link to a file not created yet, through a linked directory.
    symlinkSync(real, join(directory, 'volume'));
    symlinkSync(join(directory, 'volume', 'ledger.jsonl'), join(directory, 'first.jsonl'));
    symlinkSync('first.jsonl', join(directory, 'second.jsonl'));
    const byLink = fileLedger({ path: join(directory, 'second.jsonl'), compactAfterBytes: 1 });
    await reserve(byLink, 'a', '2.50');
    await byLink.commit('a', NOW);
    expect(lstatSync(target).isFile()).toBe(true);
    expect(lstatSync(join(directory, 'second.jsonl')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(directory, 'first.jsonl')).isSymbolicLink()).toBe(true);
    const byPath = fileLedger({ path: target });
    expect(await byPath.commit('a', NOW)).toBe('already_committed');
    await Promise.all([burst(byPath, 'p', 10), burst(byLink, 'l', 10)]);
    expect(await byLink.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '7.50', reserved: '0.00' }]);
    await Promise.all([byPath.close?.(), byLink.close?.()]);
    expect(readdirSync(directory).sort()).toEqual(['first.jsonl', 'real', 'second.jsonl', 'volume']);
    expect(JSON.parse(readFileSync(target, 'utf8').split('\n')[0]!)).toMatchObject({ kind: 'header' });
  });
});

describe('a symlink swapped while processes run', () => {
  it('is refused by a process that opened the old target, naming both files; the new target is one ledger', async () => {
    const directory = tempDirectory();
    const link = join(directory, 'ledger.jsonl');
    const first = join(directory, 'v1.jsonl');
    const second = join(directory, 'v2.jsonl');
    symlinkSync('v1.jsonl', link);
    const early = fileLedger({ path: link });
    expect(await reserve(early, 'h1', '6.00')).toEqual({ ok: true });
    // The operator moves the ledger and swaps the link atomically (ln -sfn).
    copyFileSync(first, second);
    symlinkSync('v2.jsonl', join(directory, 'next-link'));
    renameSync(join(directory, 'next-link'), link);
    const late = fileLedger({ path: link });
    const refused = await reserve(early, 'h2', '4.00').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LedgerUnavailableError);
    expect((refused as Error).message).toBe(
      `ledger path ${link} named ${first} when this process opened it and names ${second} now (a symlink changed?); refusing to go on with either: restart the process to use the new file`,
    );
    expect(await early.usage(['g'], NOW).catch((error: unknown) => error)).toBeInstanceOf(LedgerUnavailableError);
    expect(await reserve(late, 'h3', '4.00')).toEqual({ ok: true });
    expect(await late.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '0.00', reserved: '10.00' }]);
    await early.close?.();
    await late.close?.();
  });
});
