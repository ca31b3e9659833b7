import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AT, ensureBuilt, failureLine, ROOT, runCli, writeTemp } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const T2V = 'luma/agent/ray/v3.2/text-to-video';

beforeAll(() => ensureBuilt());

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);
const plan = (...lines: Record<string, unknown>[]) => lines.map(line).join('\n');

/** Prices `text` as `batch --json` and saves the result where --compare-to can read it. */
async function saved(text: string): Promise<string> {
  const result = await runCli(['batch', '-', '--at', AT, '--json'], { stdin: text });
  expect(result.code).toBe(0);
  return writeTemp('previous.json', result.stdout);
}

const BEFORE = plan(
  { id: 'opening', endpoint: V2V, count: 3, input: { resolution: '1080p', hdr: true, duration: '10s' } },
  { id: 'title', endpoint: T2V, input: { resolution: '720p' } },
  { id: 'teaser', endpoint: T2V, input: { resolution: '540p' } },
  { endpoint: V2V, input: { resolution: '720p' } },
);
// opening: 3 -> 4 jobs; title: 720p -> 1080p; teaser: unchanged; line 4 (no id): unchanged; "credits" added.
const AFTER = plan(
  { id: 'opening', endpoint: V2V, count: 4, input: { resolution: '1080p', hdr: true, duration: '10s' } },
  { id: 'title', endpoint: T2V, input: { resolution: '1080p' } },
  { id: 'teaser', endpoint: T2V, input: { resolution: '540p' } },
  { endpoint: V2V, input: { resolution: '720p' } },
  { id: 'credits', endpoint: T2V, input: { resolution: '540p' } },
);

describe('batch --compare-to: what changed per line id and in total', () => {
  it('a table: changed (old -> new, with jobs), added, removed, unchanged counted, the total delta', async () => {
    const previous = await saved(BEFORE);
    const result = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--items', '0'], { stdin: AFTER });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const section = result.stdout.slice(result.stdout.indexOf('Compared with')).replace(previous, '<previous.json>');
    expect(section).toMatchInlineSnapshot(`
      "Compared with <previous.json>: $28.50 → $38.64 (+10.14); 3 line ids changed, 2 unchanged
      ┌─────────────┬─────────┬─────────────────┬─────────────────┬────────┐
      │ Change      │ Line id │             Old │             New │  Delta │
      ├─────────────┼─────────┼─────────────────┼─────────────────┼────────┤
      │ changed     │ opening │ $25.92 (3 jobs) │ $34.56 (4 jobs) │  +8.64 │
      │ changed     │ title   │           $1.00 │           $2.00 │  +1.00 │
      │ added       │ credits │                 │           $0.50 │  +0.50 │
      │ Total (USD) │         │          $28.50 │          $38.64 │ +10.14 │
      └─────────────┴─────────┴─────────────────┴─────────────────┴────────┘
      "
    `);
  });

  it('a line without an id is matched by its line number: removing a line above it shows as changes', async () => {
    const previous = await saved(BEFORE);
    const withoutTeaser = AFTER.split('\n').filter((_, index) => index !== 2).join('\n');
    const result = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--json', '--items', '0'], { stdin: withoutTeaser });
    const { comparison } = JSON.parse(result.stdout);
    expect(comparison.changes.map((change: { change: string; key: string }) => `${change.change} ${change.key}`)).toEqual([
      'changed opening', 'changed title', 'added line 3', 'added credits', 'removed teaser', 'removed line 4',
    ]);
  });

  it('JSON: the comparison is one more field of the document, exact decimal strings', async () => {
    const previous = await saved(BEFORE);
    const result = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--json', '--max-increase', '20'], { stdin: AFTER });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).comparison).toEqual({
      against: previous,
      old: { total: '28.50' },
      new: { total: '38.64' },
      delta: '+10.14',
      changes: [
        { change: 'changed', key: 'opening', old: { total: '25.92', count: 3 }, new: { total: '34.56', count: 4 }, delta: '+8.64' },
        { change: 'changed', key: 'title', old: { total: '1.00', count: 1 }, new: { total: '2.00', count: 1 }, delta: '+1.00' },
        { change: 'added', key: 'credits', new: { total: '0.50', count: 1 }, delta: '+0.50' },
      ],
      unchanged: 2,
      maxIncrease: { max: '20.00', within: true },
    });
  });

  it('markdown and CSV say the same', async () => {
    const previous = await saved(BEFORE);
    const markdown = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--format', 'markdown'], { stdin: AFTER });
    expect(markdown.stdout).toContain('| changed | opening | $25.92 (3 jobs) | $34.56 (4 jobs) | +8.64 |');
    expect(markdown.stdout).toContain('| **Total (USD)** |  | $28.50 | $38.64 | **+10.14** |');
    const csv = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--format', 'csv'], { stdin: AFTER });
    expect(csv.stdout).toBe([
      'change,key,old_count,old_total,new_count,new_total,delta',
      'changed,opening,3,25.92,4,34.56,+8.64',
      'changed,title,1,1.00,1,2.00,+1.00',
      'added,credits,,,1,0.50,+0.50',
      'total,,,28.50,,38.64,+10.14',
      '',
    ].join('\r\n'));
  });

  it('ids 7 and "7" are one id; lines sharing an id are added together', async () => {
    const previous = await saved(plan({ id: 7, endpoint: T2V, input: {} }, { id: 'x', endpoint: T2V, input: {} }, { id: 'x', endpoint: T2V, input: {} }));
    const result = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--json'], { stdin: plan({ id: '7', endpoint: T2V, input: {} }, { id: 'x', endpoint: T2V, input: {}, count: 2 }) });
    expect(JSON.parse(result.stdout).comparison).toMatchObject({ changes: [], unchanged: 2, delta: '+0.00' });
  });

  it('a line id invalid in this run is "invalid now", not removed, and has no delta', async () => {
    const previous = await saved(BEFORE);
    const broken = AFTER.replace('"resolution":"540p"', '"resolution":"4k"');
    const result = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--json'], { stdin: broken });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).comparison.changes).toContainEqual({ change: 'invalid', key: 'teaser', old: { total: '0.50', count: 1 } });
  });
});

