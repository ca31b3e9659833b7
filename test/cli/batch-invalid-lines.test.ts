import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchCommand } from '../../src/cli/commands/batch.js';
import { AT, ensureBuilt, runCli, writeTemp } from './support/cli.js';

/*
 * Invalid lines: JSON and CSV list every one; a table or markdown report shows the first 50 and
 * counts the rest, so it keeps only those 50 (a file of junk lines must not grow the process by
 * a few hundred bytes a line, as it did: 2,000,000 lines of "x" took 858 MB).
 */

beforeAll(() => ensureBuilt());

const T2V = JSON.stringify({ endpoint: 'luma/agent/ray/v3.2/text-to-video', input: { prompt: 'p', resolution: '540p' } });
const junkThenOne = (junk: number) => `${'x\n'.repeat(junk)}${T2V}\n`;

describe('batch: invalid lines', () => {
  it('batchCommand keeps the first invalidKept whole and counts every one', async () => {
    const run = (invalidKept?: number) => batchCommand(
      { file: '-', at: AT, itemLimit: 20, invalidKept },
      { stdin: Readable.from([junkThenOne(200)]), now: () => new Date(AT) },
    );
    const kept = await run(50);
    expect(kept.counts).toMatchObject({ lines: 201, quoted: 1, invalid: 200 });
    expect(kept.errors.map((error) => error.line)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    const all = await run();
    expect(all.counts.invalid).toBe(200);
    expect(all.errors).toHaveLength(200);
  });

  it('a table shows 50 of 60, says how many, and exits 2; markdown the same; --json lists all 60', async () => {
    const file = writeTemp('plan.jsonl', junkThenOne(60));
    const table = await runCli(['batch', file, '--at', AT]);
    expect(table.code).toBe(2);
    expect(table.stdout).toContain('Invalid lines (60), not in the total:');
    expect(table.stdout).toMatch(/│ +50 │ +│ not valid JSON/);
    expect(table.stdout).not.toMatch(/│ +51 │ +│ not valid JSON/);
    expect(table.stdout).toContain('(first 50 shown; --json lists all 60)');
    expect(table.stderr).toMatch(/^fal-budget: 60 invalid lines left out of the total \(first: line 1: not valid JSON/);

    const markdown = await runCli(['batch', file, '--at', AT, '--format', 'markdown']);
    expect(markdown.code).toBe(2);
    expect(markdown.stdout).toContain('**Invalid lines (60), not in the total:**');
    expect(markdown.stdout).toContain('_First 50 shown._');

    const json = await runCli(['batch', file, '--at', AT, '--json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout) as { counts: { invalid: number }; errors: unknown[] };
    expect(report.counts.invalid).toBe(60);
    expect(report.errors).toHaveLength(60);
  });

  it('a table of 400,000 junk lines runs in a 32 MB old generation (keeping every invalid line does not)', async () => {
    // No timing and no RSS figure: a heap limit a kept error per line (~400 bytes) would break.
    const file = writeTemp('plan.jsonl', junkThenOne(400_000));
    const small = { env: { NODE_OPTIONS: '--max-old-space-size=32' } };
    const table = await runCli(['batch', file, '--at', AT], small);
    expect(table.code).toBe(2);
    expect(table.stdout).toContain('(first 50 shown; --json lists all 400,000)');
    const json = await runCli(['batch', file, '--at', AT, '--json'], small);
    expect(json.code).not.toBe(2); // the control: JSON lists every one, so it cannot fit
  }, 60_000);
});
