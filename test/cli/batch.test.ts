import { beforeAll, describe, expect, it } from 'vitest';
import { Decimal, quoteBatch } from '../../src/index.js';
import { AT, ensureBuilt, failureLine, runCli, writeTemp } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';

beforeAll(() => ensureBuilt());

/** A small plan: every kind of line, valid and not, including a blank line and a CRLF ending. */
const PLAN = [
  JSON.stringify({ id: 'opening', endpoint: V2V, input: { prompt: 'neon city', video_url: 'https://example.com/a.mp4', resolution: '1080p', hdr: true, duration: '10s' } }),
  JSON.stringify({ id: 'title', endpoint: 'luma/agent/ray/v3.2/text-to-video', input: { prompt: 'title card', resolution: '720p' } }),
  '',
  `${JSON.stringify({ id: 'edit-1', endpoint: 'luma-ray-3-2-edit', sourceSeconds: '22.5', input: { model: 'luma-ray-3-2-edit', prompt: 'warmer', source_generation_id: 'gen_1', resolution: '1080p' } })}\r`,
  JSON.stringify({ id: 'bad-hdr', endpoint: V2V, input: { resolution: '540p', hdr: true } }),
  'not json',
  JSON.stringify({ id: 'still', endpoint: 'luma/agent/ray/v3.2/image-to-video', input: { prompt: 'a still', image_url: 'https://example.com/a.png', loop: true } }),
  JSON.stringify({ id: 7, endpoint: 'luma/agent/ray/v9/video-to-video', input: {} }),
  JSON.stringify({ endpoint: V2V, input: { resolution: '720p' }, colour: 'red' }),
  JSON.stringify({ id: 'oxen', endpoint: 'luma-ray-v3-2-video-to-video', provider: 'oxen', input: { resolution: '720p', duration: '10s' } }),
].join('\n');

