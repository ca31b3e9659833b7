// The Redis ledger on loopback. (1) reserve, and reserve + commit, against the floor of a bare
// Redis round trip (PING, and an EVALSHA of `return 1`) on an identical ioredis connection
// (target: at most 2x the floor). (2) How its cost grows: a reserve that also finds one hold due
// (expiry and journal entry in the same script) at 10 / 1,000 / 100,000 open holds, and across
// 1 / 3 / 10 budgets per call. (3) What the guard adds by reading Redis's clock for windows.
// Starts its own redis-server (no persistence: fsync would measure the disk) unless REDIS_URL is set.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createBudgetGuard } from '../dist/index.js';
import { redisLedger } from '../dist/node.js';

const CALLS = 12_000;
const SCALING_CALLS = 3_000;
const HOLD_COUNTS = [10, 1_000, 100_000];
const BUDGET_COUNTS = [1, 3, 10];
const CONCURRENT = 64;
const CONCURRENT_OPS = 10_000;

async function startServer() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop() {} };
  if (spawnSync('redis-server', ['--version']).error) {
    console.log('SKIPPED: redis-server is not installed (apt-get install redis-server), and REDIS_URL is not set.');
    process.exit(0);
  }
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'fal-budget-bench-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', ''], { stdio: 'ignore' });
  // Even if the benchmark throws, the server it started goes with it.
  process.on('exit', () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `redis://127.0.0.1:${port}`;
  let probe;
  for (let attempt = 0; ; attempt += 1) {
    probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      break;
    } catch (error) {
      probe.disconnect();
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const version = (await probe.info('server')).match(/redis_version:(\S+)/)?.[1];
  probe.disconnect();
  return { url, version, stop() { child.kill('SIGTERM'); } };
}

const server = await startServer();
// The same fail-fast options the ledger gives its own connection.
const floor = new Redis(server.url, { enableOfflineQueue: true, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 0 });
await floor.ping();
const noopSha = await floor.script('LOAD', 'return 1');
const ledger = redisLedger({ url: server.url, prefix: `bench-${process.pid}` });

let sequence = 0;
const HOUR = 3_600_000;
const oneBudget = [{ key: 'global', limit: '9000000' }];
const threeBudgets = [{ key: 'global', limit: '9000000' }, { key: 'user:42:day:2026-11-24', limit: '9000000', windowEndsAt: Date.now() + HOUR }, { key: 'project:demo', limit: '9000000' }];
async function reserve(budgets) {
  const now = Date.now();
  const holdId = `h${sequence++}`;
  const result = await ledger.reserve({ holdId, amount: '0.01', budgets, now, expiresAt: now + HOUR });
  if (!result.ok) throw new Error('refused: the benchmark budget should never fill');
  return holdId;
}

const subjects = {
  'PING (floor)': () => floor.ping(),
  'EVALSHA return 1 (floor)': () => floor.evalsha(noopSha, 0),
  'reserve, 1 budget': () => reserve(oneBudget),
  'reserve, 3 budgets': () => reserve(threeBudgets),
  'reserve + commit, 1 budget': async () => ledger.commit(await reserve(oneBudget), Date.now()),
};
const latencies = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));

// Calls are interleaved one by one (floor, reserve, ..., in rotating order), so load from anything
// else on the machine falls on every subject alike.
const names = Object.keys(subjects);
for (const name of names) for (let i = 0; i < 500; i += 1) await subjects[name](); // warm up
for (let i = 0; i < CALLS; i += 1) {
  for (let j = 0; j < names.length; j += 1) {
    const name = names[(i + j) % names.length];
    const start = process.hrtime.bigint();
    await subjects[name]();
    latencies[name].push(Number(process.hrtime.bigint() - start) / 1_000);
  }
}

