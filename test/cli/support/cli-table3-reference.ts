import Table from 'cli-table3';
import fc from 'fast-check';
import type { Align } from '../../../src/cli/render/box-table.js';

/**
 * What cli-table3 draws for a table, in the compact style the CLI's other tables use: the
 * reference that boxTable and LongTable, which draw the same look without it, are held to.
 */
export function cliTable3(head: string[], align: Align[], rows: string[][]): string {
  const table = new Table({ head, colAligns: align, style: { head: [], border: [], compact: true } });
  for (const row of rows) table.push(row);
  return table.toString();
}

/** Cell text of mixed widths: ASCII, Latin-1 and punctuation, and double-width CJK. */
export const cellText = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '.', '$', '·', 'é', '—', '/', '-'), maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('日', '本', '語', 'x', ' '), maxLength: 6 }),
);

/**
 * A table of 1 to 5 columns: a head of non-empty cells with no outer spaces, an alignment per column,
 * and 1 to `maxRows` rows of `cell`s, as both table properties draw them.
 */
export function tableArbitrary(cell: fc.Arbitrary<string>, maxRows: number) {
  return fc.integer({ min: 1, max: 5 }).chain((columns) => fc.record({
    head: fc.array(cellText.filter((text) => text.trim() === text && text.length > 0), { minLength: columns, maxLength: columns }),
    align: fc.array(fc.constantFrom<Align>('left', 'right'), { minLength: columns, maxLength: columns }),
    rows: fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), { minLength: 1, maxLength: maxRows }),
  }));
}
