import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AT, ensureBuilt, failureLine, ROOT, runCli } from './support/cli.js';

beforeAll(() => ensureBuilt());

const V2V = 'luma/agent/ray/v3.2/video-to-video';
/** An id that tries every trick: a fake row after CR/LF, a colour, a screen clear, a bidi override, a pipe. */
const EVIL_ID = 'ok\r\n│ 99 │ fake │\u001b[32m$0.00\u001b[0m\u001b[2J\u202egnp.exe|x\u0085';
const ESCAPED_ID = 'ok\\r\\n│ 99 │ fake │\\x1b[32m$0.00\\x1b[0m\\x1b[2J\\u202egnp.exe|x\\x85';
// eslint-disable-next-line no-control-regex -- the control characters no human output may contain
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const plan = [
  JSON.stringify({ id: EVIL_ID, endpoint: V2V, input: { resolution: '720p' } }),
  JSON.stringify({ id: 'bad', endpoint: `${V2V}\u001b[8m`, input: {} }),
].join('\n');

describe('output a user\'s data cannot forge', () => {
  it('batch table: ids and messages escaped visibly, no control character reaches the terminal', async () => {
    const result = await runCli(['batch', '-', '--at', AT], { stdin: plan });
    expect(result.code).toBe(2);
    expect(result.stdout).not.toMatch(UNSAFE);
    expect(result.stdout).toContain(`│    1 │ ${ESCAPED_ID} │`);
    expect(result.stdout).toContain('unknown endpoint "luma/agent/ray/v3.2/video-to-video\\x1b[8m"');
    // The stderr note quotes the message too.
    expect(result.stderr).toBe('fal-budget: 1 invalid line left out of the total (first: line 2: unknown endpoint "luma/agent/ray/v3.2/video-to-video\\x1b[8m": not in any pricing table; known endpoints: luma-ray-3-2-edit, luma-ray-v3-2-video-to-video, luma/agent/ray/v3.2/image-to-video, luma/agent/ray/v3.2/reframe, luma/agent/ray/v3.2/text-to-video, luma/agent/ray/v3.2/video-to-video)\n');
  });

  it('batch markdown, --items all too: escaped, and a pipe cannot add a column', async () => {
    for (const items of ['20', 'all']) {
      const result = await runCli(['batch', '-', '--at', AT, '--format', 'markdown', '--items', items], { stdin: plan });
      expect(result.stdout).not.toMatch(UNSAFE);
      expect(result.stdout).toContain(`| 1 | ${ESCAPED_ID.replace(/\\/g, '\\\\').replace('|', '\\|')} | luma/agent/ray/v3.2/video-to-video · 720p · SDR · 5s | 1 clip | $1.08 |`);
    }
  });

  it('JSON keeps the data exactly as given (JSON escaping is already safe)', async () => {
    const report = JSON.parse((await runCli(['batch', '-', '--at', AT, '--json'], { stdin: plan })).stdout);
    expect(report.items[0].id).toBe(EVIL_ID);
  });

  it('an error on stderr: an endpoint name with escapes is shown escaped', async () => {
    expect(failureLine(await runCli(['quote', 'luma\u001b[2J\rx', '--at', AT]))).toMatch(/^fal-budget: unknown endpoint "luma\\x1b\[2J\\rx": /);
  });

  it('validate: a file name with a line break and an escape cannot fake a row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-forge-'));
    mkdirSync(join(dir, 'fal'));
    writeFileSync(join(dir, 'fal', 'x\n\u001b[31mfake.json'), '{}');
    for (const format of ['table', 'markdown']) {
      const result = await runCli(['validate', dir, '--format', format]);
      expect(result.code).toBe(2);
      expect(result.stdout).not.toMatch(UNSAFE);
      // Markdown also escapes the backslashes of the escapes.
      expect(result.stdout).toContain(format === 'table' ? 'x\\n\\x1b[31mfake.json' : 'x\\\\n\\\\x1b[31mfake.json');
    }
  });

  it('describe: an endpoint a table of your own names with ESC and CR is shown escaped; JSON keeps it exact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-forge-'));
    mkdirSync(join(dir, 'fal'));
    const table = JSON.parse(readFileSync(join(ROOT, 'pricing', 'fal', '2026-12-02.json'), 'utf8')) as { version: string; effectiveFrom: string; endpoints: Record<string, unknown> };
    const forged = 'evil\u001b[31mred\rX';
    table.endpoints[forged] = table.endpoints[V2V];
    table.version = '2026-12-03';
    table.effectiveFrom = '2026-12-03T00:00:00Z';
    writeFileSync(join(dir, 'fal', '2026-12-03.json'), JSON.stringify(table));
    const args = ['describe', forged, '--pricing', dir, '--at', '2026-12-04'];
    for (const format of ['table', 'markdown']) {
      const result = await runCli([...args, '--format', format]);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(UNSAFE);
      expect(result.stdout).toContain('evil\\x1b[31mred\\rX');
    }
    const json = await runCli([...args, '--json']);
    expect(JSON.parse(json.stdout).endpoint).toBe(forged);
  });
});

describe('money grouped by thousands in human formats, never in JSON', () => {
  // 250 HDR 1080p 10 s clips at $8.64: $2,160.00.
  const big = Array.from({ length: 250 }, (_, index) => JSON.stringify({ id: index, endpoint: V2V, input: { resolution: '1080p', hdr: true, duration: '10s' } })).join('\n');

  it('table and markdown: subtotal, total and budget', async () => {
    const table = await runCli(['batch', '-', '--at', AT, '--max', '2500'], { stdin: big });
    expect(table.stdout).toContain('│ Total (USD) │                                    │  250 │ $2,160.00 │');
    expect(table.stdout).toContain('Budget:  within --max $2,500.00 ($340.00 to spare)');
    const markdown = await runCli(['batch', '-', '--at', AT, '--format', 'markdown', '--max', '1000'], { stdin: big });
    expect(markdown.stdout).toContain('| **Total (USD)** |  | 250 | **$2,160.00** |');
    expect(markdown.stdout).toContain('Budget: **OVER --max $1,000.00 by $1,160.00**');
  });

  it('JSON: plain decimal strings', async () => {
    const report = JSON.parse((await runCli(['batch', '-', '--at', AT, '--json', '--max', '2500'], { stdin: big })).stdout);
    expect(report).toMatchObject({ total: '2160.00', subtotals: [{ total: '2160.00' }], budget: { max: '2500.00', remaining: '340.00' } });
  });

  it('exact on amounts no Number could hold', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--max', '123456789012345678901234.5'], { stdin: big });
    expect(result.stdout).toContain('within --max $123,456,789,012,345,678,901,234.50 ($123,456,789,012,345,678,899,074.50 to spare)');
  });
});
