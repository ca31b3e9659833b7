// The memory ledger's cost as it holds more (issue 9 §3): reserve + commit with N holds open and
// one of them falling due on every call, for N = 10, 1,000 and 100,000, and with 1, 3 and 10
// budgets per call. Expiry pops a min-heap, so the cost should stay flat in N (at most log n).
// Ratios to the smallest case, measured side by side in this process; rounds alternate sizes.
import { cpus } from 'node:os';
import { memoryLedger } from '../dist/index.js';

const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function budgetsOf(count) {
  return Array.from({ length: count }, (_, index) => ({ key: `budget-${index}/user=42/day=2026-12-02@UTC`, limit: '9000000.00', windowEndsAt: T0 + 24 * HOUR }));
}

/**
 * A ledger with `open` holds whose expiries are 1 ms apart, then `pairs` steps of: the clock moves
 * 1 ms (one old hold falls due and expires inside the next call), reserve a new hold expiring
 * after all the others, commit it. The number of open holds stays `open` throughout.
 */
async function scenario(open, budgetCount) {
  const ledger = memoryLedger();
  const budgets = budgetsOf(budgetCount);
  let now = T0;
  for (let index = 0; index < open; index += 1) {
    await ledger.reserve({ holdId: `open-${index}`, amount: '0.72', budgets, expiresAt: T0 + HOUR + index, now });
  }
  let next = 0;
  let clock = T0 + HOUR;
  return async (pairs) => {
    const start = process.hrtime.bigint();
    for (let step = 0; step < pairs; step += 1) {
      clock += 1;
      const holdId = `new-${next++}`;
      await ledger.reserve({ holdId, amount: '4.32', budgets, expiresAt: clock + HOUR + open, now: clock });
      // Keep `open` holds open: this one stays, the one that expired is replaced.
      if (step % 2 === 1) await ledger.commit(holdId, clock);
    }
    return Number(process.hrtime.bigint() - start) / pairs;
  };
}

const SIZES = [10, 1_000, 100_000];
const BUDGETS = [1, 3, 10];
const PAIRS = 20_000;
const ROUNDS = 7;

console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`);
console.log(`memory ledger: reserve (+ commit every other call) with N holds open and one falling due per call; ns per call, median of ${ROUNDS} rounds of ${PAIRS}`);
for (const budgetCount of BUDGETS) {
  const runs = [];
  for (const size of SIZES) runs.push({ size, run: await scenario(size, budgetCount), times: [] });
  for (const entry of runs) await entry.run(2_000);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const entry of round % 2 === 0 ? runs : [...runs].reverse()) {
      globalThis.gc?.();
      entry.times.push(await entry.run(PAIRS));
    }
  }
  const base = median(runs[0].times);
  // The ratio per round (each size against the 10-hold ledger in the same round), then its median and spread.
  const cells = runs.map((entry) => {
    const ratios = entry.times.map((time, round) => time / runs[0].times[round]);
    return `${entry.size.toLocaleString('en-US')} open: ${median(entry.times).toFixed(0)} ns (${(median(entry.times) / base).toFixed(2)}x; per round ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}x)`;
  });
  console.log(`  ${budgetCount} budget${budgetCount === 1 ? ' ' : 's'}: ${cells.join(' | ')}`);
}
