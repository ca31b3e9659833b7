import type { PriceCheckRow, PricingCheckReport } from '../commands/pricing-check/pricing-check-report.js';
import { dollars, plural } from './text.js';

/** Shared wording of `pricing check`, so table and markdown say the same thing. */
export function statusText(row: PriceCheckRow): string {
  switch (row.status) {
    case 'unchanged': return 'unchanged';
    case 'changed': return `changed ${dollars(row.tablePrice!)} → ${dollars(row.falPrice!)}`;
    case 'unknown_unit': return 'unknown unit';
    case 'missing': return 'no price from fal';
  }
}

export const tableSide = (row: PriceCheckRow) => (row.tablePrice === undefined ? '—' : `${dollars(row.tablePrice)} per ${row.tableUnit}`);
export const falSide = (row: PriceCheckRow) => (row.falPrice === undefined ? '—' : `${row.falCurrency === 'USD' ? dollars(row.falPrice) : `${row.falPrice} ${row.falCurrency}`} per ${row.falUnit}`);

export function headline(report: PricingCheckReport): string {
  const { table } = report;
  return `fal's pricing API vs ${table.provider} ${table.version} (in effect at ${report.at}): ${plural(report.endpoints.length, 'endpoint')}`;
}

export function draftLines(report: PricingCheckReport): string[] {
  const { draft } = report;
  if (!draft) return [];
  if ('file' in draft) return [`Draft written: ${draft.file} (version ${draft.version}, unverified): review it against the model pages before publishing it.`];
  return [
    `Draft not written: ${plural(draft.refused.length, 'cell')} cannot be derived from fal's answer:`,
    ...draft.refused.map((cell) => `  ${cell.endpoint} ${cell.cell}: ${cell.reason}`),
  ];
}

/** The one-line notes on stderr that go with a non-zero exit. */
export function pricingCheckNotes(report: PricingCheckReport): string[] {
  const notes: string[] = [];
  const { counts } = report;
  if (counts.changed > 0) notes.push(`${plural(counts.changed, 'fal price')} changed: ${report.endpoints.filter((row) => row.status === 'changed').map((row) => `${row.endpoint} ${dollars(row.tablePrice!)} → ${dollars(row.falPrice!)}`).join(', ')}`);
  if (report.draft && 'refused' in report.draft) notes.push(`no draft written: ${plural(report.draft.refused.length, 'cell')} cannot be derived`);
  const unchecked = report.endpoints.filter((row) => row.status === 'unknown_unit' || row.status === 'missing');
  if (unchecked.length > 0) notes.push(`${plural(unchecked.length, 'endpoint')} could not be compared: ${unchecked.map((row) => `${row.endpoint} (${row.reason})`).join(', ')}`);
  return notes;
}