describe('--max-increase: exit 3 when the total rose by more, compared exactly', () => {
  it('over is 3 with the report printed and one line on stderr; equal is within', async () => {
    const previous = await saved(BEFORE);
    const over = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--max-increase', '10.13'], { stdin: AFTER });
    expect(over.code).toBe(3);
    expect(over.stdout).toContain('Increase: OVER --max-increase $10.13 by $0.01');
    expect(over.stderr).toBe('fal-budget: total went up by $10.14, over --max-increase $10.13 by $0.01\n');
    const equal = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--max-increase', '10.14'], { stdin: AFTER });
    expect(equal.code).toBe(0);
    expect(equal.stdout).toContain('Increase: within --max-increase $10.14');
  });

  it('exact where floats are not: 1.08 - 0.72 is 0.36, not 0.36000000000000004', async () => {
    const previous = await saved(plan({ id: 'a', endpoint: V2V, input: {} }));
    const result = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--max-increase', '0.36'], { stdin: plan({ id: 'a', endpoint: V2V, input: { resolution: '720p' } }) });
    expect(result.code).toBe(0);
  });

  it('a decrease is within any --max-increase, and over --max-increase wins over invalid lines (they could only add)', async () => {
    const previous = await saved(AFTER);
    expect((await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--max-increase', '0'], { stdin: BEFORE })).code).toBe(0);
    const cheap = await saved(plan({ id: 'a', endpoint: V2V, input: {} }));
    expect((await runCli(['batch', '-', '--at', AT, '--compare-to', cheap, '--max-increase', '0'], { stdin: `${AFTER}\nnot json` })).code).toBe(3);
  });

  it('a bad amount, or --max-increase without --compare-to, is a usage error', async () => {
    const previous = await saved(BEFORE);
    expect(failureLine(await runCli(['batch', '-', '--compare-to', previous, '--max-increase', '-5'], { stdin: AFTER }))).toBe('fal-budget: --max-increase: expected an amount in USD like 25 or 12.50 (got "-5")');
    expect(failureLine(await runCli(['batch', '-', '--max-increase', '5'], { stdin: AFTER }))).toBe('fal-budget: --max-increase needs --compare-to <saved.json>: an increase is over a saved result (see fal-budget --help)');
  });
});

describe('a saved result that is not one: exit 2 naming the file and the field, nothing on stdout', () => {
  const cases: [string, string, string][] = [
    ['not JSON', '{"currency":', 'not valid JSON (Unexpected end of JSON input); save a result with fal-budget batch <plan> --json > <file>'],
    ['a quote, not a batch', JSON.stringify({ endpoint: V2V, total: '0.72' }), '$.currency: Invalid input: expected "USD" (expected a saved fal-budget batch --json result)'],
    ['a number for money', JSON.stringify({ currency: 'USD', total: '1.00', items: [{ line: 1, total: 1.08 }] }), '$.items[0].total: Invalid input: expected string, received number (expected a saved fal-budget batch --json result)'],
    ['a float-looking total', JSON.stringify({ currency: 'USD', total: '1e3', items: [] }), '$.total: expected an amount as a decimal string like "8.64" (expected a saved fal-budget batch --json result)'],
    ['a bad count', JSON.stringify({ currency: 'USD', total: '1.00', items: [{ line: 1, total: '1.00', count: 0 }] }), '$.items[0].count: Too small: expected number to be >=1 (expected a saved fal-budget batch --json result)'],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      const file = writeTemp('previous.json', text);
      expect(failureLine(await runCli(['batch', '-', '--at', AT, '--compare-to', file], { stdin: AFTER }))).toBe(`fal-budget: --compare-to ${file}: ${message.replace('<file>', file)}`);
    });
  }

  it('one saved with --items lists only some lines: comparing it would report the rest as added', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--json', '--items', '1'], { stdin: BEFORE });
    const file = writeTemp('previous.json', result.stdout);
    expect(failureLine(await runCli(['batch', '-', '--at', AT, '--compare-to', file], { stdin: AFTER }))).toBe(`fal-budget: --compare-to ${file}: $.itemsOmitted: the saved result lists only some priced lines (it was saved with --items): save it with --json alone, which lists them all (expected a saved fal-budget batch --json result)`);
  });

  it('a missing file, and the plan and the saved result both on stdin', async () => {
    expect(failureLine(await runCli(['batch', '-', '--compare-to', 'nope.json'], { stdin: AFTER }))).toBe('fal-budget: --compare-to nope.json: cannot read (no such file)');
    expect(failureLine(await runCli(['batch', '-', '--compare-to', '-'], { stdin: AFTER }))).toBe('fal-budget: --compare-to -: the plan is already read from stdin; give the saved result as a file (see fal-budget --help)');
  });
});

