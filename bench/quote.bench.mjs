// Quoting, two figures, each a ratio measured side by side in one process:
// 1. raw JSONL lines -> quote (JSON.parse + envelope + validate + quote, as `batch` does each line)
//    against JSON.parse alone on the same lines. Target: <= 2x.
// 2. a quote of parsed input against @pydantic/genai-prices' calcPrice (one price lookup and
//    calculation), the nearest peer. Target: ours >= 10x faster.
// The machine is shared and its load swings within a second, so each round times both sides on a
// short slice, back to back, in alternating order, in CPU time, and keeps that round's ratio: the
// figure is the median of those ratios, with the spread (quartiles) beside it.
// GC is left to run as it does in `batch`: the bench forces none during the target figures. A
// batch's full GCs are few, early and V8's own (`--trace-gc`: 3 in the first 1.7 s of 1M lines
// and of 5M in a table, 3-6 in the first 3.3 s with `--json`), and `--trace-deopt` shows them drop
// no optimised code. A forced `gc()` between
// rounds is atomic and finds no output of zod's generated parsers alive: their hidden
// classes (held weakly, through V8's transition tree) die, and every function that embedded them
// (those parsers, and our quote code that reads their outputs) is deoptimised ("weak objects") and
// compiled again. That is what frequent forced full GCs cost; it is printed as a stress figure,
// with no target (see BENCHMARKS.md), with a 50 ms wait after each GC so that its concurrent
// sweeping, CPU time of other threads, is not counted in whichever side is timed next.
import { cpus } from 'node:os';
import { calcPrice } from '@pydantic/genai-prices';
import { bundledPriceBook } from '../dist/tables/bundled.js';
import { quoteBatchEntry } from '../dist/core/batch.js';
import { jsonInputsHaveOwnFieldsOnly, quoteRequest } from '../dist/core/quote.js';
import { requestModels } from '../dist/core/endpoints/index.js';

const LINES = 20_000;
const SLICE = 2_000;
const ROUNDS = 61;
const AT = Date.parse('2026-11-24T12:00:00Z');

const prompt = 'Restyle the footage as a hand-painted watercolor animation with soft pastel colors, warm evening light and gentle film grain.';
const shapes = [
  (i) => ({ endpoint: 'luma/agent/ray/v3.2/video-to-video', input: { prompt, video_url: `https://storage.example.com/in/${i}.mp4`, resolution: '1080p', duration: '10s', hdr: true, exr_export: i % 2 === 0 } }),
  (i) => ({ endpoint: 'luma/agent/ray/v3.2/image-to-video', input: { prompt, image_url: `https://storage.example.com/in/${i}.png`, resolution: '720p', duration: '5s', aspect_ratio: '16:9', loop: true } }),
  () => ({ endpoint: 'luma/agent/ray/v3.2/text-to-video', input: { prompt, resolution: '540p', duration: '10s' } }),
  (i) => ({ endpoint: 'luma-ray-v3-2-video-to-video', input: { model: 'luma-ray-v3-2-video-to-video', prompt, input_video: `https://hub.example.com/${i}.mp4`, resolution: '720p' } }),
  (i) => ({ endpoint: 'luma-ray-3-2-edit', sourceSeconds: `${(i % 30) + 0.5}`, input: { model: 'luma-ray-3-2-edit', prompt, source_generation_id: `gen-${i}`, resolution: '1080p', edit_auto_controls: true } }),
];
const lines = Array.from({ length: LINES }, (_, i) => JSON.stringify({ id: i, ...shapes[i % shapes.length](i) }));
const bytes = lines.reduce((sum, line) => sum + line.length, 0);

const book = bundledPriceBook();
// As the CLI's batch quotes JSON.parse's objects (see src/cli/commands/batch.ts).
const options = { at: AT, ownFieldsOnly: jsonInputsHaveOwnFieldsOnly(requestModels.values()) };
let sink = 0;

function parseOnly(from, to) {
  for (let i = from; i < to; i += 1) sink += JSON.parse(lines[i]).id;
}
function parseValidateQuote(from, to) {
  for (let i = from; i < to; i += 1) {
    const outcome = quoteBatchEntry(book, JSON.parse(lines[i]), i, options);
    if (!('quote' in outcome)) throw new Error(`line ${i + 1}: ${outcome.message}`);
    sink += outcome.quote.total.length;
  }
}

