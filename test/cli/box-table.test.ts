import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxTable, type Align } from '../../src/cli/render/box-table.js';
import { colours } from '../../src/cli/render/colour.js';
import { cellText, cliTable3, tableArbitrary } from './support/cli-table3-reference.js';

const c = colours(true);
const styles = [(text: string) => text, c.bold, c.dim, c.red, c.green, c.yellow];
// A cell as the quote table gets it: visible text, now and then in one of our colours.
const cell = fc.tuple(cellText, fc.nat({ max: styles.length - 1 })).map(([text, style]) => styles[style]!(text));

describe('boxTable (the quote table)', () => {
  it('draws exactly what cli-table3 draws, for any cells, colours, widths and alignments', () => {
    fc.assert(fc.property(
      tableArbitrary(cell, 12),
      ({ head, align, rows }) => {
        expect(boxTable(head, align, rows)).toBe(cliTable3(head, align, rows));
      },
    ), { numRuns: 500 });
  });

  it('draws a quote-shaped table as cli-table3 does, a bold total row included', () => {
    const head = ['Line item', 'Unit price', 'Quantity', 'Amount'];
    const align: Align[] = ['left', 'right', 'right', 'right'];
    const rows = [['ray · 1080p · HDR · 10s', '$8.64 / clip', '1 clip', '$8.64'], [c.bold('Total (USD)'), '', '', c.bold('$8.64')]];
    expect(boxTable(head, align, rows)).toBe(cliTable3(head, align, rows));
    expect(boxTable(head, align, rows)).toContain('\u001b[1m$8.64\u001b[22m │');
  });
});