describe('a saved result whose totals or counts disagree with its items: exit 2 naming the file and the field', () => {
  /** The fields of a saved `batch --json` result these cases edit. */
  interface SavedDocument {
    total: string;
    items: { total: string; lines?: { amount: string }[] }[];
    subtotals?: { endpoint: string; provider: string; count: number; total: string }[];
    counts?: { quoted: number; jobs: number };
  }

  /** A real saved result of BEFORE, edited by `edit`. */
  async function edited(edit: (saved: SavedDocument) => void): Promise<string> {
    const result = await runCli(['batch', '-', '--at', AT, '--json'], { stdin: BEFORE });
    const document = JSON.parse(result.stdout) as SavedDocument;
    edit(document);
    return writeTemp('edited.json', JSON.stringify(document));
  }

  it('a total raised above what the items add up to cannot hide an increase from --max-increase', async () => {
    const file = await edited((saved) => { saved.total = '999999'; });
    const result = await runCli(['batch', '-', '--at', AT, '--compare-to', file, '--max-increase', '50'], { stdin: AFTER });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(failureLine(result)).toBe(`fal-budget: --compare-to ${file}: $.total: "999999" is not what its items add up to (28.50); the file was edited or is not what fal-budget batch --json printed, so it cannot be compared`);
  });

  const cases: [string, (saved: SavedDocument) => void, string][] = [
    ['an item total that is not count times its lines', (saved) => { saved.items[0]!.total = '1.00'; saved.total = '2.16'; }, '$.items[0].total: "1.00" is not 3 × its lines\' 8.64 (25.92)'],
    ['a line amount edited, so the item total no longer follows from its lines', (saved) => { saved.items[0]!.lines![0]!.amount = '0.01'; }, '$.items[0].total: "25.92" is not 3 × its lines\' 0.01 (0.03)'],
    ['a subtotal that is not its items\' sum', (saved) => { saved.subtotals![0]!.total = '0.01'; }, ''],
    ['a subtotal count', (saved) => { saved.subtotals![0]!.count += 1; }, ''],
    ['a subtotal for an endpoint no item prices', (saved) => { saved.subtotals!.push({ endpoint: 'x', provider: 'fal', count: 1, total: '0.00' }); }, '$.subtotals[2]: fal x is not among its items'],
    ['a missing subtotal', (saved) => { saved.subtotals!.pop(); }, ''],
    ['counts.jobs', (saved) => { saved.counts!.jobs = 1; }, '$.counts.jobs: 1 is not what its items\' counts add up to (6)'],
    ['counts.quoted', (saved) => { saved.counts!.quoted = 9; }, '$.counts.quoted: 9 is not the number of its items (4)'],
  ];
  for (const [what, edit, message] of cases) {
    it(what, async () => {
      const file = await edited(edit);
      const result = await runCli(['batch', '-', '--at', AT, '--compare-to', file], { stdin: AFTER });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(failureLine(result)).toMatch(new RegExp(`^fal-budget: --compare-to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\$\\.(items|subtotals|counts|total)`));
      if (message !== '') expect(failureLine(result)).toContain(`: ${message}; the file was edited`);
    });
  }

  it('a result saved before subtotals, counts and lines existed (items and total only) still compares', async () => {
    const file = await edited((saved) => {
      delete saved.subtotals;
      delete saved.counts;
      for (const item of saved.items) delete item.lines;
    });
    const result = await runCli(['batch', '-', '--at', AT, '--compare-to', file, '--json'], { stdin: BEFORE });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).comparison).toMatchObject({ changes: [], delta: '+0.00' });
  });
});