// The peer: one price lookup and calculation each. Ours: one quote of an already-parsed request.
const parsed = lines.slice(0, 1_000).map((line) => JSON.parse(line));
const usages = Array.from({ length: 1_000 }, (_, i) => ({ input_tokens: 1_000 + i, output_tokens: 100 + (i % 50) }));
const peerOptions = { providerId: 'openai' };
function ours(from, to) {
  for (let i = from; i < to; i += 1) {
    const request = parsed[i % parsed.length];
    sink += quoteRequest(book, request.endpoint, request.input, { at: AT, sourceSeconds: request.sourceSeconds }).total.length;
  }
}
function peer(from, to) {
  for (let i = from; i < to; i += 1) {
    const result = calcPrice(usages[i % usages.length], 'gpt-4o', peerOptions);
    if (result === null) throw new Error('genai-prices has no gpt-4o price');
    sink += result.total_price;
  }
}

// CPU time (user + system, all of this process's threads, so GC helpers count), not wall time:
// while another process holds the core, no time is charged to either side.
function time(fn, from, to) {
  const start = process.cpuUsage();
  fn(from, to);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / (to - from);
}
const sorted = (values) => [...values].sort((a, b) => a - b);
const at = (values, q) => sorted(values)[Math.floor((values.length - 1) * q)];

/** A forced full GC (under `npm run bench`'s --expose-gc), then 50 ms for its concurrent sweeping. */
function settledFullGc() {
  globalThis.gc();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
}

/**
 * Rounds of a and b on the same slice, order alternating; per-round ns and ratio b/a. With
 * `fullGcEvery` (the stress figure), a settled forced full GC before rounds 0, n, 2n, ...
 */
function sideBySide(a, b, slice, fullGcEvery = 0) {
  const nsA = [];
  const nsB = [];
  const ratios = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    if (fullGcEvery > 0 && round % fullGcEvery === 0) settledFullGc();
    const from = (round * slice) % LINES;
    const to = from + slice;
    let ta;
    let tb;
    if (round % 2 === 0) { ta = time(a, from, to); tb = time(b, from, to); }
    else { tb = time(b, from, to); ta = time(a, from, to); }
    nsA.push(ta); nsB.push(tb); ratios.push(tb / ta);
  }
  return { a: at(nsA, 0.5), b: at(nsB, 0.5), ratio: at(ratios, 0.5), low: at(ratios, 0.25), high: at(ratios, 0.75) };
}

for (let i = 0; i < 3; i += 1) { parseOnly(0, LINES); parseValidateQuote(0, LINES); ours(0, LINES); peer(0, LINES); } // warm up the JIT

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(`lines: ${LINES} (${(bytes / LINES).toFixed(0)} bytes on average, 5 endpoints), ${ROUNDS} rounds of ${SLICE} lines`);
const raw = sideBySide(parseOnly, parseValidateQuote, SLICE);
console.log(`JSON.parse only:          ${raw.a.toFixed(0)} ns/line`);
console.log(`parse + validate + quote: ${raw.b.toFixed(0)} ns/line`);
console.log(`ratio: ${raw.ratio.toFixed(2)}x JSON.parse (quartiles ${raw.low.toFixed(2)}-${raw.high.toFixed(2)}; target <= 2x)`);
if (globalThis.gc) {
  const stressed = sideBySide(parseOnly, parseValidateQuote, SLICE, 10);
  console.log(`stress, a full GC forced (then 50 ms settled) every 10 rounds: ${stressed.ratio.toFixed(2)}x JSON.parse (quartiles ${stressed.low.toFixed(2)}-${stressed.high.toFixed(2)}; no target)`);
}

const vsPeer = sideBySide(ours, peer, SLICE);
console.log(`quote of parsed input:             ${vsPeer.a.toFixed(0)} ns`);
console.log(`@pydantic/genai-prices calcPrice:  ${vsPeer.b.toFixed(0)} ns (gpt-4o, providerId openai)`);
console.log(`ours ${vsPeer.ratio.toFixed(1)}x faster (quartiles ${vsPeer.low.toFixed(1)}-${vsPeer.high.toFixed(1)}; target >= 10x)`);
if (sink === 0) console.log('');
