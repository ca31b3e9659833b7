import { formatJsonPath } from '../../core/errors/index.js';
import type {
  BatchReport, DiffReport, PricesReport, QuoteReport, RateCard, Report, ValidateReport, VersionsReport,
} from '../report.js';
import { BatchItemRows } from './batch-items.js';
import { markdownCell } from './markdown-cell.js';
import { budgetMet, budgetText, dollars, ERRORS_SHOWN, groupThousands, plural, pricingText, quantityText, totalLabel } from './text.js';
import { visibleView } from './visible-text.js';


type Align = 'left' | 'right';

function grid(head: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const rule = head.map((_, index) => (align?.[index] === 'right' ? '---:' : '---'));
  return [head, rule, ...rows].map((row, index) => `| ${(index === 1 ? row : row.map(markdownCell)).join(' | ')} |`).join('\n');
}

const code = (text: string) => `\`${text}\``;

function quoteMarkdown(report: QuoteReport): string {
  const { quote, budget } = report;
  const rows = quote.lines.map((line) => [line.description, `${dollars(line.unitPrice)} / ${line.unit}`, quantityText(line), dollars(line.amount)]);
  rows.push([`**${totalLabel(quote.upperBound, quote.currency)}**`, '', '', `**${dollars(quote.total)}**`]);
  const out = [
    `### Quote: ${code(quote.endpoint)} (${quote.provider})`,
    grid(['Line item', 'Unit price', 'Quantity', 'Amount'], rows, ['left', 'right', 'right', 'right']),
    `Pricing: ${pricingText(quote.pricing)}, sha256 ${code(quote.pricing.sha256)}`,
  ];
  if (budget) out.push(`Budget: ${budget.within ? '' : '**'}${budgetText(budget)}${budget.within ? '' : '**'}`);
  if (quote.warnings.length > 0) out.push(quote.warnings.map((warning) => `> ⚠️ ${warning.message}`).join('\n>\n'));
  return `${out.join('\n\n')}\n`;
}

/** A batch's markdown report a piece at a time: its listed lines may be a million rows. */
function* batchMarkdown(report: BatchReport, listed: BatchItemRows): Generator<string> {
  const { counts } = report;
  yield `### Batch quote: ${counts.quoted.toLocaleString('en-US')} quoted, ${plural(counts.invalid, 'invalid line')}\n\n`;
  if (listed.table.size > 0) {
    yield* listed.table.markdown();
    yield '\n';
  }
  const out: string[] = [];
  if (report.itemsOmitted > 0) out.push(`_${plural(listed.table.size, 'line')} listed; ${report.itemsOmitted.toLocaleString('en-US')} more are in the totals._`);
  const rows = report.subtotals.map((subtotal) => [subtotal.provider, code(subtotal.endpoint), subtotal.count.toLocaleString('en-US'), dollars(subtotal.total)]);
  rows.push([`**${totalLabel(report.upperBound, report.currency)}**`, '', counts.jobs.toLocaleString('en-US'), `**${dollars(report.total)}**`]);
  out.push(grid(['Provider', 'Endpoint', 'Jobs', 'Subtotal'], rows, ['left', 'left', 'right', 'right']));
  if (counts.invalid > 0) {
    const shown = report.errors.slice(0, ERRORS_SHOWN);
    out.push(`**Invalid lines (${counts.invalid.toLocaleString('en-US')}), not in the total:**`);
    out.push(grid(['Line', 'ID', 'Reason'], shown.map((error) => [String(error.line), error.id === undefined ? '' : String(error.id), error.message]), ['right', 'left', 'left']));
    if (counts.invalid > shown.length) out.push(`_First ${shown.length} shown._`);
  }
  if (report.pricing.length > 0) {
    const when = report.pricedAt === undefined ? 'a pinned version' : report.pricedAt;
    out.push(`Pricing: ${report.pricing.map((ref) => `${ref.provider} ${ref.version} (sha256 ${code(ref.sha256)})`).join(', ')}; priced at ${when}`);
  }
  if (report.budget) out.push(`Budget: ${budgetMet(report.budget, counts.invalid) ? '' : '**'}${budgetText(report.budget, counts.invalid)}${budgetMet(report.budget, counts.invalid) ? '' : '**'}`);
  if (report.warnings.length > 0) {
    out.push(report.warnings.map((warning) => `> ⚠️ ${code(warning.code)} on ${plural(warning.count, 'line')} (first: line ${warning.firstLine}: ${warning.message})`).join('\n>\n'));
  }
  yield `${out.join('\n\n')}\n`;
}

/** A batch's markdown, a piece at a time, with its listed lines taken from `listed`. User data is shown visible(). */
export function batchMarkdownPieces(report: BatchReport, listed: BatchItemRows): Generator<string> {
  return batchMarkdown(visibleView(report), listed);
}

