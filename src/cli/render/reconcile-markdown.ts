import type { ReconcileCategory, ReconcileReport } from '../commands/reconcile/reconcile-report.js';
import { attention, CATEGORY_LABELS, headline, notMatchedText, ROWS_SHOWN, rowNote, withoutIdText } from './reconcile-text.js';
import { dollars, groupThousands } from './text.js';

const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
const code = (text: string) => `\`${text}\``;

function grid(head: readonly string[], rule: readonly string[], rows: readonly (readonly string[])[]): string {
  return [head.map(cell), rule, ...rows.map((row) => row.map(cell))].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** `fal-budget reconcile` as GitHub-flavoured markdown, for a pull request or an incident note. */
export function renderReconcileMarkdown(report: ReconcileReport): string {
  const out = [`### ${headline(report)}`];
  const byCategory = (Object.entries(CATEGORY_LABELS) as [ReconcileCategory, string][]).map(([category, label]) => {
    const total = report.grandTotal.categories[category];
    const text = category === 'under_quoted' && total.count > 0 ? `**${label}**` : label;
    return [text, total.count.toLocaleString('en-US'), dollars(total.counted), dollars(total.billed), groupThousands(total.difference)];
  });
  byCategory.push([`**Total (${report.currency})**`, report.rows.length.toLocaleString('en-US'), `**${dollars(report.grandTotal.counted)}**`, `**${dollars(report.grandTotal.billed)}**`, `**${groupThousands(report.grandTotal.difference)}**`]);
  out.push(grid(['Category', 'Requests', 'Counted', 'Billed', 'Billed − counted'], ['---', '---:', '---:', '---:', '---:'], byCategory));
  if (report.totals.length > 0) {
    out.push(grid(
      ['Endpoint', 'Requests', 'Counted', 'Billed', 'Billed − counted', 'Not matched'], ['---', '---:', '---:', '---:', '---:', '---'],
      report.totals.map((total) => [
        code(total.endpoint), Object.values(total.categories).reduce((sum, category) => sum + category.count, 0).toLocaleString('en-US'),
        dollars(total.counted), dollars(total.billed), groupThousands(total.difference), notMatchedText(total.categories),
      ]),
    ));
  }
  const rows = attention(report);
  if (rows.length > 0) {
    const shown = rows.slice(0, ROWS_SHOWN);
    const notes = shown.map((row) => rowNote(row, report));
    const withNotes = notes.some((note) => note.length > 0);
    out.push(grid(
      ['Category', 'Request', 'Endpoint', 'Counted', 'Billed', 'Billed − counted', ...(withNotes ? ['Note'] : [])], ['---', '---', '---', '---:', '---:', '---:', ...(withNotes ? ['---'] : [])],
      shown.map((row, index) => [
        CATEGORY_LABELS[row.category], code(row.requestId), code(row.endpoint),
        row.ledger ? dollars(row.ledger.counted) : '—', row.billed?.cost === undefined ? '—' : dollars(row.billed.cost), row.difference === undefined ? '' : groupThousands(row.difference),
        ...(withNotes ? [notes[index]!] : []),
      ]),
    ));
    if (rows.length > shown.length) out.push(`_First ${shown.length} of ${rows.length.toLocaleString('en-US')} shown; \`--json\` lists every request._`);
  }
  const withoutId = withoutIdText(report);
  if (withoutId) out.push(`> ⚠️ ${withoutId}`);
  return `${out.join('\n\n')}\n`;
}
