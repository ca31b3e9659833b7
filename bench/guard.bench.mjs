// The budget guard's cost. (1) subscribe through guard.wrap(client) against the same client
// unwrapped, both on one in-process fake of fal's queue (no network: the guard's own work is
// all that differs; target at most 10% more). Rounds alternate so drift hits both. (2) The
// in-memory ledger: one reserve + commit pair, in ns. (The file ledger: bench/file-ledger.bench.mjs.)
import { cpus } from 'node:os';
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

async function subscribeOverhead() {
  const fetch = fakeFetch();
  const client = createFalClient({ credentials: 'bench', fetch });
  const guard = createBudgetGuard({ limit: '9000000.00' });
  // A wrapped client sends through guardedFetch (it reserves retries and checks each attempt).
  const guarded = guard.wrap(createFalClient({ credentials: 'bench', fetch: guardedFetch(guard, fetch) }));
  const CALLS = 20_000;
  const once = async (fal) => {
    const start = process.hrtime.bigint();
    await fal.subscribe(V2V, { input: INPUT, pollInterval: 1 });
    return Number(process.hrtime.bigint() - start);
  };
  for (let index = 0; index < 2_000; index += 1) {
    await once(client);
    await once(guarded);
  }
  // Call by call, alternating, so a busy neighbour or a GC pause falls on both sides alike.
  const plain = [];
  const wrapped = [];
  for (let index = 0; index < CALLS; index += 1) {
    if (index % 2 === 0) {
      plain.push(await once(client));
      wrapped.push(await once(guarded));
    } else {
      wrapped.push(await once(guarded));
      plain.push(await once(client));
    }
  }
  const status = await guard.status();
  const ratio = median(wrapped) / median(plain);
  console.log(`subscribe, unguarded: ${(median(plain) / 1000).toFixed(1)} µs per call (median of ${CALLS}, alternating call by call)`);
  console.log(`subscribe, guarded:   ${(median(wrapped) / 1000).toFixed(1)} µs per call (+${((median(wrapped) - median(plain)) / 1000).toFixed(1)} µs)`);
  console.log(`guarded / unguarded:  ${ratio.toFixed(3)} (${((ratio - 1) * 100).toFixed(1)}% overhead; target <= 10%)`);
  console.log(`  every guarded call reserved and committed: spent $${status.spent}, reserved $${status.reserved}`);
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
await subscribeOverhead();
await memoryPairs();
