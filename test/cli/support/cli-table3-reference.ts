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
