import type { BatchReport, BatchReportItem, Report } from '../report.js';

/**
 * One JSON document on stdout; money stays decimal strings. A quote is the library's Quote
 * (plus `budget` with --max); the other reports are their data without the `kind` tag.
 */
export function renderJson(report: Report): string {
  if (report.kind === 'quote') return `${JSON.stringify({ ...report.quote, budget: report.budget }, null, 2)}\n`;
  if (report.kind === 'batch') return `${jsonBatchHead()}${report.items.map((item, index) => jsonBatchItem(item, index)).join('')}${jsonBatchTail(report)}`;
  const { kind: _kind, ...data } = report;
  return `${JSON.stringify(data, null, 2)}\n`;
}

/*
 * A batch's JSON is written in three parts so a million priced lines stream out as they are
 * quoted instead of being held in memory: the head opens `items`, each item is one line, and
 * the tail closes the array and adds the totals, which are only known at the end. A streamed
 * batch writes its items as bytes (batch-json-bytes.ts); this is the generic path it is held
 * equal to, byte for byte.
 */
export function jsonBatchHead(): string {
  return '{"currency":"USD","items":[\n';
}

function jsonBatchItem(item: BatchReportItem, index: number): string {
  return `${index === 0 ? '' : ',\n'}${JSON.stringify(item)}`;
}

export function jsonBatchTail(report: BatchReport): string {
  const { kind: _kind, currency: _currency, items: _items, ...rest } = report;
  const fields = Object.entries(rest).filter(([, value]) => value !== undefined).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  return `\n],\n${fields.join(',\n')}\n}\n`;
}