describe('batch: golden output', () => {
  it('a table: priced lines, subtotals per endpoint, grand total, invalid lines by number, pricing, warnings', async () => {
    const result = await runCli(['batch', writeTemp('plan.jsonl', PLAN), '--at', AT]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Batch: 5 lines quoted, 4 invalid lines, 1 blank line skipped
      ┌──────┬─────────┬─────────────────────────────────────────────────────────────────┬──────────┬────────┐
      │ Line │ ID      │ Item                                                            │ Quantity │ Amount │
      ├──────┼─────────┼─────────────────────────────────────────────────────────────────┼──────────┼────────┤
      │    1 │ opening │ luma/agent/ray/v3.2/video-to-video · 1080p · HDR · 10s          │   1 clip │  $8.64 │
      │    2 │ title   │ luma/agent/ray/v3.2/text-to-video · 720p · SDR · 5s             │   1 clip │  $1.00 │
      │    4 │ edit-1  │ luma-ray-3-2-edit · 1080p · SDR · 5 s blocks of a 22.5 s source │ 5 blocks │ $10.80 │
      │    7 │ still   │ luma/agent/ray/v3.2/image-to-video · 540p · SDR · 5s            │   1 clip │  $0.50 │
      │   10 │ oxen    │ luma-ray-v3-2-video-to-video · 720p · SDR · 10s                 │   1 clip │  $2.16 │
      └──────┴─────────┴─────────────────────────────────────────────────────────────────┴──────────┴────────┘
      ┌─────────────┬────────────────────────────────────┬──────┬──────────┐
      │ Provider    │ Endpoint                           │ Jobs │ Subtotal │
      ├─────────────┼────────────────────────────────────┼──────┼──────────┤
      │ fal         │ luma/agent/ray/v3.2/image-to-video │    1 │    $0.50 │
      │ fal         │ luma/agent/ray/v3.2/text-to-video  │    1 │    $1.00 │
      │ fal         │ luma/agent/ray/v3.2/video-to-video │    1 │    $8.64 │
      │ gmi         │ luma-ray-3-2-edit                  │    1 │   $10.80 │
      │ oxen        │ luma-ray-v3-2-video-to-video       │    1 │    $2.16 │
      │ Total (USD) │                                    │    5 │   $23.10 │
      └─────────────┴────────────────────────────────────┴──────┴──────────┘
      Invalid lines (4), not in the total:
      ┌──────┬─────────┬────────────────────────────────────────────────────────────────────────┐
      │ Line │ ID      │ Reason                                                                 │
      ├──────┼─────────┼────────────────────────────────────────────────────────────────────────┤
      │    5 │ bad-hdr │ fal does not offer luma/agent/ray/v3.2/video-to-video with tier HDR,   │
      │      │         │ resolution 540p: hdr requires resolution 720p or 1080p (got 540p)      │
      │    6 │         │ not valid JSON (Unexpected token 'o', "not json" is not valid JSON)    │
      │    8 │ 7       │ unknown endpoint "luma/agent/ray/v9/video-to-video": not in any        │
      │      │         │ pricing table; known endpoints: luma-ray-3-2-edit,                     │
      │      │         │ luma-ray-v3-2-video-to-video, luma/agent/ray/v3.2/image-to-video,      │
      │      │         │ luma/agent/ray/v3.2/reframe, luma/agent/ray/v3.2/text-to-video,        │
      │      │         │ luma/agent/ray/v3.2/video-to-video                                     │
      │    9 │         │ invalid request for luma/agent/ray/v3.2/video-to-video: colour:        │
      │      │         │ unknown key colour (allowed: endpoint, input, id, provider,            │
      │      │         │ sourceSeconds, count)                                                  │
      └──────┴─────────┴────────────────────────────────────────────────────────────────────────┘
      Pricing (in effect at 2026-11-24T00:00:00.000Z):
        fal 2026-11-21, sha256 8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d
        gmi 2026-11-21, sha256 40a74bc40e4f047ea43efa4b9b5cb2c44bd96d1273be33c3d1a6cf031d31bd0a
        oxen 2026-11-21, sha256 2cdc6595f2b2b36cb37e35a0a1681742abfed740b86359bc610a14b5a74cae33
      Warnings:
        ! incomplete_request on 1 line (first: line 10: incomplete request: prompt, input_video are required by the provider but not needed for the price)
        ! unverified_price on 1 line (first: line 10: unverified price: Oxen serves fal's luma/agent/ray/v3.2/video-to-video and its page gives no per-call price; this card mirrors fal's rates and is not confirmed by Oxen. Check your Oxen bill.)
      "
    `);
    expect(result.stderr).toMatchInlineSnapshot(`
      "fal-budget: 4 invalid lines left out of the total (first: line 5: fal does not offer luma/agent/ray/v3.2/video-to-video with tier HDR, resolution 540p: hdr requires resolution 720p or 1080p (got 540p))
      "
    `);
  });

  it('one JSON document: total, currency, items, errors, subtotals (from stdin)', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--json'], { stdin: PLAN });
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['currency', 'items', 'total', 'upperBound', 'subtotals', 'counts', 'itemsOmitted', 'errors', 'pricing', 'pricedAt', 'warnings']);
    expect(report).toMatchObject({ currency: 'USD', total: '23.10', counts: { lines: 10, blank: 1, quoted: 5, invalid: 4 } });
    expect(report.items.map((item: { line: number; id: unknown; total: string }) => [item.line, item.id, item.total])).toEqual([
      [1, 'opening', '8.64'], [2, 'title', '1.00'], [4, 'edit-1', '10.80'], [7, 'still', '0.50'], [10, 'oxen', '2.16'],
    ]);
    expect(report.errors.map((error: { line: number; code: string }) => [error.line, error.code])).toEqual([
      [5, 'not_offered'], [6, 'malformed_json'], [8, 'unknown_endpoint'], [9, 'invalid_request'],
    ]);
    expect(report.errors[0].issues).toEqual([{ path: ['hdr'], code: 'hdr_resolution', message: 'hdr requires resolution 720p or 1080p (got 540p)' }]);
    expect(report.errors[3].message).toContain('colour: unknown key colour');
    expect(report.subtotals).toMatchInlineSnapshot(`
      [
        {
          "count": 1,
          "endpoint": "luma/agent/ray/v3.2/image-to-video",
          "provider": "fal",
          "total": "0.50",
        },
        {
          "count": 1,
          "endpoint": "luma/agent/ray/v3.2/text-to-video",
          "provider": "fal",
          "total": "1.00",
        },
        {
          "count": 1,
          "endpoint": "luma/agent/ray/v3.2/video-to-video",
          "provider": "fal",
          "total": "8.64",
        },
        {
          "count": 1,
          "endpoint": "luma-ray-3-2-edit",
          "provider": "gmi",
          "total": "10.80",
        },
        {
          "count": 1,
          "endpoint": "luma-ray-v3-2-video-to-video",
          "provider": "oxen",
          "total": "2.16",
        },
      ]
    `);
  });

  it('markdown for a pull request', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--format', 'markdown', '--max', '30'], { stdin: PLAN });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatchInlineSnapshot(`
      "### Batch quote: 5 quoted, 4 invalid lines

      | Line | ID | Item | Quantity | Amount |
      | ---: | --- | --- | ---: | ---: |
      | 1 | opening | luma/agent/ray/v3.2/video-to-video · 1080p · HDR · 10s | 1 clip | $8.64 |
      | 2 | title | luma/agent/ray/v3.2/text-to-video · 720p · SDR · 5s | 1 clip | $1.00 |
      | 4 | edit-1 | luma-ray-3-2-edit · 1080p · SDR · 5 s blocks of a 22.5 s source | 5 blocks | $10.80 |
      | 7 | still | luma/agent/ray/v3.2/image-to-video · 540p · SDR · 5s | 1 clip | $0.50 |
      | 10 | oxen | luma-ray-v3-2-video-to-video · 720p · SDR · 10s | 1 clip | $2.16 |

      | Provider | Endpoint | Jobs | Subtotal |
      | --- | --- | ---: | ---: |
      | fal | \`luma/agent/ray/v3.2/image-to-video\` | 1 | $0.50 |
      | fal | \`luma/agent/ray/v3.2/text-to-video\` | 1 | $1.00 |
      | fal | \`luma/agent/ray/v3.2/video-to-video\` | 1 | $8.64 |
      | gmi | \`luma-ray-3-2-edit\` | 1 | $10.80 |
      | oxen | \`luma-ray-v3-2-video-to-video\` | 1 | $2.16 |
      | **Total (USD)** |  | 5 | **$23.10** |

      **Invalid lines (4), not in the total:**

      | Line | ID | Reason |
      | ---: | --- | --- |
      | 5 | bad-hdr | fal does not offer luma/agent/ray/v3.2/video-to-video with tier HDR, resolution 540p: hdr requires resolution 720p or 1080p (got 540p) |
      | 6 |  | not valid JSON (Unexpected token 'o', "not json" is not valid JSON) |
      | 8 | 7 | unknown endpoint "luma/agent/ray/v9/video-to-video": not in any pricing table; known endpoints: luma-ray-3-2-edit, luma-ray-v3-2-video-to-video, luma/agent/ray/v3.2/image-to-video, luma/agent/ray/v3.2/reframe, luma/agent/ray/v3.2/text-to-video, luma/agent/ray/v3.2/video-to-video |
      | 9 |  | invalid request for luma/agent/ray/v3.2/video-to-video: colour: unknown key colour (allowed: endpoint, input, id, provider, sourceSeconds, count) |

      Pricing: fal 2026-11-21 (sha256 \`8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d\`), gmi 2026-11-21 (sha256 \`40a74bc40e4f047ea43efa4b9b5cb2c44bd96d1273be33c3d1a6cf031d31bd0a\`), oxen 2026-11-21 (sha256 \`2cdc6595f2b2b36cb37e35a0a1681742abfed740b86359bc610a14b5a74cae33\`); priced at 2026-11-24T00:00:00.000Z

      Budget: **unknown: the priced lines are within --max $30.00 ($6.90 to spare), but 4 invalid lines are left out of the total**

      > ⚠️ \`incomplete_request\` on 1 line (first: line 10: incomplete request: prompt, input_video are required by the provider but not needed for the price)
      >
      > ⚠️ \`unverified_price\` on 1 line (first: line 10: unverified price: Oxen serves fal's luma/agent/ray/v3.2/video-to-video and its page gives no per-call price; this card mirrors fal's rates and is not confirmed by Oxen. Check your Oxen bill.)
      "
    `);
  });
});

