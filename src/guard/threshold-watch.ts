import { Decimal } from '../core/money.js';
import { InvalidOptionError } from '../core/errors/invalid-option-error.js';
import type { BudgetReport, ThresholdEvent } from './guard-types.js';

export interface Threshold {
  readonly text: string;
  readonly fraction: Decimal;
}

export function parseThresholds(values: readonly (string | number)[] | undefined): Threshold[] {
  if (values === undefined) return [{ text: '0.8', fraction: new Decimal('0.8') }];
  if (!Array.isArray(values)) throw new InvalidOptionError('thresholds', 'must be an array of fractions like ["0.8"]');
  return values.map((value, index) => {
    const text = typeof value === 'number' ? String(value) : value;
    const valid = typeof text === 'string' && /^(0(\.[0-9]+)?|1(\.0+)?)$/.test(text) && !new Decimal(text).isZero();
    if (!valid) throw new InvalidOptionError(`thresholds[${index}]`, `must be a fraction of the limit above 0 and at most 1, like "0.8" (got ${JSON.stringify(value)})`);
    return { text, fraction: new Decimal(text) };
  });
}

/** Calls back once per budget key (which names the window) and threshold, in this process. */
export class ThresholdWatch {
  private readonly fired = new Map<string, number>();

  constructor(private readonly thresholds: readonly Threshold[], private readonly onThreshold: (event: ThresholdEvent) => void) {}

  observe(reports: readonly BudgetReport[], now: number): void {
    for (const report of reports) {
      const used = new Decimal(report.spent).plus(report.reserved);
      const limit = new Decimal(report.limit);
      for (const threshold of this.thresholds) {
        const id = `${threshold.text}|${report.budget.key}`;
        if (this.fired.has(id) || used.lt(limit.times(threshold.fraction))) continue;
        const windowEnds = report.budget.window ? Date.parse(report.budget.window.endsAt) : Number.POSITIVE_INFINITY;
        this.fired.set(id, windowEnds);
        this.onThreshold({ budget: report.budget, threshold: threshold.text, limit: report.limit, spent: report.spent, reserved: report.reserved, remaining: report.remaining });
      }
    }
    if (this.fired.size > 4096) for (const [id, endsAt] of this.fired) if (endsAt <= now) this.fired.delete(id);
  }
}
