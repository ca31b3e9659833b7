// The file ledger's cost per operation as history grows (issue 9 §2): reserve + commit pairs,
// each awaited (so each operation takes the lock, reads what is new, appends and fsyncs alone),
// on ledgers keeping 0 / 10 / 1,000 / 100,000 settled holds, with 1 / 3 / 10 budgets per call.
// Target: with 100,000 settled holds kept, at least half the operations/s of an empty ledger.
// Rounds alternate between the ledgers so a busy neighbour hits them alike; medians.
// Run on the temp directory (a disk: fsync is most of an operation) and on /dev/shm (memory: what
// is left is the ledger's own work, where a cost that grows with history would show).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLedgerLog } from '../dist/guard/ledgers/file-ledger-log.js';
import { JournalFiles } from '../dist/guard/ledgers/file-ledger-journal.js';
import { fileLedger } from '../dist/node.js';

const NOW = 1_800_000_000_000;
const HOLDS = [0, 10, 1_000, 100_000];
const BUDGETS = [1, 3, 10];
const ROUNDS = 7;
const PAIRS_PER_ROUND = 60;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const budgetsOf = (count) => Array.from({ length: count }, (_, index) => ({ key: `budget-${index}`, limit: '9000000.00' }));
const request = (holdId, budgets) => ({
  holdId, amount: '4.32', budgets, expiresAt: NOW + 3_600_000, now: NOW,
  details: { endpoint: 'luma/agent/ray/v3.2/video-to-video', provider: 'fal', pricingVersion: '2026-11-21', pricingSha256: 'ab'.repeat(32), scope: { user: 'u42' } },
});

/** A ledger file keeping `holds` settled holds, filled 128 holds at a time (each batch one append: group commit). */
async function filled(directory, holds, budgets) {
  const path = join(directory, `ledger-${holds}-${budgets.length}.jsonl`);
  const ledger = fileLedger({ path });
  for (let start = 0; start < holds; start += 128) {
    const ids = Array.from({ length: Math.min(128, holds - start) }, (_, index) => `kept-${start + index}`);
    await Promise.all(ids.map(async (holdId) => {
      await ledger.reserve(request(holdId, budgets));
      await ledger.commit(holdId, NOW);
    }));
  }
  await ledger.close();
  return path;
}

async function measure(label, directory) {
  console.log(`\n### ${label} (${directory})`);
  const ledgers = [];
  for (const budgetCount of BUDGETS) {
    for (const holds of HOLDS) {
      const budgets = budgetsOf(budgetCount);
      const setupStart = process.hrtime.bigint();
      const path = await filled(directory, holds, budgets);
      const setupMs = Number(process.hrtime.bigint() - setupStart) / 1e6;
      // A fresh instance, as a process starting on an existing file: its first call loads it.
      const ledger = fileLedger({ path });
      const loadStart = process.hrtime.bigint();
      await ledger.usage(['budget-0'], NOW);
      const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
      ledgers.push({ holds, budgetCount, budgets, path, ledger, setupMs, loadMs, rounds: [], next: 0, sizeBefore: existsSync(path) ? statSync(path).size : 0 });
    }
  }
  for (let round = 0; round < ROUNDS + 1; round += 1) {
    for (const entry of round % 2 === 0 ? ledgers : [...ledgers].reverse()) {
      globalThis.gc?.();
      const start = process.hrtime.bigint();
      for (let pair = 0; pair < PAIRS_PER_ROUND; pair += 1, entry.next += 1) {
        const holdId = `bench-${entry.next}`;
        await entry.ledger.reserve(request(holdId, entry.budgets));
        await entry.ledger.commit(holdId, NOW);
      }
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (round > 0) entry.rounds.push((2 * PAIRS_PER_ROUND) / seconds); // round 0 warms up
    }
  }
  console.log('| settled holds kept | ' + BUDGETS.map((count) => `${count} budget${count === 1 ? '' : 's'}`).join(' | ') + ' |');
  console.log('|---:|' + BUDGETS.map(() => '---:').join('|') + '|');
  for (const holds of HOLDS) {
    const cells = BUDGETS.map((budgetCount) => {
      const entry = ledgers.find((candidate) => candidate.holds === holds && candidate.budgetCount === budgetCount);
      const empty = ledgers.find((candidate) => candidate.holds === 0 && candidate.budgetCount === budgetCount);
      const ops = median(entry.rounds);
      return `${ops.toFixed(0)} ops/s (${(ops / median(empty.rounds)).toFixed(2)}x)`;
    });
    console.log(`| ${holds.toLocaleString('en-US')} | ${cells.join(' | ')} |`);
  }
  for (const entry of ledgers.filter((candidate) => candidate.holds === 100_000)) {
    console.log(`100,000 kept, ${entry.budgetCount} budget(s): file ${(statSync(entry.path).size / 1e6).toFixed(1)} MB, filled in ${(entry.setupMs / 1000).toFixed(1)} s, `
      + `loaded by a new instance in ${entry.loadMs.toFixed(0)} ms`);
  }
  // Compaction is what the flat cost pays for: the snapshot rewritten once the records since it
  // outweigh it. Timed on the largest ledger through the log itself (file-ledger-log.ts).
  const largest = ledgers.find((candidate) => candidate.holds === 100_000 && candidate.budgetCount === 1);
  await largest.ledger.close();
  const recordBytes = (statSync(largest.path).size - largest.sizeBefore) / (2 * largest.next);
  const log = new FileLedgerLog(largest.path, false);
  const follower = new FileLedgerLog(largest.path, false); // another process, up to date before the compaction
  await Promise.all([log.catchUp(), follower.catchUp()]);
  const compactStart = process.hrtime.bigint();
  await log.compact(NOW, 86_400_000, new JournalFiles(largest.path), () => true);
  const compactMs = Number(process.hrtime.bigint() - compactStart) / 1e6;
  await log.close();
  const followStart = process.hrtime.bigint();
  await follower.catchUp();
  const followMs = Number(process.hrtime.bigint() - followStart) / 1e6;
  const followed = follower.loads === 1;
  await follower.close();
  const snapshotBytes = statSync(largest.path).size;
  const reader = new FileLedgerLog(largest.path, false);
  const reloadStart = process.hrtime.bigint();
  await reader.catchUp();
  const reloadMs = Number(process.hrtime.bigint() - reloadStart) / 1e6;
  await reader.close();
  const perCompaction = Math.round(snapshotBytes / recordBytes);
  console.log(`compaction of the 100,000-hold ledger: ${compactMs.toFixed(0)} ms (snapshot ${(snapshotBytes / 1e6).toFixed(1)} MB; records ${recordBytes.toFixed(0)} bytes each), `
    + `due once per ~${perCompaction.toLocaleString('en-US')} operations: ${(compactMs * 1000 / perCompaction).toFixed(1)} µs per operation amortised`);
  console.log(`another process, up to date before it: ${followed ? 'follows from the seal' : 'READ THE FILE AGAIN'} in ${followMs.toFixed(1)} ms; `
    + `a process starting on the file reads it in ${reloadMs.toFixed(0)} ms`);
  for (const entry of ledgers) if (entry !== largest) await entry.ledger.close();
}

console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${new Date().toISOString()}`);
for (const [label, base] of [['disk: the temp directory', tmpdir()], ['memory: /dev/shm', '/dev/shm']]) {
  if (!existsSync(base)) {
    console.log(`\n### ${label}: not on this machine, skipped`);
    continue;
  }
  const directory = mkdtempSync(join(base, 'fal-budget-file-bench-'));
  try {
    await measure(label, directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