describe('batch: exit codes', () => {
  const valid = PLAN.split('\n').filter((line, index) => [0, 1, 3, 6, 9].includes(index)).join('\n');

  it('0 when every line is quoted and the total is within --max (equal is within)', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--max', '23.10', '--json'], { stdin: valid });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ total: '23.10', errors: [], budget: { max: '23.10', within: true, remaining: '0.00' } });
  });

  it('3 when the grand total is over --max, with the report still printed', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--max', '23.09'], { stdin: valid });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('Budget:  OVER --max $23.09 by $0.01');
    expect(result.stderr).toBe('fal-budget: total $23.10 is over --max $23.09 by $0.01\n');
  });

  it('3 over --max even with invalid lines: they can only add to the total', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--max', '20', '--json'], { stdin: PLAN });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^fal-budget: total \$23\.10 is over --max \$20\.00 by \$3\.10; 4 invalid lines left out of the total \(first: line 5: /);
  });

  it('2 when some lines are invalid and the rest are within --max: the rest are still reported', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--max', '100', '--json'], { stdin: PLAN });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ total: '23.10', budget: { within: true } });
  });

  it('2 with nothing on stdout when the file cannot be read or a flag is bad', async () => {
    expect(failureLine(await runCli(['batch', 'no-such.jsonl', '--at', AT]))).toBe('fal-budget: batch no-such.jsonl: cannot read (no such file)');
    expect(failureLine(await runCli(['batch', 'test', '--at', AT, '--json']))).toBe('fal-budget: batch test: cannot read (is a directory)');
    expect(failureLine(await runCli(['batch', '-', '--max', 'ten'], { stdin: valid }))).toBe('fal-budget: --max: expected an amount in USD like 25 or 12.50 (got "ten")');
    expect(failureLine(await runCli(['batch', '-', '--items', 'some'], { stdin: valid }))).toBe('fal-budget: --items: expected a number of lines or "all" (got "some") (see fal-budget --help)');
  });

  it('2 when no line can be priced (no table in effect yet), each reported by line number', async () => {
    const result = await runCli(['batch', '-', '--at', '2026-11-20', '--json'], { stdin: valid });
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ total: '0.00', counts: { quoted: 0, invalid: 5 } });
    expect(report.errors.map((error: { line: number; code: string }) => `${error.line} ${error.code}`)).toEqual(['1 no_price_in_effect', '2 no_price_in_effect', '3 no_price_in_effect', '4 no_price_in_effect', '5 no_price_in_effect']);
  });

  it('an empty plan is a warning and exit 2, not a silent $0: JSON still a valid document, with the warning in it', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--json'], { stdin: '\n\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('fal-budget: warning: stdin has no requests (2 lines, all blank): nothing was quoted\n');
    expect(JSON.parse(result.stdout)).toMatchObject({
      total: '0.00', items: [], errors: [], counts: { lines: 2, blank: 2, quoted: 0, invalid: 0, jobs: 0 },
      emptyPlan: { code: 'empty_plan', message: 'stdin has no requests (2 lines, all blank): nothing was quoted' },
    });
  });
});