async function throughput(run) {
  let issued = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENT }, async () => {
    while (issued < CONCURRENT_OPS) {
      issued += 1;
      await run();
    }
  }));
  return CONCURRENT_OPS / (Number(process.hrtime.bigint() - start) / 1e9);
}
const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
const floorRates = [];
const reserveRates = [];
for (let r = 0; r < 5; r += 1) {
  floorRates.push(await throughput(subjects['EVALSHA return 1 (floor)']));
  reserveRates.push(await throughput(subjects['reserve, 1 budget']));
}
const concurrentFloor = median(floorRates);
const concurrentReserve = median(reserveRates);

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const p50 = (name) => percentile(latencies[name], 50);
const p99 = (name) => percentile(latencies[name], 99);
const floorP50 = p50('EVALSHA return 1 (floor)');

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, redis ${server.version ?? '(REDIS_URL)'} on loopback, ioredis`);
console.log(`sequential: ${CALLS} calls of each, interleaved, one call in flight; ratio = p50 / p50 of EVALSHA return 1`);
console.log('');
console.log('| operation | calls/s | p50 µs | p99 µs | p50 vs floor |');
console.log('|---|---:|---:|---:|---:|');
for (const name of Object.keys(subjects)) {
  const mean = latencies[name].reduce((sum, value) => sum + value, 0) / latencies[name].length;
  const trips = name.startsWith('reserve + commit') ? 2 : 1;
  const ratio = p50(name) / (floorP50 * trips);
  console.log(`| ${name} | ${Math.round(1e6 / mean)} | ${p50(name).toFixed(0)} | ${p99(name).toFixed(0)} | ${ratio.toFixed(2)}x${trips === 2 ? ' (of 2 round trips)' : ''} |`);
}
console.log('');
console.log(`${CONCURRENT} calls in flight on one connection, ${CONCURRENT_OPS} calls, median of 5 alternating rounds:`);
console.log(`  EVALSHA return 1 (floor): ${Math.round(concurrentFloor)} calls/s`);
console.log(`  reserve, 1 budget:        ${Math.round(concurrentReserve)} calls/s (${(concurrentFloor / concurrentReserve).toFixed(2)}x the floor's time per call)`);

// --- (2) Growth. Each subject is a ledger of its own (a prefix) kept in a steady state of n open
// holds on its own synthetic clock: the k-th call at t0 + k reserves a hold expiring at t0 + k + n,
// so exactly one earlier hold falls due, and is expired and journaled, in every call.
const budgetsOf = (count) => Array.from({ length: count }, (_, index) => (index === 1
  ? { key: `user:42/day=2026-12-02@UTC`, limit: '9000000', windowEndsAt: Date.parse('2100-01-01') }
  : { key: `budget-${index}`, limit: '9000000' }));

async function steadyLedger(holds, budgetCount) {
  const subject = redisLedger({ url: server.url, prefix: `bench-scale-${process.pid}-${holds}-${budgetCount}` });
  const budgets = budgetsOf(budgetCount);
  const t0 = 1_900_000_000_000;
  // Preload n holds due at t0 + 1 ... t0 + n, 64 in flight.
  let loaded = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (loaded < holds) {
      const index = loaded++;
      await subject.reserve({ holdId: `pre-${index}`, amount: '0.000000001', budgets, now: t0, expiresAt: t0 + 1 + index });
    }
  }));
  let k = 0;
  return {
    holds, budgetCount, subject,
    async call() {
      k += 1;
      const now = t0 + k;
      const result = await subject.reserve({ holdId: `call-${k}`, amount: '0.01', budgets, now, expiresAt: now + holds });
      if (!result.ok) throw new Error('refused: the benchmark budget should never fill');
    },
  };
}

