import { Decimal, formatMoney, parseDecimal } from '../core/money.js';
import type { BudgetKey } from '../core/budget/ledger-types.js';
import { MAX_USD, limitToNano } from '../core/budget/nano-usd.js';
import type { RefusingBudget } from '../core/errors/index.js';
import { assertTimeZone, currentWindow, type CalendarWindow, type WindowPeriod } from './calendar-window.js';
import { InvalidOptionError } from '../core/errors/invalid-option-error.js';

/** What the caller says about a call, for per-user / per-key / per-project budgets. */
export type CallContext = Readonly<Record<string, unknown>>;

export interface ScopeId {
  /** "user", "key", "project", ... */
  readonly kind: string;
  readonly id: string;
}

/**
 * Whose budget a call draws on. A string `'user'` reads `context.user` and refuses a call whose
 * context has none; a function decides itself, and returning undefined means "does not apply".
 */
export type ScopeOption = string | ((context: CallContext) => ScopeId | string | number | undefined | null);

export interface BudgetOptions {
  /** Unique; part of every ledger key. Default: derived from scope and window. */
  readonly name?: string;
  /** USD as a decimal string, e.g. "25.00". */
  readonly limit: string;
  /** A calendar window that resets on its local boundary. Default: none (a running total). */
  readonly window?: WindowPeriod;
  /** IANA zone of the window, e.g. "America/New_York". Default: the guard's timeZone (UTC). */
  readonly timeZone?: string;
  /** Default: global (one budget for every call). */
  readonly scope?: ScopeOption;
}

/** A validated budget. */
export interface BudgetSpec {
  readonly name: string;
  readonly limit: Decimal;
  readonly limitText: string;
  readonly window: WindowPeriod | undefined;
  readonly timeZone: string;
  readonly scope: ((context: CallContext) => ScopeId | undefined) | undefined;
}

/** A budget as it applies to one call at one instant. */
export interface AppliedBudget {
  readonly spec: BudgetSpec;
  readonly key: BudgetKey;
  readonly describe: RefusingBudget;
}

const PERIODS: readonly WindowPeriod[] = ['day', 'week', 'month'];

/** Parses a USD amount option: decimal strings only, never a JS number (which cannot hold cents exactly). */
export function parseMoneyOption(option: string, value: unknown): Decimal {
  if (typeof value === 'number') {
    throw new InvalidOptionError(option, `must be a decimal string like "${Number.isFinite(value) ? value.toFixed(2) : '25.00'}", not the number ${value}: a JS number cannot hold money exactly`);
  }
  if (typeof value !== 'string') {
    throw new InvalidOptionError(option, `must be a decimal string like "25.00" (got ${value === null ? 'null' : typeof value})`);
  }
  const parsed = parseDecimal(value.trim());
  if (!parsed) throw new InvalidOptionError(option, `must be a non-negative decimal string like "25.00" (got ${JSON.stringify(value)})`);
  return parsed;
}

/** A limit: a money option every ledger can hold exactly (whole nano-USD, at most $9,000,000). */
function parseLimitOption(option: string, value: unknown): Decimal {
  const limit = parseMoneyOption(option, value);
  try {
    limitToNano(option, formatMoney(limit));
  } catch {
    throw new InvalidOptionError(option, `must have at most 9 decimals and be at most $${MAX_USD}, the exact range of every ledger (got ${JSON.stringify(value)})`);
  }
  return limit;
}

function parseTimeZone(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidOptionError(option, 'must be an IANA time zone name like "America/New_York"');
  try {
    assertTimeZone(value);
  } catch (cause) {
    throw new InvalidOptionError(option, `unknown time zone ${JSON.stringify(value)}; use an IANA name like "Europe/Paris"`, { cause });
  }
  return value;
}

function scopeIdText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') return String(value);
  return undefined;
}

function parseScope(option: string, budgetName: () => string, scope: unknown): BudgetSpec['scope'] {
  if (scope === undefined || scope === 'global') return undefined;
  if (typeof scope === 'string') {
    if (scope.length === 0) throw new InvalidOptionError(option, 'must name a context field like "user", or be a function');
    return (context) => {
      const id = scopeIdText(context[scope]);
      if (id === undefined) {
        throw new InvalidOptionError(
          `context.${scope}`,
          `budget "${budgetName()}" is per ${scope}, but the call's context has no ${scope} (pass it with guard.wrap(client, { context: { ${scope}: ... } }))`,
        );
      }
      return { kind: scope, id };
    };
  }
  if (typeof scope === 'function') {
    return (context) => {
      const result: unknown = scope(context);
      if (result === undefined || result === null) return undefined;
      const plain = scopeIdText(result);
      if (plain !== undefined) return { kind: 'scope', id: plain };
      if (typeof result === 'object') {
        const { kind, id } = result as { kind?: unknown; id?: unknown };
        const idText = scopeIdText(id);
        if (typeof kind === 'string' && kind.length > 0 && idText !== undefined) return { kind, id: idText };
      }
      throw new InvalidOptionError(option, `the scope function of budget "${budgetName()}" must return { kind, id }, a string, a number or undefined`);
    };
  }
  throw new InvalidOptionError(option, 'must be a context field name like "user", or a function of the call context');
}

function defaultName(scope: unknown, window: WindowPeriod | undefined, index: number): string {
  const who = scope === undefined || scope === 'global' ? 'global' : typeof scope === 'string' ? `per-${scope}` : `budget ${index + 1}`;
  const when = window === undefined ? '' : { day: ' daily', week: ' weekly', month: ' monthly' }[window];
  return `${who}${when}`;
}