describe('batch: listing lines', () => {
  const many = Array.from({ length: 25 }, (_, index) => JSON.stringify({ id: index, endpoint: V2V, input: { resolution: '720p' } })).join('\n');

  it('a table lists the first 20 lines and adds up the rest; --items changes how many', async () => {
    const table = await runCli(['batch', '-', '--at', AT], { stdin: many });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('(20 lines listed, 5 more added up below; --items all lists every line, --json streams them all)');
    expect(table.stdout).toMatch(/│ +20 │ 19 +│/);
    expect(table.stdout).not.toMatch(/│ +21 │ 20 +│/);
    expect(table.stdout).toContain('│ Total (USD) │                                    │   25 │   $27.00 │');
    const all = await runCli(['batch', '-', '--at', AT, '--items', 'all'], { stdin: many });
    expect(all.stdout).toMatch(/│ +25 │ 24 +│/);
    expect(all.stdout).not.toContain('more added up below');
  });

  it('JSON lists every line unless --items says otherwise', async () => {
    const all = JSON.parse((await runCli(['batch', '-', '--at', AT, '--json'], { stdin: many })).stdout);
    expect(all.items).toHaveLength(25);
    expect(all.itemsOmitted).toBe(0);
    const none = JSON.parse((await runCli(['batch', '-', '--at', AT, '--json', '--items', '0'], { stdin: many })).stdout);
    expect(none).toMatchObject({ items: [], itemsOmitted: 25, total: '27.00' });
  });
});

