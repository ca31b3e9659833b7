import type { ReconcileCategory, ReconcileReport, ReconcileRow } from '../commands/reconcile/reconcile-report.js';
import { plural } from './text.js';

/** Shared wording of `reconcile`, so table and markdown say the same thing. */
export const CATEGORY_LABELS: Readonly<Record<ReconcileCategory, string>> = {
  under_quoted: 'quoted below billed',
  unguarded: 'billed, unknown to the ledger',
  unbilled: 'counted, never billed',
  over_reserved: 'quoted above billed',
  pending: 'pending',
  matched: 'matched',
};

/** Tables list at most this many requests that need a look; JSON lists every request. */
export const ROWS_SHOWN = 50;

function durationText(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds > 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds > 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** Why a row is what it is, when its columns alone do not say. */
export function rowNote(row: ReconcileRow, report: ReconcileReport): string {
  const notes: string[] = [];
  if (row.pending === 'settle_delay') notes.push(`newer than the ${durationText(report.settleDelaySeconds)} settle delay`);
  if (row.pending === 'hold_open') notes.push('its hold is still open');
  if (row.pending === 'not_priced') notes.push('fal has not priced it yet');
  if (row.ledger?.outcome === 'released' && row.billed) notes.push('the guard released a hold fal billed');
  if (row.ledger?.outcome === 'expired') notes.push('counted when its hold expired');
  if (row.billed && row.billed.endpoint !== row.endpoint) notes.push(`billed as ${row.billed.endpoint}`);
  return notes.join('; ');
}

/** Rows that need a look: everything but matched. */
export const attention = (report: ReconcileReport) => report.rows.filter((row) => row.category !== 'matched');

export function notMatchedText(counts: Readonly<Record<ReconcileCategory, { count: number }>>): string {
  const parts = (Object.keys(CATEGORY_LABELS) as ReconcileCategory[])
    .filter((category) => category !== 'matched' && counts[category].count > 0)
    .map((category) => `${counts[category].count} ${CATEGORY_LABELS[category]}`);
  return parts.length === 0 ? '' : parts.join(', ');
}

export function headline(report: ReconcileReport): string {
  return `Reconcile ${report.since} → ${report.until}: ${plural(report.rows.length, 'request')}, ledger ${report.ledger}, billing from ${report.billingSource}`;
}

export function withoutIdText(report: ReconcileReport): string | undefined {
  const { count, counted, endpoints } = report.withoutRequestId;
  if (count === 0) return undefined;
  return `${plural(count, 'journal entry', 'journal entries')} ($${counted}) ${count === 1 ? 'carries' : 'carry'} no fal request id (${endpoints.join(', ') || 'no endpoint'}) and cannot be joined: billed rows "unknown to the ledger" may be these`;
}
