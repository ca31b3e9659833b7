import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileLedger } from '../../src/node.js';
import { tempDirectory } from './support/file-ledger-processes.js';

/**
 * A full disk: write() writes what fits and says how much. A compaction whose new file could not
 * be written whole must change nothing, or the truncated copy replaces the only good one. Proved on
 * a real, small tmpfs (mounted here, as root); elsewhere the test is skipped with a warning, and
 * under CI=true (run as root) it fails instead.
 */
const canMount = process.getuid?.() === 0 && (() => {
  const probe = tempDirectory();
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (mounted) spawnSync('umount', [probe]);
  return mounted;
})();

const mounts: string[] = [];
afterEach(() => {
  for (const mount of mounts.splice(0)) spawnSync('umount', ['-l', mount]);
});

/** A fresh tmpfs of `size` bytes; unmounted after the test. */
function smallDisk(size: number): string {
  const directory = join(tempDirectory(), 'disk');
  mkdirSync(directory);
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', directory]);
  if (result.status !== 0) throw new Error(`mount failed: ${result.stderr.toString()}`);
  mounts.push(directory);
  return directory;
}

/** Fills the disk of `directory` until `left` bytes are free; returns the filler's path. */
function fill(directory: string, left: number): string {
  const { bavail, bsize } = statfsSync(directory);
  const filler = join(directory, 'other-data');
  writeFileSync(filler, Buffer.alloc(Number(bavail) * Number(bsize) - left));
  return filler;
}

const NOW = 1_800_000_000_000;
const budgets = [{ key: 'g', limit: '1000.00' }];
const hold = (holdId: string) => ({ holdId, amount: '0.10', budgets, expiresAt: NOW + 3_600_000, now: NOW });

if (!canMount) console.warn(`!!! ${process.env.CI === 'true' ? 'FAILING' : 'SKIPPED'} "file ledger on a full disk": needs root and mount -t tmpfs`);
describe.skipIf(!canMount && process.env.CI !== 'true')('file ledger on a full disk', () => {
  it('a compaction that cannot write its new file whole changes nothing; the ledger goes on once there is room', async () => {
    const directory = smallDisk(1024 * 1024);
    const path = join(directory, 'ledger.jsonl');
    const app = fileLedger({ path });
    const holds = Array.from({ length: 600 }, (_, index) => `h${index}`);
    for (let index = 0; index < holds.length; index += 50) {
      for (const answer of await Promise.all(holds.slice(index, index + 50).map((holdId) => app.reserve(hold(holdId))))) expect(answer).toEqual({ ok: true });
    }
    await app.close?.();
    const before = readFileSync(path);
    // Room for a record, not for a snapshot of 600 holds.
    const filler = fill(directory, 24 * 1024);

    const compacting = fileLedger({ path, compactAfterBytes: 1 });
    expect(await compacting.reserve(hold('x'))).toEqual({ ok: true }); // answered; the compaction after it fails
    await compacting.close?.();
    const after = readFileSync(path);
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const fresh = fileLedger({ path });
    expect(await fresh.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '0.00', reserved: '60.10' }]);
    await fresh.close?.();

    unlinkSync(filler);
    const later = fileLedger({ path, compactAfterBytes: 1 });
    expect(await later.release('x', NOW)).toBe('released'); // and now it compacts
    await later.close?.();
    expect(readFileSync(path).length).toBeLessThan(before.length);
    const last = fileLedger({ path });
    expect(await last.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '0.00', reserved: '60.00' }]);
    await last.close?.();
  }, 60_000);
});
