import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LongTable } from '../../src/cli/render/long-table.js';
import { cellText, cliTable3, tableArbitrary } from './support/cli-table3-reference.js';

describe('LongTable', () => {
  it('draws exactly what cli-table3 draws, for any cells, widths and alignments', () => {
    fc.assert(fc.property(
      tableArbitrary(cellText.map((cell) => cell.trim()), 30).chain((table) =>
        fc.array(fc.boolean(), { minLength: table.head.length, maxLength: table.head.length }).map((repeated) => ({ ...table, repeated }))),
      ({ head, align, rows, repeated }) => {
        const long = new LongTable(head, align, repeated);
        for (const row of rows) long.add(row);
        expect([...long.box()].join('')).toBe(`${cliTable3(head, align, rows)}\n`);
      },
    ), { numRuns: 300 });
  });

  it('keeps rows in order across its stored chunks, and hands out the output in pieces', () => {
    const long = new LongTable(['n', 'text'], ['right', 'left'], [false, true]);
    const count = 40_000;
    for (let index = 0; index < count; index += 1) long.add([String(index), `row ${index % 7} ${'·'.repeat(20)}`]);
    const pieces = [...long.box()];
    expect(pieces.length).toBeGreaterThan(1);
    const lines = pieces.join('').split('\n');
    expect(lines).toHaveLength(count + 5);
    expect(lines[3]).toBe(`│     0 │ row 0 ${'·'.repeat(20)} │`);
    expect(lines[count + 2]).toBe(`│ ${count - 1} │ row ${(count - 1) % 7} ${'·'.repeat(20)} │`);
    const markdown = [...long.markdown()].join('').split('\n');
    expect(markdown[2]).toBe(`| 0 | row 0 ${'·'.repeat(20)} |`);
    expect(markdown).toHaveLength(count + 3);
  });
});
