import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PricingTableError } from '../../src/core/errors/index.js';
import { loadPricingTables, MAX_TABLE_BYTES } from '../../src/tables/load-directory.js';
import { AT, ensureBuilt, failureLine, runCli } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';

beforeAll(() => ensureBuilt());

function problems(path: string): string[] {
  try {
    loadPricingTables(path);
  } catch (error) {
    if (error instanceof PricingTableError) return error.problems.map((problem) => `${problem.file}: ${problem.message}`);
    throw error;
  }
  throw new Error('expected a PricingTableError');
}

describe('pricing tables are read only from regular files of at most 4 MiB', () => {
  it('--pricing /dev/zero is an error naming it, not a hang that fills memory', async () => {
    expect(problems('/dev/zero')).toEqual(['/dev/zero: cannot read: a character device, not a regular file']);
    const result = await runCli(['quote', V2V, '--at', AT, '--pricing', '/dev/zero']);
    expect(failureLine(result)).toContain('/dev/zero');
    expect(failureLine(result)).toContain('a character device, not a regular file');
  });

  it('a FIFO given as a table, or named *.json in a table directory, is refused without blocking', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-fifo-table-'));
    execFileSync('mkfifo', [join(dir, 'fifo.json')]);
    expect(problems(join(dir, 'fifo.json'))).toEqual([`${join(dir, 'fifo.json')}: cannot read: a FIFO, not a regular file`]);
    const result = await runCli(['quote', V2V, '--at', AT, '--pricing', join(dir, 'fifo.json')]);
    expect(failureLine(result)).toContain('a FIFO, not a regular file');
    expect(failureLine(await runCli(['diff', 'fal/2026-11-21', join(dir, 'fifo.json')]))).toBe(`fal-budget: diff <new> ${join(dir, 'fifo.json')}: cannot read (a FIFO, not a regular file)`);
  });

  it('a file over the cap is refused from its size, before it is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-big-table-'));
    writeFileSync(join(dir, 'big.json'), Buffer.alloc(MAX_TABLE_BYTES + 1, 0x20));
    expect(problems(dir)).toEqual([`${join(dir, 'big.json')}: cannot read: ${MAX_TABLE_BYTES + 1} bytes, over the 4194304-byte limit`]);
    writeFileSync(join(dir, 'big.json'), Buffer.alloc(MAX_TABLE_BYTES, 0x20));
    expect(problems(dir)[0]).toMatch(/big\.json: not valid JSON/);
  });
});
