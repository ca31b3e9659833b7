import Table from 'cli-table3';
import type { ReconcileCategory, ReconcileReport } from '../commands/reconcile/reconcile-report.js';
import { colours } from './colour.js';
import { attention, CATEGORY_LABELS, headline, notMatchedText, ROWS_SHOWN, rowNote, withoutIdText } from './reconcile-text.js';
import { dollars, groupThousands } from './text.js';

const box = (head: string[], colAligns: Table.HorizontalAlignment[]) => new Table({ head, colAligns, style: { head: [], border: [], compact: true } });

/** `fal-budget reconcile` for a person at a terminal. */
export function renderReconcileTable(report: ReconcileReport, options: { readonly colour: boolean }): string {
  const c = colours(options.colour);
  const tone = (category: ReconcileCategory, text: string) =>
    (category === 'under_quoted' || category === 'unguarded' ? c.red(text) : category === 'matched' ? c.green(text) : category === 'pending' ? c.dim(text) : c.yellow(text));
  const out = [c.bold(headline(report))];

  const byCategory = box(['Category', 'Requests', 'Counted', 'Billed', 'Billed − counted'], ['left', 'right', 'right', 'right', 'right']);
  for (const [category, label] of Object.entries(CATEGORY_LABELS) as [ReconcileCategory, string][]) {
    const total = report.grandTotal.categories[category];
    byCategory.push([tone(category, label), total.count.toLocaleString('en-US'), dollars(total.counted), dollars(total.billed), groupThousands(total.difference)]);
  }
  byCategory.push([c.bold(`Total (${report.currency})`), report.rows.length.toLocaleString('en-US'), c.bold(dollars(report.grandTotal.counted)), c.bold(dollars(report.grandTotal.billed)), c.bold(groupThousands(report.grandTotal.difference))]);
  out.push(byCategory.toString());

  if (report.totals.length > 0) {
    const perEndpoint = box(['Endpoint', 'Requests', 'Counted', 'Billed', 'Billed − counted', 'Not matched'], ['left', 'right', 'right', 'right', 'right', 'left']);
    for (const total of report.totals) {
      const requests = Object.values(total.categories).reduce((sum, category) => sum + category.count, 0);
      perEndpoint.push([total.endpoint, requests.toLocaleString('en-US'), dollars(total.counted), dollars(total.billed), groupThousands(total.difference), notMatchedText(total.categories)]);
    }
    out.push(perEndpoint.toString());
  }

  const rows = attention(report);
  if (rows.length > 0) {
    const shown = rows.slice(0, ROWS_SHOWN);
    const notes = shown.map((row) => rowNote(row, report));
    const withNotes = notes.some((note) => note.length > 0);
    const head = ['Category', 'Request', 'Endpoint', 'Counted', 'Billed', 'Billed − counted', ...(withNotes ? ['Note'] : [])];
    const list = box(head, ['left', 'left', 'left', 'right', 'right', 'right', 'left']);
    shown.forEach((row, index) => {
      list.push([
        tone(row.category, CATEGORY_LABELS[row.category]), row.requestId, row.endpoint,
        row.ledger ? dollars(row.ledger.counted) : '—', row.billed?.cost === undefined ? '—' : dollars(row.billed.cost), row.difference === undefined ? '' : groupThousands(row.difference),
        ...(withNotes ? [notes[index]!] : []),
      ]);
    });
    out.push(list.toString());
    if (rows.length > shown.length) out.push(c.dim(`(first ${shown.length} of ${rows.length.toLocaleString('en-US')} shown; --json lists every request)`));
  }
  const withoutId = withoutIdText(report);
  if (withoutId) out.push(c.yellow(`! ${withoutId}`));
  return `${out.join('\n')}\n`;
}
