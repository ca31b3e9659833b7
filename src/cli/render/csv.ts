import { formatMoney, ZERO } from '../../core/money.js';
import type { PlanComparison } from '../compare-plans.js';
import type { BatchReport, BatchReportError, BatchReportItem, QuoteReport } from '../report.js';
import { visible } from './visible-text.js';

/*
 * CSV as RFC 4180 writes it: a header row, CRLF after every row, a field quoted when it holds a
 * comma or a double quote, and a double quote inside one doubled. Control characters (ESC, BEL,
 * CR, LF, TAB, bidi controls) are written out as the human formats write them ("\x1b", "\n"), so
 * a plan's id cannot recolour a terminal that `cat`s the file or fake a row; ordinary data has
 * none, so its cells are exact. Money is the exact
 * decimal string ("8.64", never "8.6" or "1,080.00"), so a script reads what the library computed.
 */

/** A plain signed decimal ("-1.08", "+0.50", "12"): a spreadsheet reads it as a number, never as a formula. */
const PLAIN_NUMBER = /^[+-]?[0-9]+(\.[0-9]+)?$/;

/**
 * A cell a spreadsheet may run as a formula: one starting with = + - @ (OWASP's list; TAB and CR
 * are escaped before this test, so they cannot lead), also after leading spaces (some spreadsheets
 * trim them), and their full-width forms ＝ ＋ － ＠ and U+2212 minus, which some spreadsheets fold
 * into the ASCII ones on input.
 */
const FORMULA = /^[ \u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20\u2212]/;

/**
 * One field. A cell that could run as a formula gets a leading ' so it shows as text: an id or
 * a message from someone's plan cannot run =HYPERLINK(...) in whoever opens the file. Plain
 * numbers (a delta "-1.08") are left as they are.
 */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let text = visible(String(value));
  if (FORMULA.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(fields: readonly (string | number | boolean | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** The quote's warning codes, space-separated ("incomplete_request upper_bound"): the table's warnings, as data. */
const warningCodes = (warnings: readonly { code: string }[]): string => warnings.map((warning) => warning.code).join(' ');

const QUOTE_COLUMNS = ['row', 'endpoint', 'provider', 'pricing_version', 'pricing_sha256', 'description', 'quantity', 'unit', 'unit_price', 'amount', 'upper_bound', 'warnings'];

/** A quote: one row per line of the quote, then a `total` row (which carries the warnings). */
export function renderQuoteCsv(report: QuoteReport): string {
  const { quote } = report;
  const common = [quote.endpoint, quote.provider, quote.pricing.version, quote.pricing.sha256];
  const rows = quote.lines.map((line) => csvRow(['line', ...common, line.description, line.quantity, line.unit, line.unitPrice, line.amount, quote.upperBound, undefined]));
  return `${csvRow(QUOTE_COLUMNS)}${rows.join('')}${csvRow(['total', ...common, '', '', '', '', quote.total, quote.upperBound, warningCodes(quote.warnings)])}`;
}

const BATCH_COLUMNS = [
  'row', 'line', 'id', 'endpoint', 'provider', 'pricing_version', 'description', 'count', 'quantity', 'unit', 'unit_price', 'job_total', 'total', 'upper_bound', 'warnings', 'code', 'message',
];

/*
 * A batch streams like its JSON: the header, one row per priced line as it is quoted, and at the
 * end the invalid lines (row "invalid", with their error code) and one `total` row.
 */
export function csvBatchHead(): string {
  return csvRow(BATCH_COLUMNS);
}

export function csvBatchItem(item: BatchReportItem): string {
  // Every billing kind quotes one line per job today; should one ever quote more, the row still
  // says what each is, and leaves the per-unit columns empty rather than showing only the first.
  const only = item.lines.length === 1 ? item.lines[0] : undefined;
  const description = only?.description ?? item.lines.map((line) => line.description).join('; ');
  // One job's total: what its lines add up to (the item's total is that times count).
  const jobTotal = item.count === 1 ? item.total : formatMoney(item.lines.reduce((sum, line) => sum.plus(line.amount), ZERO));
  return csvRow([
    'quoted', item.line, item.id, item.endpoint, item.provider, item.pricingVersion, description, item.count,
    only?.quantity, only?.unit, only?.unitPrice, jobTotal, item.total, item.upperBound, warningCodes(item.warnings), undefined, undefined,
  ]);
}

function csvBatchError(error: BatchReportError): string {
  return csvRow(['invalid', error.line, error.id, error.endpoint, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, error.code, error.message]);
}

export function csvBatchTail(report: BatchReport): string {
  const total = csvRow(['total', undefined, undefined, undefined, undefined, undefined, undefined, report.counts.jobs, undefined, undefined, undefined, undefined, report.total, report.upperBound, undefined, undefined, undefined]);
  return `${report.errors.map(csvBatchError).join('')}${total}`;
}

const COMPARISON_COLUMNS = ['change', 'key', 'old_count', 'old_total', 'new_count', 'new_total', 'delta'];

/** `batch --compare-to --format csv`: one row per line id that changed, then a `total` row. */
function renderComparisonCsv(comparison: PlanComparison): string {
  const rows = comparison.changes.map((change) => csvRow([change.change, change.key, change.old?.count, change.old?.total, change.new?.count, change.new?.total, change.delta]));
  return `${csvRow(COMPARISON_COLUMNS)}${rows.join('')}${csvRow(['total', undefined, undefined, comparison.old.total, undefined, comparison.new.total, comparison.delta])}`;
}

/** A batch when nothing streamed (an empty plan, a comparison). */
export function renderBatchCsv(report: BatchReport): string {
  if (report.comparison) return renderComparisonCsv(report.comparison);
  return `${csvBatchHead()}${report.items.map(csvBatchItem).join('')}${csvBatchTail(report)}`;
}