const scaling = [];
for (const holds of HOLD_COUNTS) scaling.push(await steadyLedger(holds, 1));
for (const budgetCount of BUDGET_COUNTS.filter((count) => count !== 1)) scaling.push(await steadyLedger(1_000, budgetCount));
const scaled = new Map(scaling.map((subject) => [subject, []]));
for (const subject of scaling) for (let i = 0; i < 200; i += 1) await subject.call(); // warm up
for (let i = 0; i < SCALING_CALLS; i += 1) {
  for (let j = 0; j < scaling.length; j += 1) {
    const subject = scaling[(i + j) % scaling.length];
    const start = process.hrtime.bigint();
    await subject.call();
    scaled.get(subject).push(Number(process.hrtime.bigint() - start) / 1_000);
  }
}
const scaledP50 = (holds, budgetCount) => percentile(scaled.get(scaling.find((s) => s.holds === holds && s.budgetCount === budgetCount)), 50);

console.log('');
console.log(`growth: ${SCALING_CALLS} calls of each, interleaved; each call is a reserve that also expires and journals one due hold`);
console.log('');
console.log('| open holds | budgets per call | p50 µs | p99 µs |');
console.log('|---:|---:|---:|---:|');
for (const subject of scaling) {
  const values = scaled.get(subject);
  console.log(`| ${subject.holds.toLocaleString('en-US')} | ${subject.budgetCount} | ${percentile(values, 50).toFixed(0)} | ${percentile(values, 99).toFixed(0)} |`);
}
const byHolds = scaledP50(100_000, 1) / scaledP50(10, 1);
const perBudget = (scaledP50(1_000, 10) - scaledP50(1_000, 1)) / 9;
console.log('');
console.log(`holds: 100,000 vs 10 open holds: ${byHolds.toFixed(2)}x (${byHolds < 1.25 ? 'flat' : `grows ${(100 * (byHolds ** 0.25 - 1)).toFixed(0)}% per 10x`})`);
console.log(`budgets: ${perBudget.toFixed(1)} µs per extra budget (1 -> 3 -> 10: ${BUDGET_COUNTS.map((count) => scaledP50(1_000, count).toFixed(0)).join(' -> ')} µs)`);

// --- (3) The guard's reserve + commit with the ledger's clock (one TIME round trip more, so every
// instance picks windows by Redis's time) against the same guard given `now: Date.now`.
const T2V = 'luma/agent/ray/v3.2/text-to-video';
const INPUT = { prompt: 'a lighthouse at dusk', resolution: '720p', duration: '5s' };
const guardBudgets = [{ name: 'total', limit: '9000000' }, { name: 'daily', limit: '9000000', window: 'day' }];
const guards = {
  'guard reserve + commit, Redis clock (default)': createBudgetGuard({ budgets: guardBudgets, ledger: redisLedger({ url: server.url, prefix: `bench-guard-${process.pid}-a` }) }),
  'guard reserve + commit, own clock (now: Date.now)': createBudgetGuard({ budgets: guardBudgets, ledger: redisLedger({ url: server.url, prefix: `bench-guard-${process.pid}-b` }), now: Date.now }),
};
const guardTimes = Object.fromEntries(Object.keys(guards).map((name) => [name, []]));
const guardNames = Object.keys(guards);
for (const name of guardNames) for (let i = 0; i < 300; i += 1) await (await guards[name].reserve(T2V, INPUT)).commit();
for (let i = 0; i < SCALING_CALLS; i += 1) {
  for (let j = 0; j < guardNames.length; j += 1) {
    const name = guardNames[(i + j) % guardNames.length];
    const start = process.hrtime.bigint();
    await (await guards[name].reserve(T2V, INPUT)).commit();
    guardTimes[name].push(Number(process.hrtime.bigint() - start) / 1_000);
  }
}
console.log('');
console.log('| guard call (2 budgets, one daily) | p50 µs | p99 µs |');
console.log('|---|---:|---:|');
for (const name of guardNames) console.log(`| ${name} | ${percentile(guardTimes[name], 50).toFixed(0)} | ${percentile(guardTimes[name], 99).toFixed(0)} |`);

for (const subject of scaling) await subject.subject.close();
for (const guard of Object.values(guards)) await guard.ledger.close();
await ledger.close();
floor.disconnect();
server.stop();
