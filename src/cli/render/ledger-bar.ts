import { Decimal } from '../../core/money.js';

export interface UsageBar {
  /** `width` cells: █ spent, ▒ reserved, · still free. */
  readonly bar: string;
  /** (spent + reserved) / limit as a percent, rounded DOWN to 0.1 (never "100.0%" before it is full). */
  readonly percent: string;
  /** full: nothing left (or over a lowered limit); high: 80% or more used. */
  readonly level: 'ok' | 'high' | 'full';
}

export const BAR_WIDTH = 20;

/**
 * How much of a limit is used, drawn. Cells round down, so a cell shows only money that fills
 * it; a key past its limit (a limit lowered after the spend) draws full, as does a zero limit.
 */
export function usageBar(spent: string, reserved: string, limit: string, width = BAR_WIDTH): UsageBar {
  const cap = new Decimal(limit);
  const spentD = new Decimal(spent);
  const used = spentD.plus(new Decimal(reserved));
  const fraction = cap.isZero() ? new Decimal(1) : used.div(cap);
  const cells = (part: Decimal) => Decimal.min(part.times(width).toDecimalPlaces(0, Decimal.ROUND_DOWN), width).toNumber();
  // A zero limit has no room at all: drawn full.
  const spentCells = cap.isZero() ? width : cells(spentD.div(cap));
  const usedCells = cells(fraction);
  const percent = cap.isZero() ? '100.0' : fraction.times(100).toDecimalPlaces(1, Decimal.ROUND_DOWN).toFixed(1);
  return {
    bar: '█'.repeat(spentCells) + '▒'.repeat(usedCells - spentCells) + '·'.repeat(width - usedCells),
    percent: `${percent}%`,
    level: used.gte(cap) ? 'full' : fraction.gte(new Decimal('0.8')) ? 'high' : 'ok',
  };
}
