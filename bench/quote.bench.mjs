// Quoting raw JSONL lines (JSON.parse + validate + quote) against JSON.parse alone on the same
// lines, side by side in one process. Rounds alternate A/B so drift on a shared machine hits
// both; the figure reported is the ratio of medians. Target: <= 2x (3x is the floor).
import { cpus } from 'node:os';
import { bundledPriceBook } from '../dist/tables/bundled.js';
import { quoteBatchEntry } from '../dist/core/batch.js';

const LINES = 20_000;
const ROUNDS = 15;
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
const options = { at: AT };
let sink = 0;

function parseOnly() {
  for (const line of lines) sink += JSON.parse(line).id;
}
function parseValidateQuote() {
  for (let i = 0; i < lines.length; i += 1) {
    const outcome = quoteBatchEntry(book, JSON.parse(lines[i]), i, options);
    if (!('quote' in outcome)) throw new Error(`line ${i + 1}: ${outcome.message}`);
    sink += outcome.quote.total.length;
  }
}

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / LINES;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (let i = 0; i < 3; i += 1) { parseOnly(); parseValidateQuote(); } // warm up the JIT
const parse = [];
const quote = [];
for (let round = 0; round < ROUNDS; round += 1) {
  globalThis.gc?.();
  if (round % 2 === 0) { parse.push(time(parseOnly)); quote.push(time(parseValidateQuote)); }
  else { quote.push(time(parseValidateQuote)); parse.push(time(parseOnly)); }
}

const ratio = median(quote) / median(parse);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log(`lines: ${LINES} (${(bytes / LINES).toFixed(0)} bytes on average, 5 endpoints), rounds: ${ROUNDS}`);
console.log(`JSON.parse only:          ${median(parse).toFixed(0)} ns/line`);
console.log(`parse + validate + quote: ${median(quote).toFixed(0)} ns/line`);
console.log(`ratio: ${ratio.toFixed(2)}x JSON.parse (target <= 2x, floor 3x)`);
if (sink === 0) console.log('');
