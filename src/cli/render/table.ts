import Table from 'cli-table3';
import { formatJsonPath } from '../../core/errors/index.js';
import type {
  BatchReport, DiffReport, PricesReport, QuoteReport, RateCard, Report, ValidateReport, VersionsReport,
} from '../report.js';
import { BatchItemRows } from './batch-items.js';
import { boxTable } from './box-table.js';
import { colours, type Colours } from './colour.js';
import { budgetMet, budgetText, dollars, ERRORS_SHOWN, groupThousands, plural, pricingText, quantityText, totalLabel } from './text.js';
import { visibleView } from './visible-text.js';

export interface TableOptions {
  readonly colour: boolean;
}

type Cell = Table.Cell;

/** Plain box tables: cli-table3's own colours off, so output is stable and ours alone colours it. */
function table(head: string[], colAligns?: Table.HorizontalAlignment[], wrapLast?: number): Table.Table {
  return new Table({
    head,
    style: { head: [], border: [], compact: true },
    ...(colAligns ? { colAligns } : {}),
    // A long last column (reasons, problems) wraps at words instead of running off the screen.
    ...(wrapLast ? { colWidths: [...head.slice(0, -1).map(() => null), wrapLast], wordWrap: true, wrapOnWordBoundary: true } : {}),
  });
}

/** Width of a wrapped reason or problem column. */
const REASON_WIDTH = 72;

const right = (content: string): Cell => ({ content, hAlign: 'right' });

function quoteTable(report: QuoteReport, c: Colours): string {
  const { quote, budget } = report;
  const out: string[] = [c.bold(`${quote.endpoint} (${quote.provider})`)];
  const rows = quote.lines.map((line) => [line.description, `${dollars(line.unitPrice)} / ${line.unit}`, quantityText(line), dollars(line.amount)]);
  rows.push([c.bold(totalLabel(quote.upperBound, quote.currency)), '', '', c.bold(dollars(quote.total))]);
  out.push(boxTable(['Line item', 'Unit price', 'Quantity', 'Amount'], ['left', 'right', 'right', 'right'], rows));
  out.push(`Pricing: ${pricingText(quote.pricing)}`);
  out.push(`sha256:  ${quote.pricing.sha256}`);
  if (budget) out.push(`Budget:  ${budget.within ? c.green(budgetText(budget)) : c.red(budgetText(budget))}`);
  if (quote.warnings.length > 0) {
    out.push('Warnings:');
    for (const warning of quote.warnings) out.push(c.yellow(`  ! ${warning.message}`));
  }
  return `${out.join('\n')}\n`;
}

/** A batch's table report a piece at a time: its listed lines may be a million rows. */
function* batchTable(report: BatchReport, listed: BatchItemRows, c: Colours): Generator<string> {
  const { counts } = report;
  yield `${c.bold(`Batch: ${plural(counts.quoted, 'line')} quoted, ${plural(counts.invalid, 'invalid line')}${counts.blank > 0 ? `, ${plural(counts.blank, 'blank line')} skipped` : ''}`)}\n`;
  if (listed.table.size > 0) yield* listed.table.box();
  const out: string[] = [];
  if (report.itemsOmitted > 0) {
    out.push(c.dim(`(${plural(listed.table.size, 'line')} listed, ${report.itemsOmitted.toLocaleString('en-US')} more added up below; --items all lists every line, --json streams them all)`));
  }
  const subtotals = table(['Provider', 'Endpoint', 'Jobs', 'Subtotal'], ['left', 'left', 'right', 'right']);
  for (const subtotal of report.subtotals) {
    subtotals.push([subtotal.provider, subtotal.endpoint, subtotal.count.toLocaleString('en-US'), dollars(subtotal.total)]);
  }
  subtotals.push([c.bold(totalLabel(report.upperBound, report.currency)), '', right(counts.jobs.toLocaleString('en-US')), right(c.bold(dollars(report.total)))]);
  out.push(subtotals.toString());
  if (counts.invalid > 0) {
    out.push(c.red(`Invalid lines (${counts.invalid.toLocaleString('en-US')}), not in the total:`));
    const shown = report.errors.slice(0, ERRORS_SHOWN);
    const errors = table(['Line', 'ID', 'Reason'], ['right', 'left', 'left'], REASON_WIDTH);
    for (const error of shown) errors.push([String(error.line), error.id === undefined ? '' : String(error.id), error.message]);
    out.push(errors.toString());
    if (counts.invalid > shown.length) out.push(c.dim(`(first ${shown.length} shown; --json lists all ${counts.invalid.toLocaleString('en-US')})`));
  }
  if (report.pricing.length > 0) {
    out.push(`Pricing (${report.pricedAt === undefined ? 'pinned version' : `in effect at ${report.pricedAt}`}):`);
    for (const ref of report.pricing) out.push(`  ${ref.provider} ${ref.version}, sha256 ${ref.sha256}`);
  }
  if (report.budget) out.push(`Budget:  ${budgetMet(report.budget, counts.invalid) ? c.green(budgetText(report.budget)) : c.red(budgetText(report.budget, counts.invalid))}`);
  if (report.warnings.length > 0) {
    out.push('Warnings:');
    for (const warning of report.warnings) {
      out.push(c.yellow(`  ! ${warning.code} on ${plural(warning.count, 'line')} (first: line ${warning.firstLine}: ${warning.message})`));
    }
  }
  yield `${out.join('\n')}\n`;
}

/**
 * A batch's table, a piece at a time, with its listed lines taken from `listed` (filled while the
 * batch streamed) rather than from `report.items`. User data is shown visible().
 */
