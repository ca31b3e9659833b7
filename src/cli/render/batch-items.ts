import type { BatchReportItem } from '../report.js';
import type { Align } from './box-table.js';
import { LongTable } from './long-table.js';
import { dollars, itemQuantityText } from './text.js';

const HEAD = ['Line', 'ID', 'Item', 'Quantity', 'Amount'];
const ALIGN: readonly Align[] = ['right', 'left', 'left', 'right', 'right'];

/** One listed batch line as table cells; table and markdown show the same cells. */
function batchItemCells(item: BatchReportItem): string[] {
  const line = item.lines[0]!;
  return [String(item.line), item.id === undefined ? '' : String(item.id), line.description, itemQuantityText(item.count, line), dollars(item.total)];
}

/**
 * The listed lines of a batch, kept as rows of text while the batch streams: with --items all a
 * table or markdown report lists a million lines without keeping a million quotes.
 */
export class BatchItemRows {
  // Item, quantity and amount repeat (one per price cell and block count): stored once each.
  readonly table = new LongTable(HEAD, ALIGN, [false, false, true, true, true]);

  /** Takes one listed line; pass it as the batch's onItem. */
  readonly add = (item: BatchReportItem): void => {
    this.table.add(batchItemCells(item));
  };

  static of(items: Iterable<BatchReportItem>): BatchItemRows {
    const rows = new BatchItemRows();
    for (const item of items) rows.add(item);
    return rows;
  }
}
