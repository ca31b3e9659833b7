// The budget guard's cost. (1) subscribe through guard.wrap(client), the client created with
// createFalClient({ fetch: guardedFetch(guard, fakeFal) }), against the same client unwrapped on
// the same in-process fake of fal's queue (no network: the guard's own work is all that differs),
// with 1, 3 and 10 budgets (target: at most 5% over with 1, at most 1 µs per extra budget), with
// the guards' clock today and again moved to a day of a daylight-saving change.
// All four clients run in ONE loop, call by call in a rotating order, so drift and a busy
// neighbour hit them alike; several rounds, each giving its medians; we report the median round
// and the spread. (2) The in-memory ledger: one reserve + commit pair, in ns.
// (Growth with open holds: bench/memory-ledger.bench.mjs; the file ledger: bench/file-ledger.bench.mjs.)
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createFalClient } from '@fal-ai/client';
import { createBudgetGuard, guardedFetch, memoryLedger } from '../dist/index.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const INPUT = { prompt: 'a cat surfing a wave at dusk', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true };

/** fal's queue protocol, answered in process: submit, one status poll (COMPLETED), result. */
function fakeFetch() {
  let next = 0;
  const json = (body) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  return async (url, init) => {
    const path = new URL(String(url)).pathname;
    if (init?.method === 'POST') {
      const id = `req-${next++}`;
      return json({ status: 'IN_QUEUE', request_id: id, status_url: '', response_url: '', cancel_url: '' });
    }
    if (path.endsWith('/status')) return json({ status: 'COMPLETED', logs: [], metrics: {} });
    return json({ video: { url: 'https://v3.fal.media/files/out.mp4' } });
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * A global limit, then per-user and windowed budgets (day / week / month, UTC and New York):
 * what a guard with many budgets looks like. Every call draws on all of them.
 */
function budgetOptions(count) {
  const budgets = [];
  for (let index = 1; index < count; index += 1) {
    budgets.push({
      name: `budget-${index}`, limit: '9000000.00', window: ['day', 'week', 'month'][index % 3], timeZone: index % 2 === 0 ? 'UTC' : 'America/New_York',
      ...(index % 2 === 1 ? { scope: 'user' } : {}),
    });
  }
  return { limit: '9000000.00', budgets };
}

const COUNTS = [1, 3, 10];
const ROUNDS = 7;
const CALLS_PER_ROUND = 3_000;

/**
 * `clock`: the guards' clock, today's (the default) or one moved to a day whose day, week and month windows in
 * New York all have a daylight-saving change inside (2027-03-14), which the guard must keep as
 * cheaply as any other window.
 */
async function subscribeOverhead(clock) {
  const fetch = fakeFetch();
  const subjects = [{ label: 'unguarded', fal: createFalClient({ credentials: 'bench', fetch }), rounds: [] }];
  const guards = [];
  for (const count of COUNTS) {
    // Today's clock is the guard's default (no `now` option), as an app runs it.
    const guard = createBudgetGuard({ ...budgetOptions(count), ...(clock.now === undefined ? {} : { now: clock.now }) });
    guards.push(guard);
    const fal = guard.wrap(createFalClient({ credentials: 'bench', fetch: guardedFetch(guard, fetch) }), { context: { user: 'u42' } });
    subjects.push({ label: `${count} budget${count === 1 ? '' : 's'}`, count, fal, rounds: [] });
  }
  const once = async (fal) => {
    const start = process.hrtime.bigint();
    await fal.subscribe(V2V, { input: INPUT, pollInterval: 1 });
    return Number(process.hrtime.bigint() - start);
  };
  for (let index = 0; index < 2_000; index += 1) for (const subject of subjects) await once(subject.fal);
  for (let round = 0; round < ROUNDS; round += 1) {
    const times = subjects.map(() => []);
    for (let index = 0; index < CALLS_PER_ROUND; index += 1) {
      // Rotate who goes first, so no client always follows another's garbage.
      for (let offset = 0; offset < subjects.length; offset += 1) {
        const which = (index + offset) % subjects.length;
        times[which].push(await once(subjects[which].fal));
      }
    }
    subjects.forEach((subject, which) => subject.rounds.push(median(times[which])));
  }
  const plain = subjects[0];
  console.log(`subscribe, the guards' clock ${clock.label}, ${ROUNDS} rounds of ${CALLS_PER_ROUND} calls per client, interleaved call by call; per round the median call; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
  console.log(`| client | µs per call (median round) | ratio to unguarded: median (min–max over rounds) | overhead µs: median (min–max) |`);
  console.log('|---|---:|---:|---:|');
  const overheads = new Map();
  for (const subject of subjects) {
    const ratios = subject.rounds.map((time, round) => time / plain.rounds[round]);
    const extra = subject.rounds.map((time, round) => (time - plain.rounds[round]) / 1000);
    overheads.set(subject.count, extra);
    console.log(`| ${subject.label} | ${(median(subject.rounds) / 1000).toFixed(1)} | ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}) | `
      + `${subject === plain ? '—' : `${median(extra).toFixed(1)} (${Math.min(...extra).toFixed(1)} to ${Math.max(...extra).toFixed(1)})`} |`);
  }
  for (const count of COUNTS.slice(1)) {
    const perBudget = overheads.get(count).map((extra, round) => (extra - overheads.get(1)[round]) / (count - 1));
    console.log(`each budget beyond the first, with ${count}: ${median(perBudget).toFixed(2)} µs (${Math.min(...perBudget).toFixed(2)} to ${Math.max(...perBudget).toFixed(2)}) per call (target <= 1 µs)`);
  }
  for (const [index, guard] of guards.entries()) {
    const status = await guard.status({ user: 'u42' });
    if (status.reserved !== '0.00') throw new Error(`guard ${COUNTS[index]}: holds left open: ${status.reserved}`);
  }
  console.log('  every guarded call reserved and committed (nothing left reserved)');
}

async function memoryPairs() {
  const budgets = [{ key: 'global', limit: '9000000.00' }, { key: 'per-user/user=42/day=2026-11-24@UTC', limit: '9000000.00', windowEndsAt: 1_800_086_400_000 }];
  const PAIRS = 50_000;
  const ids = Array.from({ length: PAIRS }, (_, index) => `fal-budget:${index}`);
  // A fresh ledger each round: settled holds are kept 7 days, so one ledger would only grow.
  const run = async () => {
    const ledger = memoryLedger();
    const start = process.hrtime.bigint();
    for (const holdId of ids) {
      await ledger.reserve({ holdId, amount: '4.32', budgets, expiresAt: 1_800_003_600_000, now: 1_800_000_000_000 });
      await ledger.commit(holdId, 1_800_000_000_000);
    }
    return Number(process.hrtime.bigint() - start) / PAIRS;
  };
  await run();
  const times = [];
  for (let round = 0; round < 7; round += 1) {
    globalThis.gc?.();
    times.push(await run());
  }
  console.log(`memory ledger, reserve + commit across 2 budgets: ${median(times).toFixed(0)} ns per pair (median of 7 rounds of ${PAIRS})`);
}

console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`);
// The moved clock runs in a process of its own: a second pass in this one is slower whichever
// clock it has (measured: 1.041-1.056x with 1 budget against 1.034-1.039x first).
const movedTo = process.env.GUARD_BENCH_CLOCK;
if (movedTo === undefined) {
  await subscribeOverhead({ label: 'today' });
  await memoryPairs();
  const moved = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    stdio: 'inherit', env: { ...process.env, GUARD_BENCH_CLOCK: '2027-03-14T12:00:00Z' },
  });
  if (moved.status !== 0) process.exitCode = 1;
} else {
  const shift = Date.parse(movedTo) - Date.now();
  await subscribeOverhead({ label: `at ${movedTo} (New York springs forward at 07:00Z that day)`, now: () => Date.now() + shift });
}