export function batchTablePieces(report: BatchReport, listed: BatchItemRows, options: TableOptions): Generator<string> {
  return batchTable(visibleView(report), listed, colours(options.colour));
}

function rateCardTable(card: RateCard, c: Colours): string {
  const out = [
    c.bold(`${card.endpoint} (${card.provider} ${card.version}, effective ${card.effectiveFrom})`),
  ];
  if (card.note !== undefined) out.push(card.note);
  const grid = table(['Tier', 'Resolution', ...card.columns], ['left', 'left', ...card.columns.map(() => 'right' as const)]);
  for (const row of card.rows) {
    grid.push([row.tier, row.resolution, ...card.columns.map((column) => {
      const price = row.prices[column];
      return price === null || price === undefined ? c.dim('—') : dollars(price);
    })]);
  }
  out.push(grid.toString());
  out.push(`sha256: ${card.sha256}`);
  if (!card.verified) out.push(c.yellow(`! unverified: ${card.notes}`));
  return out.join('\n');
}

function pricesTable(report: PricesReport, c: Colours): string {
  const when = report.version === undefined ? `in effect at ${report.at}` : `version ${report.version}`;
  const out = [`Rate cards ${when} (USD; — = not offered)`, ...report.cards.map((card) => rateCardTable(card, c))];
  if (report.notInEffect.length > 0) out.push(c.dim(`No table in effect for: ${report.notInEffect.join(', ')}`));
  return `${out.join('\n\n')}\n`;
}

function versionsTable(report: VersionsReport, c: Colours): string {
  const out = [`Pricing tables (in effect at ${report.at} marked *)`];
  for (const row of report.tables) {
    const vertical = new Table({ style: { head: [], border: [], compact: true } });
    vertical.push(
      { 'effective from': row.effectiveFrom },
      { 'effective until': row.effectiveUntil ?? '(until a later version)' },
      { checked: row.checked },
      { sha256: row.sha256 },
      { file: row.file },
      { endpoints: row.endpoints.join('\n') },
    );
    out.push(`${c.bold(`${row.provider} ${row.version}`)}${row.inEffect ? c.green(' * in effect') : ''}\n${vertical.toString()}`);
  }
  return `${out.join('\n\n')}\n`;
}

function diffTable(report: DiffReport, c: Colours): string {
  const out = [
    c.bold(`${report.old.provider} ${report.old.version} → ${report.new.provider} ${report.new.version}`),
    `old: ${report.old.file} (sha256 ${report.old.sha256})`,
    `new: ${report.new.file} (sha256 ${report.new.sha256})`,
  ];
  if (report.changed.length > 0) {
    const changed = table(['Endpoint', 'Tier', 'Resolution', 'Unit', 'Old', 'New', 'Change', '%'], ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right']);
    for (const cell of report.changed) {
      const paint = cell.change.startsWith('-') ? c.green : c.red;
      changed.push([cell.endpoint, cell.tier, cell.resolution, cell.unit, dollars(cell.old), dollars(cell.new), paint(groupThousands(cell.change)), paint(`${cell.percent}%`)]);
    }
    out.push(`Changed (${report.changed.length}; % rounded half-even to 2 places):\n${changed.toString()}`);
  } else {
    out.push('No price changed.');
  }
  for (const [label, cells] of [['Added', report.added], ['Removed', report.removed]] as const) {
    if (cells.length === 0) continue;
    const list = table(['Endpoint', 'Tier', 'Resolution', 'Unit', 'Price'], ['left', 'left', 'left', 'left', 'right']);
    for (const cell of cells) list.push([cell.endpoint, cell.tier, cell.resolution, cell.unit, dollars(cell.price)]);
    out.push(`${label} (${cells.length}):\n${list.toString()}`);
  }
  if (report.billingChanges.length > 0) {
    const list = table(['Endpoint', 'Billing', 'Old', 'New']);
    for (const change of report.billingChanges) list.push([change.endpoint, change.field, change.old, change.new]);
    out.push(`Billing changed:\n${list.toString()}`);
  }
  out.push(`${plural(report.unchanged, 'cell')} unchanged.`);
  return `${out.join('\n')}\n`;
}

function validateTable(report: ValidateReport, c: Colours): string {
  if (report.valid) {
    const list = table(['File', 'Provider', 'Version', 'sha256']);
    for (const ref of report.tables) list.push([ref.file, ref.provider, ref.version, ref.sha256]);
    return `${c.green(`✓ ${plural(report.tables.length, 'pricing table')} valid in ${report.path}`)}\n${list.toString()}\n`;
  }
  const list = table(['File', 'JSON path', 'Problem'], undefined, REASON_WIDTH);
  for (const problem of report.problems) list.push([problem.file, formatJsonPath(problem.path), problem.message]);
  return `${c.red(`✗ ${plural(report.problems.length, 'problem')} in ${report.path}`)}\n${list.toString()}\n`;
}

/** The default output, for people: box tables, colour only when the caller asks for it. */
export function renderTable(data: Report, options: TableOptions): string {
  const c = colours(options.colour);
  // Every string a renderer reads is visible(): an id or a message cannot forge a row or a colour.
  const report = visibleView(data);
  switch (report.kind) {
    case 'quote': return quoteTable(report, c);
    case 'batch': return [...batchTable(report, BatchItemRows.of(report.items), c)].join('');
    case 'prices': return pricesTable(report, c);
    case 'versions': return versionsTable(report, c);
    case 'diff': return diffTable(report, c);
    case 'validate': return validateTable(report, c);
  }
}