describe('--compare-to keys: an id that reads like a line key', () => {
  it('the id "line 2" and the id-less line 2 stay two keys, shown apart', async () => {
    const previous = await saved(plan({ id: 'line 2', endpoint: V2V, count: 100, input: { resolution: '1080p', duration: '10s' } }, { endpoint: V2V, input: { resolution: '540p' } }));
    const result = await runCli(['batch', '-', '--at', AT, '--json', '--compare-to', previous], { stdin: plan({ endpoint: V2V, input: { resolution: '540p' } }, { endpoint: V2V, input: { resolution: '540p' } }) });
    const comparison = JSON.parse(result.stdout).comparison;
    expect(comparison.changes).toEqual([
      { change: 'added', key: 'line 1', new: { total: '0.72', count: 1 }, delta: '+0.72' },
      { change: 'removed', key: '"line 2"', old: { total: '432.00', count: 100 }, delta: '-432.00' },
    ]);
    expect(comparison.unchanged).toBe(1);
    const table = await runCli(['batch', '-', '--at', AT, '--compare-to', previous], { stdin: plan({ endpoint: V2V, input: { resolution: '540p' } }, { endpoint: V2V, input: { resolution: '540p' } }) });
    expect(table.stdout).toContain('"line 2"');
  });
});

describe('the plans the docs compare (test/fixtures/plans)', () => {
  it('week-1.json is what batch week-1.jsonl --json prints today, so the docs compare a real saved result', async () => {
    const plans = join(ROOT, 'test', 'fixtures', 'plans');
    const result = await runCli(['batch', join(plans, 'week-1.jsonl'), '--at', AT, '--json']);
    expect(result.stdout).toBe(readFileSync(join(plans, 'week-1.json'), 'utf8'));
    const compared = await runCli(['batch', 'test/fixtures/plans/week-2.jsonl', '--at', AT, '--compare-to', 'test/fixtures/plans/week-1.json', '--max-increase', '9.63']);
    expect(compared.code).toBe(3);
    expect(compared.stderr).toBe('fal-budget: total went up by $9.64, over --max-increase $9.63 by $0.01\n');
  });
});

describe('--compare-to: money over $1,000 in the human formats', () => {
  const big = (count: number) => plan({ id: 'opening', endpoint: V2V, count, input: { resolution: '1080p', hdr: true, duration: '10s' } });

  it('groups thousands in the table, markdown and the stderr note; JSON keeps plain decimals', async () => {
    const previous = await saved(big(500));
    const table = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--max-increase', '100'], { stdin: big(1500) });
    expect(table.code).toBe(3);
    expect(table.stdout).toContain('$4,320.00 (500 jobs)');
    expect(table.stdout).toContain('$12,960.00 (1,500 jobs)');
    expect(table.stdout).toContain('+8,640.00');
    expect(table.stdout).toContain('OVER --max-increase $100.00 by $8,540.00');
    expect(table.stderr).toContain('total went up by $8,640.00, over --max-increase $100.00 by $8,540.00');
    const markdown = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--format', 'markdown'], { stdin: big(1500) });
    expect(markdown.stdout).toContain('**+8,640.00**');
    const json = await runCli(['batch', '-', '--at', AT, '--compare-to', previous, '--json'], { stdin: big(1500) });
    expect(JSON.parse(json.stdout).comparison.delta).toBe('+8640.00');
  });

  it('groups thousands in the --max note on stderr', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--max', '1000'], { stdin: big(500) });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('total $4,320.00 is over --max $1,000.00 by $3,320.00');
  });
});
