// The CLI's performance targets (issues 4 and 12), measured side by side with their baselines
// as ratios (never asserted: a benchmark reports, tests judge behaviour).
//  1. Cold start of one quote vs `node -e 0`: at most 1.5x (issue 12), in wall time; CPU time
//     (user + system, all threads) is reported beside it, being less sensitive to a loaded machine.
//  2. Batches of 10k / 100k / 1M / 5M lines (table, and --json) vs a script that reads the same
//     file in chunks, splits lines and JSON.parses each (and a readline one): at most 2.0x for
//     the table and 2.5x for --json at 1M; peak memory (max RSS) flat and at most 150 MB.
//  3. One 16 MB line vs one 4 MB line: at most 5x (linear).
//  4. `--items all` (table and markdown) at 100k and 1M lines: linear time, memory stated.
// Every process runs with a preload that reports its own max RSS on fd 3, so the baseline and
// the CLI are measured the same way. Plan files are written under the OS temp directory, never in
// the repository. Run: npm run build && node bench/run.mjs cli
// (SKIP_COLD=1, SKIP_BATCH=1, SKIP_LONG_LINE=1, SKIP_ITEMS_ALL=1 leave a part out;
// BATCH_LINES=10000,100000 and BATCH_RUNS=3 choose the sizes and repetitions.)
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'launcher.cjs');
if (!existsSync(cli)) throw new Error('dist/launcher.cjs is missing: run npm run build first');

// CommonJS, and a file: an ES preload (`--import=data:...`) would load Node's ES module loader
// into every process, 3-4 ms added to `node -e 0`'s 50 that flattered every ratio against it
// until 2026-12-04. A CommonJS one costs about 1 ms in each.
const preloadDirectory = mkdtempSync(join(tmpdir(), 'fal-budget-bench-'));
process.once('exit', () => rmSync(preloadDirectory, { recursive: true, force: true }));
const RSS_PRELOAD = join(preloadDirectory, 'report-rss.cjs');
writeFileSync(
  RSS_PRELOAD,
  "const { writeSync } = require('node:fs'); process.on('exit', () => { try { const usage = process.resourceUsage(); writeSync(3, `${usage.maxRSS} ${(usage.userCPUTime + usage.systemCPUTime) / 1000}`); } catch {} });",
);

/** Runs `node <args>`, discarding its output; returns wall and CPU milliseconds and max RSS in MB. */
function measure(args, { stdin } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', RSS_PRELOAD, ...args], { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe', 'pipe'] });
    let rss = '';
    let stderr = '';
    child.stdio[3].on('data', (chunk) => (rss += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0 && code !== 2) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms, rssMb: Number(rss.split(' ')[0]) / 1024, cpuMs: Number(rss.split(' ')[1]), code });
    });
    if (stdin) child.stdin.end(stdin);
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

async function coldStart() {
  const rounds = Number(process.env.COLD_RUNS ?? 40);
  const quoteArgs = [cli, 'quote', 'luma/agent/ray/v3.2/video-to-video', '--resolution', '1080p', '--hdr', '--duration', '10s', '--at', '2026-11-24'];
  const variants = {
    'node -e 0': ['-e', '0'],
    'fal-budget quote (table)': quoteArgs,
    'fal-budget quote --json': [...quoteArgs, '--json'],
  };
  const times = Object.fromEntries(Object.keys(variants).map((name) => [name, { wall: [], cpu: [] }]));
  for (let warm = 0; warm < 3; warm += 1) for (const args of Object.values(variants)) await measure(args);
  // Interleaved, so a noisy neighbour slows every variant alike.
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, args] of Object.entries(variants)) {
      const { ms, cpuMs } = await measure(args);
      times[name].wall.push(ms);
      times[name].cpu.push(cpuMs);
    }
  }
  const quartile = (values, at) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * at)];
  const base = times['node -e 0'];
  console.log(`\n### Cold start (${rounds} interleaved runs each, wall time including process spawn; CPU = user + system)\n`);
  console.log('| command | wall median | wall p25–p75 | / node -e 0 (wall) | CPU median | / node -e 0 (CPU) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, { wall, cpu }] of Object.entries(times)) {
    console.log(`| ${name} | ${fmt(median(wall))} | ${fmt(quartile(wall, 0.25))}–${fmt(quartile(wall, 0.75))} | ${(median(wall) / median(base.wall)).toFixed(2)}x | ${fmt(median(cpu))} | ${(median(cpu) / median(base.cpu)).toFixed(2)}x |`);
  }
}

