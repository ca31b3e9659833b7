import type { Quote } from '../quote-types.js';
import { FalBudgetError, hasFalBudgetErrorCode } from './fal-budget-error.js';

export type BudgetPeriod = 'day' | 'week' | 'month';

/** Which budget refused: enough to tell a person, and a program, what to do. */
export interface RefusingBudget {
  /** The budget's name as configured ("global", "per-user daily", ...). */
  readonly name: string;
  /** The ledger key, scope and window encoded in it. */
  readonly key: string;
  /** Whose budget: undefined for a global one; otherwise e.g. { kind: 'user', id: '42' }. */
  readonly scope: { readonly kind: string; readonly id: string } | undefined;
  /** The calendar window, when the budget has one. */
  readonly window:
    | { readonly period: BudgetPeriod; readonly id: string; readonly timeZone: string; readonly endsAt: string }
    | undefined;
}

export interface BudgetExceededDetails {
  /** The quote of the call that was refused (undefined only when no quote exists, e.g. a declared price). */
  readonly quote: Quote | undefined;
  /** What the call needs (USD decimal string): the quote's total, or a declared price. */
  readonly amount: string;
  readonly budget: RefusingBudget;
  readonly limit: string;
  readonly spent: string;
  readonly reserved: string;
  /** What was left before the refused call. */
  readonly remaining: string;
}

const WINDOW_WORDS: Readonly<Record<BudgetPeriod, string>> = { day: 'today', week: 'this week', month: 'this month' };

/** "needs $8.64; $5.00 left of $25.00 today for user 42 (spent $20.00, reserved $0.00; budget "per-user daily"; <endpoint>)" */
function describeRefusal(details: BudgetExceededDetails): string {
  const { budget } = details;
  const when = budget.window ? ` ${WINDOW_WORDS[budget.window.period]}` : '';
  const whose = budget.scope ? ` for ${budget.scope.kind} ${budget.scope.id}` : '';
  const what = details.quote ? `; ${details.quote.endpoint}` : '';
  return `needs $${details.amount}; $${details.remaining} left of $${details.limit}${when}${whose}`
    + ` (spent $${details.spent}, reserved $${details.reserved}; budget "${budget.name}"${what})`;
}

/** A call would break a budget; nothing was sent. */
export class BudgetExceededError extends FalBudgetError {
  override name = 'BudgetExceededError';
  readonly quote: Quote | undefined;
  readonly amount: string;
  readonly budget: RefusingBudget;
  readonly limit: string;
  readonly spent: string;
  readonly reserved: string;
  readonly remaining: string;

  constructor(details: BudgetExceededDetails) {
    super('budget_exceeded', describeRefusal(details));
    this.quote = details.quote;
    this.amount = details.amount;
    this.budget = details.budget;
    this.limit = details.limit;
    this.spent = details.spent;
    this.reserved = details.reserved;
    this.remaining = details.remaining;
  }
}

/** Whether `value` is a BudgetExceededError, from this or another copy of fal-budget. */
export function isBudgetExceededError(value: unknown): value is BudgetExceededError {
  return hasFalBudgetErrorCode(value, 'budget_exceeded');
}
