// The CLI's two performance targets, measured side by side with their baselines as ratios
// (never asserted: a benchmark reports, tests judge behaviour).
//  1. Cold start of one quote vs `node -e 0`: at most 2x.
//  2. A 1,000,000-line batch vs a script that only reads and JSON.parses the same lines: at
//     most 2x, with peak memory (max RSS) under 150 MB.
// Every process runs with a preload that reports its own max RSS on fd 3, so the baseline and
// the CLI are measured the same way. Run: npm run build && node bench/run.mjs cli
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.mjs');
if (!existsSync(cli)) throw new Error('dist/cli.mjs is missing: run npm run build first');

const RSS_PRELOAD = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => { try { writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });",
)}`;

/** Runs `node <args>`, discarding its output; returns wall milliseconds and max RSS in MB. */
function measure(args, { stdin } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [`--import=${RSS_PRELOAD}`, ...args], { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe', 'pipe'] });
    let rss = '';
    let stderr = '';
    child.stdio[3].on('data', (chunk) => (rss += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0 && code !== 2) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms, rssMb: Number(rss) / 1024, code });
    });
    if (stdin) child.stdin.end(stdin);
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const fmt = (ms) => `${ms.toFixed(1)} ms`;

async function coldStart() {
  const rounds = Number(process.env.COLD_RUNS ?? 40);
  const quoteArgs = [cli, 'quote', 'luma/agent/ray/v3.2/video-to-video', '--resolution', '1080p', '--hdr', '--duration', '10s', '--at', '2026-11-24'];
  const variants = {
    'node -e 0': ['-e', '0'],
    'fal-budget quote (table)': quoteArgs,
    'fal-budget quote --json': [...quoteArgs, '--json'],
  };
  const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let warm = 0; warm < 3; warm += 1) for (const args of Object.values(variants)) await measure(args);
  // Interleaved, so a noisy neighbour slows every variant alike.
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, args] of Object.entries(variants)) times[name].push((await measure(args)).ms);
  }
  const base = median(times['node -e 0']);
  console.log(`\n### Cold start (${rounds} interleaved runs each, wall time including process spawn)\n`);
  console.log('| command | median | mean | min | median / node -e 0 |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, list] of Object.entries(times)) {
    console.log(`| ${name} | ${fmt(median(list))} | ${fmt(mean(list))} | ${fmt(Math.min(...list))} | ${(median(list) / base).toFixed(2)}x |`);
  }
}

async function writeBatch(file, lines) {
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
  const sizes = (process.env.BATCH_LINES ?? '100000,1000000').split(',').map(Number);
  const runs = Number(process.env.BATCH_RUNS ?? 3);
  console.log(`\n### Batch (${runs} interleaved runs each; median wall time, max RSS)\n`);
  console.log('| lines | command | median | max RSS | median / readline+JSON.parse | median / split+JSON.parse |');
  console.log('|---:|---|---:|---:|---:|---:|');
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
    const readline = median(results['readline + JSON.parse (baseline)'].map((result) => result.ms));
    const split = median(results['split + JSON.parse (faster baseline)'].map((result) => result.ms));
    for (const [name, list] of Object.entries(results)) {
      const ms = median(list.map((result) => result.ms));
      const rss = Math.max(...list.map((result) => result.rssMb));
      console.log(`| ${lines.toLocaleString('en-US')} | ${name} | ${fmt(ms)} | ${rss.toFixed(1)} MB | ${(ms / readline).toFixed(2)}x | ${(ms / split).toFixed(2)}x |`);
    }
  }
}

console.log(`machine: ${availableParallelism()} CPUs, node ${process.version}`);
if (process.env.SKIP_COLD !== '1') await coldStart();
if (process.env.SKIP_BATCH !== '1') await bigBatch();