export async function writeBatch(file, lines) {
  if (existsSync(file) && statSync(file).size > 0) return;
  mkdirSync(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const resolutions = ['540p', '720p', '1080p'];
  for (let index = 0; index < lines; index += 1) {
    let entry;
    switch (index % 4) {
      case 0: entry = { id: `v2v-${index}`, endpoint: 'luma/agent/ray/v3.2/video-to-video', input: { prompt: `shot ${index}`, video_url: `https://example.com/${index}.mp4`, resolution: index % 3 ? '1080p' : '720p', hdr: index % 8 === 0, duration: index % 3 ? '5s' : '10s' } }; break;
      case 1: entry = { id: `i2v-${index}`, endpoint: 'luma/agent/ray/v3.2/image-to-video', input: { prompt: `still ${index}`, image_url: `https://example.com/${index}.png`, resolution: resolutions[index % 3] } }; break;
      case 2: entry = { id: `t2v-${index}`, endpoint: 'luma/agent/ray/v3.2/text-to-video', input: { prompt: `idea ${index}`, duration: index % 5 ? '5s' : '10s' } }; break;
      default: entry = { id: `edit-${index}`, endpoint: 'luma-ray-3-2-edit', sourceSeconds: String((index % 60) / 2 + 0.5), input: { model: 'luma-ray-3-2-edit', prompt: `edit ${index}`, source_generation_id: `gen_${index}`, resolution: resolutions[index % 3] } };
    }
    if (!out.write(`${JSON.stringify(entry)}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  out.end();
  await finished(out);
}

// The baselines: read the same file and JSON.parse every line, nothing else.
const READLINE_BASELINE = `data:text/javascript,${encodeURIComponent(`
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
let count = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[1]), crlfDelay: Infinity })) {
  if (line.length > 0) { JSON.parse(line); count += 1; }
}
if (count === 0) process.exit(1);`)}`;
const CHUNK_BASELINE = `data:text/javascript,${encodeURIComponent(`
import { createReadStream } from 'node:fs';
const input = createReadStream(process.argv[1], { encoding: 'utf8' });
let rest = '';
let count = 0;
for await (const chunk of input) {
  const text = rest + chunk;
  let start = 0;
  for (let end = text.indexOf('\\n'); end !== -1; end = text.indexOf('\\n', start)) {
    if (end > start) { JSON.parse(text.slice(start, end)); count += 1; }
    start = end + 1;
  }
  rest = text.slice(start);
}
if (count === 0) process.exit(1);`)}`;

async function bigBatch() {
  const sizes = (process.env.BATCH_LINES ?? '10000,100000,1000000,5000000').split(',').map(Number);
  const runs = Number(process.env.BATCH_RUNS ?? 3);
  console.log(`\n### Batch (${runs} interleaved runs each; median wall time, max RSS; CPU = user + system, less sensitive to a loaded machine)\n`);
  console.log('| lines | command | median | max RSS | / readline+JSON.parse | / split+JSON.parse (spread) | CPU median | CPU / split |');
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const lines of sizes) {
    const file = join(tmpdir(), 'fal-budget-bench', `batch-${lines}.jsonl`);
    await writeBatch(file, lines);
    const variants = {
      'readline + JSON.parse (baseline)': ['--input-type=module', '-e', `await import(${JSON.stringify(READLINE_BASELINE)})`, file],
      'split + JSON.parse (faster baseline)': ['--input-type=module', '-e', `await import(${JSON.stringify(CHUNK_BASELINE)})`, file],
      'fal-budget batch (table)': [cli, 'batch', file, '--at', '2026-11-24'],
      'fal-budget batch --json (every line streamed)': [cli, 'batch', file, '--at', '2026-11-24', '--json'],
    };
    const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    for (let run = 0; run < runs; run += 1) {
      for (const [name, args] of Object.entries(variants)) results[name].push(await measure(args));
    }
    const readline = results['readline + JSON.parse (baseline)'].map((result) => result.ms);
    const split = results['split + JSON.parse (faster baseline)'].map((result) => result.ms);
    const splitCpu = median(results['split + JSON.parse (faster baseline)'].map((result) => result.cpuMs));
    for (const [name, list] of Object.entries(results)) {
      const ms = list.map((result) => result.ms);
      const rss = Math.max(...list.map((result) => result.rssMb));
      const cpu = median(list.map((result) => result.cpuMs));
      console.log(`| ${lines.toLocaleString('en-US')} | ${name} | ${fmt(median(ms))} | ${rss.toFixed(1)} MB | ${(median(ms) / median(readline)).toFixed(2)}x | ${ratioText(ms, split)} | ${fmt(cpu)} | ${(cpu / splitCpu).toFixed(2)}x |`);
    }
  }
}

/** Ratio of medians, and the spread: the lowest and highest ratio of one round's pair. */
function ratioText(numerator, denominator) {
  const ratios = numerator.map((value, index) => value / denominator[index]).sort((a, b) => a - b);
  return `${(median(numerator) / median(denominator)).toFixed(2)}x (rounds ${ratios[0].toFixed(2)}–${ratios.at(-1).toFixed(2)}x)`;
}

async function longLine() {
  const runs = Number(process.env.LONG_LINE_RUNS ?? 5);
  const files = {};
  for (const mb of [4, 16]) {
    const file = join(tmpdir(), 'fal-budget-bench', `long-line-${mb}mb.jsonl`);
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      const prompt = 'x'.repeat(mb * 1024 * 1024);
      const out = createWriteStream(file);
      out.end(`${JSON.stringify({ id: 'long', endpoint: 'luma/agent/ray/v3.2/text-to-video', input: { prompt, resolution: '720p' } })}\n`);
      await finished(out);
    }
    files[mb] = file;
  }
  const times = { 4: [], 16: [] };
  const rss = { 4: [], 16: [] };
  await measure([cli, 'batch', files[4], '--at', '2026-11-24']);
  for (let run = 0; run < runs; run += 1) {
    for (const mb of [4, 16]) {
      const result = await measure([cli, 'batch', files[mb], '--at', '2026-11-24']);
      times[mb].push(result.ms);
      rss[mb].push(result.rssMb);
    }
  }
  console.log(`\n### One long line (${runs} interleaved runs each; a text-to-video request whose prompt is the line)\n`);
  console.log('| line | median | max RSS |');
  console.log('|---:|---:|---:|');
  for (const mb of [4, 16]) console.log(`| ${mb} MB | ${fmt(median(times[mb]))} | ${Math.max(...rss[mb]).toFixed(1)} MB |`);
  console.log(`\n16 MB / 4 MB: ${ratioText(times[16], times[4])}`);
}

async function itemsAll() {
  const runs = Number(process.env.ITEMS_RUNS ?? 3);
  console.log(`\n### --items all (${runs} interleaved runs each; median wall time, max RSS)\n`);
  console.log('| lines | command | median | max RSS | / default table |');
  console.log('|---:|---|---:|---:|---:|');
  for (const lines of [100_000, 1_000_000]) {
    const file = join(tmpdir(), 'fal-budget-bench', `batch-${lines}.jsonl`);
    await writeBatch(file, lines);
    const variants = {
      'batch (table, 20 lines listed)': [cli, 'batch', file, '--at', '2026-11-24'],
      'batch --items all (table)': [cli, 'batch', file, '--at', '2026-11-24', '--items', 'all'],
      'batch --items all --format markdown': [cli, 'batch', file, '--at', '2026-11-24', '--items', 'all', '--format', 'markdown'],
    };
    const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    for (let run = 0; run < runs; run += 1) {
      for (const [name, args] of Object.entries(variants)) results[name].push(await measure(args));
    }
    const base = results['batch (table, 20 lines listed)'].map((result) => result.ms);
    for (const [name, list] of Object.entries(results)) {
      const ms = list.map((result) => result.ms);
      console.log(`| ${lines.toLocaleString('en-US')} | ${name} | ${fmt(median(ms))} | ${Math.max(...list.map((result) => result.rssMb)).toFixed(1)} MB | ${ratioText(ms, base)} |`);
    }
  }
}

// Imported by scripts that only want the plan files (writeBatch): run nothing then.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`machine: ${availableParallelism()} CPUs, node ${process.version}`);
  if (process.env.SKIP_COLD !== '1') await coldStart();
  if (process.env.SKIP_BATCH !== '1') await bigBatch();
  if (process.env.SKIP_LONG_LINE !== '1') await longLine();
  if (process.env.SKIP_ITEMS_ALL !== '1') await itemsAll();
}