describe('batch: a 100,000-line file', () => {
  it('streams to the exact total the library adds up, per endpoint and in all', async () => {
    const resolutions = ['540p', '720p', '1080p'];
    const requests = Array.from({ length: 100_000 }, (_, index) => {
      switch (index % 4) {
        case 0: return { id: index, endpoint: V2V, input: { resolution: resolutions[(index >> 2) % 2 + 1], hdr: index % 8 === 0, exr_export: index % 16 === 0, duration: index % 3 ? '5s' : '10s' } };
        case 1: return { id: index, endpoint: 'luma/agent/ray/v3.2/image-to-video', input: { resolution: resolutions[index % 3], loop: index % 5 === 0 } };
        case 2: return { id: index, endpoint: 'luma/agent/ray/v3.2/text-to-video', input: { prompt: `idea ${index}`, duration: index % 7 ? '5s' : '10s' } };
        default: return { id: index, endpoint: 'luma-ray-3-2-edit', sourceSeconds: `${index % 30}.${index % 10}1`, input: { resolution: resolutions[index % 3] } };
      }
    });
    const file = writeTemp('big.jsonl', `${requests.map((request) => JSON.stringify(request)).join('\n')}\n`);
    const expected = quoteBatch(requests, { at: AT });
    expect(expected.errors).toEqual([]);

    const result = await runCli(['batch', file, '--at', AT, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.total).toBe(expected.total);
    expect(report.subtotals).toEqual(expected.subtotals);
    expect(report.counts).toEqual({ lines: 100_000, blank: 0, quoted: 100_000, invalid: 0, jobs: 100_000 });
    // Every line was streamed out, in order, and its amounts add up to the total.
    expect(report.items).toHaveLength(100_000);
    expect(report.items[99_999].line).toBe(100_000);
    const sum = report.items.reduce((total: Decimal, item: { total: string }) => total.plus(item.total), new Decimal(0));
    expect(sum.eq(expected.total)).toBe(true);

    const table = await runCli(['batch', file, '--at', AT]);
    expect(table.code).toBe(0);
    // Human formats group money by thousands, as they do counts.
    expect(expected.total).toBe('246843.72');
    expect(table.stdout).toContain('$246,843.72 │');
    expect(table.stdout).toContain('100,000 lines quoted, 0 invalid lines');
  });
});
