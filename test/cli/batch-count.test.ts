import { beforeAll, describe, expect, it } from 'vitest';
import { AT, ensureBuilt, runCli, writeTemp } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';

beforeAll(() => ensureBuilt());

/** Three jobs of an $8.64 clip, one $1.00 clip, two 5-block edits: 6 jobs, $48.52. */
const PLAN = [
  JSON.stringify({ id: 'opening', endpoint: V2V, count: 3, input: { resolution: '1080p', hdr: true, duration: '10s' } }),
  JSON.stringify({ id: 'title', endpoint: 'luma/agent/ray/v3.2/text-to-video', input: { resolution: '720p' } }),
  JSON.stringify({ id: 'grade', endpoint: 'luma-ray-3-2-edit', sourceSeconds: '22.5', count: 2, input: { resolution: '1080p' } }),
].join('\n');

describe('batch: a line\'s count is its quantity in every format', () => {
  it('a table: "3 × 1 clip", the amount for all three, subtotals and the total in jobs', async () => {
    const result = await runCli(['batch', '-', '--at', AT], { stdin: PLAN });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('│    1 │ opening │ luma/agent/ray/v3.2/video-to-video · 1080p · HDR · 10s          │   3 × 1 clip │ $25.92 │');
    expect(result.stdout).toContain('│    3 │ grade   │ luma-ray-3-2-edit · 1080p · SDR · 5 s blocks of a 22.5 s source │ 2 × 5 blocks │ $21.60 │');
    expect(result.stdout).toContain('│ Provider    │ Endpoint                           │ Jobs │ Subtotal │');
    expect(result.stdout).toContain('│ fal         │ luma/agent/ray/v3.2/video-to-video │    3 │   $25.92 │');
    expect(result.stdout).toContain('│ Total (USD) │                                    │    6 │   $48.52 │');
  });

  it('markdown', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--format', 'markdown'], { stdin: PLAN });
    expect(result.stdout).toContain('| 1 | opening | luma/agent/ray/v3.2/video-to-video · 1080p · HDR · 10s | 3 × 1 clip | $25.92 |');
    expect(result.stdout).toContain('| **Total (USD)** |  | 6 | **$48.52** |');
  });

  it('JSON: count and the line\'s total on every item (the quote lines are one job\'s), jobs in counts', async () => {
    const report = JSON.parse((await runCli(['batch', '-', '--at', AT, '--json'], { stdin: PLAN })).stdout);
    expect(report.items.map((item: { id: string; count: number; total: string; lines: { amount: string }[] }) => [item.id, item.count, item.total, item.lines[0]!.amount])).toEqual([
      ['opening', 3, '25.92', '8.64'], ['title', 1, '1.00', '1.00'], ['grade', 2, '21.60', '10.80'],
    ]);
    expect(report.counts).toEqual({ lines: 3, blank: 0, quoted: 3, invalid: 0, jobs: 6 });
    expect(report.total).toBe('48.52');
  });

  it('CSV: count, the job\'s total and the line\'s total', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--format', 'csv'], { stdin: PLAN });
    expect(result.stdout.split('\r\n')[1]).toBe('quoted,1,opening,luma/agent/ray/v3.2/video-to-video,fal,2026-11-21,luma/agent/ray/v3.2/video-to-video · 1080p · HDR · 10s,3,1,clip,8.64,8.64,25.92,false,incomplete_request,,');
  });

  it('--max checks the multiplied total: $48.52 is over $30 although one of each job is $20.44', async () => {
    const over = await runCli(['batch', '-', '--at', AT, '--max', '30'], { stdin: PLAN });
    expect(over.code).toBe(3);
    expect(over.stderr).toBe('fal-budget: total $48.52 is over --max $30.00 by $18.52\n');
    expect((await runCli(['batch', '-', '--at', AT, '--max', '48.52'], { stdin: PLAN })).code).toBe(0);
  });

  it('a bad count is an invalid line naming the field, out of the total', async () => {
    const bad = `${PLAN}\n${JSON.stringify({ id: 'typo', endpoint: V2V, count: 1e7, input: {} })}`;
    const result = await runCli(['batch', '-', '--at', AT], { stdin: bad });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`fal-budget: 1 invalid line left out of the total (first: line 4: invalid request for ${V2V}: count: must be a whole number of jobs from 1 to 1,000,000 (got 10000000))\n`);
    expect(result.stdout).toContain('$48.52');
  });
});

describe('batch: an empty plan is a warning and exit 2 in every format', () => {
  const WARNING = 'has no requests (it is empty): nothing was quoted';

  for (const format of ['table', 'markdown', 'csv', 'json'] as const) {
    it(`--format ${format}`, async () => {
      const file = writeTemp('empty.jsonl', '');
      const result = await runCli(['batch', file, '--at', AT, '--format', format]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`fal-budget: warning: ${file} ${WARNING}\n`);
      if (format === 'json') expect(JSON.parse(result.stdout).emptyPlan).toEqual({ code: 'empty_plan', message: `${file} ${WARNING}` });
      if (format === 'csv') expect(result.stdout).toBe('row,line,id,endpoint,provider,pricing_version,description,count,quantity,unit,unit_price,job_total,total,upper_bound,warnings,code,message\r\ntotal,,,,,,,0,,,,,0.00,false,,,\r\n');
    });
  }

  it('only blank lines is empty too; a file with one invalid line is not', async () => {
    const blank = await runCli(['batch', '-', '--at', AT], { stdin: '\r\n  \n\t\n' });
    expect(blank.code).toBe(2);
    expect(blank.stderr).toBe('fal-budget: warning: stdin has no requests (3 lines, all blank): nothing was quoted\n');
    const invalid = await runCli(['batch', '-', '--at', AT, '--json'], { stdin: 'nope\n' });
    expect(invalid.code).toBe(2);
    expect(JSON.parse(invalid.stdout).emptyPlan).toBeUndefined();
    expect(invalid.stderr).not.toContain('warning');
  });
});

describe('--max with invalid lines: the budget line does not read "within"', () => {
  const plan = [
    JSON.stringify({ id: 'a', endpoint: V2V, input: { resolution: '540p' } }),
    JSON.stringify({ id: 'big', endpoint: V2V, count: 1000000, input: { resolution: '4k' } }),
  ].join('\n');

  it('table and markdown say the priced lines are within and the invalid ones are left out; exit 2', async () => {
    for (const format of ['table', 'markdown']) {
      const result = await runCli(['batch', '-', '--at', AT, '--max', '5', '--format', format], { stdin: plan });
      expect(result.code).toBe(2);
      const budget = result.stdout.split('\n').find((line) => line.startsWith('Budget:'))!;
      expect(budget.replace(/\*\*/g, '').replace(/^Budget:\s+/, '')).toBe('unknown: the priced lines are within --max $5.00 ($4.28 to spare), but 1 invalid line is left out of the total');
    }
  });

  it('without invalid lines it is still plainly within', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--max', '5'], { stdin: plan.split('\n')[0]! });
    expect(result.stdout).toContain('Budget:  within --max $5.00 ($4.28 to spare)\n');
  });
});
