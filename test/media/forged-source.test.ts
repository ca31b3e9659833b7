import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/budget/ledger-types.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { BudgetExceededError, createBudgetGuard, InvalidRequestError } from '../../src/index.js';
import { probeInlineMp4 } from '../../src/mp4.js';
import { AT, ensureBuilt, failureLine, FIXTURES, runCli } from '../cli/support/cli.js';
import { forgeLengths } from './support/forge-mp4.js';

const EDIT = 'luma-ray-3-2-edit';
const T0 = Date.parse('2026-11-24T12:00:00Z');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

/** The forgeries, each from a real fixture: a 31 s file saying 4 s, and a 7.2 s one saying 7 s and 9 s. */
const SHORT_HEADER_31 = forgeLengths(fixture('source-31s.mp4'), { mvhd: '4' });
const SEVEN_AND_NINE = forgeLengths(fixture('source-7.2s.mp4'), { mvhd: '7', tkhd: '7', elst: '7', mdhd: '9', stts: '9' });
const SHORT_HEADER_7_2 = forgeLengths(fixture('source-7.2s.mp4'), { mvhd: '4', tkhd: '4', elst: '4' });

describe('the built CLI: --source reads every length the file declares', () => {
  let dir: string;
  const file = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'fal-budget-forged-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a 31 s file whose movie header says 4 s exits 2: too long', async () => {
    const path = file('short-header-31.mp4', SHORT_HEADER_31);
    expect(failureLine(await runCli(['quote', EDIT, '--source', path, '--at', AT])))
      .toBe(`fal-budget: --source ${path}: the source is 31 s; ${EDIT} accepts at most 30 s`);
  });

  it('boxes saying 7 s and 9 s: 9 s, 2 blocks, and the warning in the JSON and the table', async () => {
    const path = file('seven-and-nine.mp4', SEVEN_AND_NINE);
    const json = await runCli(['quote', EDIT, '--source', path, '--at', AT, '--json']);
    expect(json.code).toBe(0);
    const quoted = JSON.parse(json.stdout);
    expect(quoted.params).toMatchObject({ blocks: 2, sourceSeconds: '9', sourceSecondsFrom: 'mp4' });
    expect(quoted.warnings).toContainEqual({
      code: 'source_durations_disagree',
      message: "the source's boxes disagree on its length (mvhd 7 s, track 1 tkhd 7 s, track 1 elst 7 s, track 1 mdhd 9 s, track 1 stts 9 s); quoted at the longest, 9 s (track 1 mdhd)",
    });
    const table = await runCli(['quote', EDIT, '--source', path, '--at', AT]);
    expect(table.stdout).toContain('5 s blocks of a 9 s source');
    expect(table.stdout).toContain("! the source's boxes disagree on its length (mvhd 7 s,");
  });

  it('a 7.2 s file whose headers say 4 s is 2 blocks, over a --max of one block', async () => {
    const path = file('short-header-7.2.mp4', SHORT_HEADER_7_2);
    const result = await runCli(['quote', EDIT, '--source', path, '--max', '1.50', '--at', AT, '--json']);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ total: '2.16', params: { blocks: 2, sourceSeconds: '7.2' } });
  });
});

describe('the guard: an inline source_data is reserved at its longest length', () => {
  /** A guard on a memory ledger that counts reservations. */
  function guarded(limit: string) {
    const inner = memoryLedger();
    const counts = { reserve: 0 };
    const ledger: Ledger = { ...inner, reserve: (request) => { counts.reserve += 1; return inner.reserve(request); } };
    return { guard: createBudgetGuard({ limit, ledger, now: () => T0, probeSource: probeInlineMp4 }), counts };
  }
  const request = (bytes: Buffer) => ({ model: EDIT, prompt: 'p', source_data: bytes.toString('base64'), source_media_type: 'video/mp4' });

  it('a 31 s source whose movie header says 4 s is refused before anything is reserved', async () => {
    const { guard, counts } = guarded('100.00');
    const error = await guard.reserve(EDIT, request(SHORT_HEADER_31)).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).issues).toEqual([expect.objectContaining({ path: ['source_data'], code: 'source_too_long' })]);
    expect(counts.reserve).toBe(0);
  });

  it('boxes saying 7 s and 9 s reserve 9 s (2 blocks), and the quote carries the warning', async () => {
    const { guard } = guarded('100.00');
    const reservation = await guard.reserve(EDIT, request(SEVEN_AND_NINE));
    expect(reservation.amount).toBe('2.16');
    expect(reservation.quote?.params).toMatchObject({ blocks: 2, sourceSeconds: '9', sourceSecondsFrom: 'mp4' });
    expect(reservation.quote?.warnings.map((warning) => warning.code)).toContain('source_durations_disagree');
  });

  it('a 7.2 s source whose headers say 4 s costs 2 blocks: a $1.50 budget refuses it', async () => {
    const { guard } = guarded('1.50');
    const error = await guard.reserve(EDIT, request(SHORT_HEADER_7_2)).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).amount).toBe('2.16');
  });
});