function rateCardMarkdown(card: RateCard): string {
  const out = [`#### ${code(card.endpoint)} (${card.provider} ${card.version}, effective ${card.effectiveFrom})`];
  if (card.note !== undefined) out.push(card.note);
  out.push(grid(
    ['Tier', 'Resolution', ...card.columns],
    card.rows.map((row) => [row.tier, row.resolution, ...card.columns.map((column) => {
      const price = row.prices[column];
      return price === null || price === undefined ? '—' : dollars(price);
    })]),
    ['left', 'left', ...card.columns.map(() => 'right' as const)],
  ));
  out.push(`sha256 ${code(card.sha256)}${card.verified ? '' : `\n\n> ⚠️ unverified: ${card.notes}`}`);
  return out.join('\n\n');
}

function pricesMarkdown(report: PricesReport): string {
  const when = report.version === undefined ? `in effect at ${report.at}` : `version ${report.version}`;
  const out = [`### Rate cards ${when} (USD; — = not offered)`, ...report.cards.map(rateCardMarkdown)];
  if (report.notInEffect.length > 0) out.push(`_No table in effect for: ${report.notInEffect.join(', ')}_`);
  return `${out.join('\n\n')}\n`;
}

function versionsMarkdown(report: VersionsReport): string {
  const rows = report.tables.map((row) => [
    row.provider, row.version + (row.inEffect ? ' *' : ''), row.effectiveFrom, row.effectiveUntil ?? '', row.checked, code(row.sha256), row.endpoints.map(code).join('\n'),
  ]);
  const table = grid(['Provider', 'Version', 'Effective from', 'Until', 'Checked', 'sha256', 'Endpoints'], rows);
  return `### Pricing tables (\\* in effect at ${report.at})\n\n${table}\n`;
}

function diffMarkdown(report: DiffReport): string {
  const out = [
    `### Price changes: ${report.old.provider} ${code(report.old.version)} → ${report.new.provider} ${code(report.new.version)}`,
  ];
  if (report.changed.length > 0) {
    out.push(grid(
      ['Endpoint', 'Tier', 'Resolution', 'Unit', 'Old', 'New', 'Change', '%'],
      report.changed.map((c) => [code(c.endpoint), c.tier, c.resolution, c.unit, dollars(c.old), dollars(c.new), groupThousands(c.change), `${c.percent}%`]),
      ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right'],
    ));
    out.push('_Percent change rounded half-even to 2 places._');
  } else {
    out.push('No price changed.');
  }
  for (const [label, cells] of [['Added', report.added], ['Removed', report.removed]] as const) {
    if (cells.length === 0) continue;
    out.push(`**${label}:**`);
    out.push(grid(['Endpoint', 'Tier', 'Resolution', 'Unit', 'Price'], cells.map((c) => [code(c.endpoint), c.tier, c.resolution, c.unit, dollars(c.price)]), ['left', 'left', 'left', 'left', 'right']));
  }
  if (report.billingChanges.length > 0) {
    out.push('**Billing changed:**');
    out.push(grid(['Endpoint', 'Billing', 'Old', 'New'], report.billingChanges.map((b) => [code(b.endpoint), b.field, b.old, b.new])));
  }
  out.push(`${plural(report.unchanged, 'cell')} unchanged.`);
  return `${out.join('\n\n')}\n`;
}

function validateMarkdown(report: ValidateReport): string {
  if (report.valid) {
    return `### ✅ ${plural(report.tables.length, 'pricing table')} valid in ${code(report.path)}\n\n${grid(
      ['File', 'Provider', 'Version', 'sha256'],
      report.tables.map((ref) => [code(ref.file), ref.provider, ref.version, code(ref.sha256)]),
    )}\n`;
  }
  return `### ❌ ${plural(report.problems.length, 'problem')} in ${code(report.path)}\n\n${grid(
    ['File', 'JSON path', 'Problem'],
    report.problems.map((problem) => [code(problem.file), code(formatJsonPath(problem.path)), problem.message]),
  )}\n`;
}

/** GitHub-flavoured markdown, for pasting into a pull request. */
export function renderMarkdown(data: Report): string {
  // Every string a renderer reads is visible(): an id or a message cannot forge a row.
  const report = visibleView(data);
  switch (report.kind) {
    case 'quote': return quoteMarkdown(report);
    case 'batch': return [...batchMarkdown(report, BatchItemRows.of(report.items))].join('');
    case 'prices': return pricesMarkdown(report);
    case 'versions': return versionsMarkdown(report);
    case 'diff': return diffMarkdown(report);
    case 'validate': return validateMarkdown(report);
  }
}