export interface BudgetListOptions {
  readonly limit?: unknown;
  readonly budgets?: unknown;
  readonly timeZone?: unknown;
}

/** Validates `limit` / `budgets`: every problem is an InvalidOptionError naming the option. */
export function parseBudgets(options: BudgetListOptions): BudgetSpec[] {
  const timeZone = options.timeZone === undefined ? 'UTC' : parseTimeZone('timeZone', options.timeZone);
  const specs: BudgetSpec[] = [];
  if (options.limit !== undefined) {
    const limit = parseLimitOption('limit', options.limit);
    specs.push({ name: 'global', limit, limitText: formatMoney(limit), window: undefined, timeZone, scope: undefined });
  }
  if (options.budgets !== undefined) {
    if (!Array.isArray(options.budgets)) throw new InvalidOptionError('budgets', 'must be an array of { limit, window?, timeZone?, scope?, name? }');
    options.budgets.forEach((raw: unknown, index) => {
      const at = `budgets[${index}]`;
      if (typeof raw !== 'object' || raw === null) throw new InvalidOptionError(at, 'must be an object like { limit: "25.00", window: "day" }');
      const budget = raw as Record<string, unknown>;
      for (const key of Object.keys(budget)) {
        if (!['name', 'limit', 'window', 'timeZone', 'scope'].includes(key)) throw new InvalidOptionError(`${at}.${key}`, 'is not a budget option (name, limit, window, timeZone, scope)');
      }
      const limit = parseLimitOption(`${at}.limit`, budget.limit);
      if (budget.window !== undefined && !PERIODS.includes(budget.window as WindowPeriod)) {
        throw new InvalidOptionError(`${at}.window`, `must be one of ${PERIODS.join(', ')} (got ${JSON.stringify(budget.window)})`);
      }
      const window = budget.window as WindowPeriod | undefined;
      if (budget.name !== undefined && (typeof budget.name !== 'string' || budget.name.length === 0)) {
        throw new InvalidOptionError(`${at}.name`, 'must be a non-empty string');
      }
      const name = budget.name ?? defaultName(budget.scope, window, index);
      const zone = budget.timeZone === undefined ? timeZone : parseTimeZone(`${at}.timeZone`, budget.timeZone);
      specs.push({
        name, limit, limitText: formatMoney(limit), window, timeZone: zone, scope: parseScope(`${at}.scope`, () => name, budget.scope),
      });
    });
  }
  if (specs.length === 0) throw new InvalidOptionError('limit', 'give a limit ("25.00") or a list of budgets');
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new InvalidOptionError('budgets', `two budgets are named "${spec.name}"; give each a unique name`);
    seen.add(spec.name);
  }
  return specs;
}

const encode = (text: string) => encodeURIComponent(text);

/** A budget with neither scope nor window is the same for every call: built once. */
const fixedBudgets = new WeakMap<BudgetSpec, AppliedBudget>();

function fixedBudget(spec: BudgetSpec): AppliedBudget {
  let applied = fixedBudgets.get(spec);
  if (!applied) {
    const key = encode(spec.name);
    applied = { spec, key: { key, limit: spec.limitText }, describe: { name: spec.name, key, scope: undefined, window: undefined } };
    fixedBudgets.set(spec, applied);
  }
  return applied;
}

/** A window's part of a ledger key and of a refusal: the same for every budget key in it. */
interface WindowParts {
  readonly suffix: string;
  readonly describe: NonNullable<RefusingBudget['window']>;
}

const windowParts = new WeakMap<CalendarWindow, WindowParts>();

function partsOf(window: CalendarWindow): WindowParts {
  let parts = windowParts.get(window);
  if (!parts) {
    parts = {
      suffix: `/${window.period}=${window.id}@${encode(window.timeZone)}`,
      // Shared by every call in the window, so frozen: no caller can change another's report.
      describe: Object.freeze({ period: window.period, id: window.id, timeZone: window.timeZone, endsAt: new Date(window.endsAt).toISOString() }),
    };
    windowParts.set(window, parts);
  }
  return parts;
}

/** The encoded name each key starts with, per budget. */
const encodedNames = new WeakMap<BudgetSpec, string>();

function encodedName(spec: BudgetSpec): string {
  let name = encodedNames.get(spec);
  if (name === undefined) {
    name = encode(spec.name);
    encodedNames.set(spec, name);
  }
  return name;
}

/** The budgets that apply to a call with this context at this instant, as ledger keys. */
export function applyBudgets(specs: readonly BudgetSpec[], context: CallContext, now: number): AppliedBudget[] {
  const applied: AppliedBudget[] = [];
  for (const spec of specs) {
    if (!spec.scope && !spec.window) {
      applied.push(fixedBudget(spec));
      continue;
    }
    const scope = spec.scope ? spec.scope(context) : undefined;
    if (spec.scope && !scope) continue;
    let key = encodedName(spec);
    if (scope) key += `/${encode(scope.kind)}=${encode(scope.id)}`;
    let windowEndsAt: number | undefined;
    let window: RefusingBudget['window'];
    if (spec.window) {
      const current = currentWindow(now, spec.window, spec.timeZone);
      const parts = partsOf(current);
      key += parts.suffix;
      windowEndsAt = current.endsAt;
      window = parts.describe;
    }
    applied.push({
      spec,
      key: windowEndsAt === undefined ? { key, limit: spec.limitText } : { key, limit: spec.limitText, windowEndsAt },
      describe: { name: spec.name, key, scope, window },
    });
  }
  return applied;
}
