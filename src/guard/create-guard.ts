import { decide } from '../core/budget/decide.js';
import type { HoldDetails, Ledger, ReserveResult, SettleResult, Usage } from '../core/budget/ledger-types.js';
import { newHoldDetails, plainHoldDetails } from '../core/budget/ledger-state.js';
import { amountToNano, limitToNano } from '../core/budget/nano-usd.js';
import {
  BudgetExceededError, FalBudgetError, LedgerUnavailableError, UnknownEndpointError, type RefusingBudget,
} from '../core/errors/index.js';
import { instantOf } from '../core/instant.js';
import { Decimal, formatMoney, ZERO } from '../core/money.js';
import { isPriceBook, PriceBook } from '../core/pricing/price-book.js';
import { quoteRequest } from '../core/quote.js';
import type { Quote } from '../core/quote-types.js';
import { applyBudgets, parseBudgets, parseMoneyOption, type AppliedBudget, type CallContext } from './budget-spec.js';
import { InvalidOptionError } from '../core/errors/invalid-option-error.js';
import type {
  BudgetGuardOptions, BudgetReport, BudgetStatus, CheckResult, CoreBudgetGuard, GuardBinding, GuardCallOptions, GuardWarning, Reservation,
} from './guard-types.js';
import { memoryLedger } from './ledgers/memory-ledger.js';
import { ThresholdWatch, parseThresholds } from './threshold-watch.js';

const DEFAULT_HOLD_TTL_MS = 60 * 60 * 1000;

interface Priced {
  readonly quote: Quote | undefined;
  /** USD, a decimal string: what the ledger takes. */
  readonly amountText: string;
  readonly declared: boolean;
}

function parseHoldTtl(value: unknown): number {
  if (value === undefined) return DEFAULT_HOLD_TTL_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InvalidOptionError('holdTtlMs', `must be a positive whole number of milliseconds (got ${String(value)})`);
  }
  return value;
}

function parseDeclaredPrices(value: unknown): Map<string, Decimal> {
  const prices = new Map<string, Decimal>();
  if (value === undefined) return prices;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError('allowUnknownEndpoints', 'must map endpoint ids (or "*") to a USD price like "0.50"');
  }
  for (const [endpoint, price] of Object.entries(value)) {
    prices.set(endpoint, parseMoneyOption(`allowUnknownEndpoints[${JSON.stringify(endpoint)}]`, price));
  }
  return prices;
}

/** Year 10000, the first instant the guard's calendar windows are not worked out for. */
const CLOCK_ENDS = Date.UTC(10_000, 0, 1);

/**
 * What is wrong with what a clock returned (`value`, read as `ms`), or undefined: a call's time
 * is a number of epoch ms from 1970 to 9999. Before 1970 a clock is broken, and its calendar
 * windows would be wrong besides (Intl gives years before 1 without a sign, and Julian dates
 * before 1582).
 */
function clockProblem(value: unknown, ms: unknown): string | undefined {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return `${String(value)}, not a time`;
  if (ms < 0 || ms >= CLOCK_ENDS) return `${new Date(ms).toISOString()}, outside 1970-01-01 to 9999-12-31`;
  return undefined;
}

function clockOf(now: BudgetGuardOptions['now']): () => number {
  if (now === undefined) return Date.now;
  if (typeof now !== 'function') throw new InvalidOptionError('now', 'must be a function returning epoch milliseconds or a Date');
  return () => {
    const value = now();
    const ms = value instanceof Date ? value.getTime() : value;
    const problem = clockProblem(value, ms);
    if (problem !== undefined) throw new InvalidOptionError('now', `the clock returned ${problem}`);
    return ms;
  };
}

/** Anything a ledger throws that is not already ours means it could not be used: fail closed. */
function ledgerFailure(error: unknown, doing: string): FalBudgetError {
  if (error instanceof FalBudgetError) return error;
  return new LedgerUnavailableError(`the budget ledger failed while ${doing}: ${error instanceof Error ? error.message : String(error)}`, {
    ledger: 'custom', cause: error,
  });
}

/** Node's warning channel where there is one (no node:* import: the guard runs on any runtime). */
function defaultWarning(warning: GuardWarning): void {
  const host = (globalThis as { process?: { emitWarning?: (message: string, options: { type: string; code: string }) => void } }).process;
  if (typeof host?.emitWarning === 'function') host.emitWarning(warning.message, { type: 'FalBudgetWarning', code: warning.code });
  else console.warn(`FalBudgetWarning [${warning.code}]: ${warning.message}`);
}

function report(applied: AppliedBudget, usage: Usage | undefined): BudgetReport {
  const spent = new Decimal(usage?.spent ?? '0');
  const reserved = new Decimal(usage?.reserved ?? '0');
  const remaining = Decimal.max(applied.spec.limit.minus(spent).minus(reserved), ZERO);
  return {
    budget: applied.describe, limit: applied.spec.limitText, spent: formatMoney(spent), reserved: formatMoney(reserved), remaining: formatMoney(remaining),
  };
}

interface ReservationHooks {
  settle(holdId: string, settlement: 'commit' | 'release'): Promise<SettleResult>;
  attach(requestId: string, holdId: string, app: string | undefined): Promise<boolean>;
}

/** One reservation: a class rather than closures, since every guarded call makes one. */
class HeldReservation implements Reservation {
  constructor(
    readonly holdId: string,
    readonly quote: Quote | undefined,
    readonly amount: string,
    readonly declared: boolean,
    readonly budgets: readonly RefusingBudget[],
    readonly expiresAt: number,
    private readonly hooks: ReservationHooks,
  ) {}

  commit(): Promise<SettleResult> {
    return this.hooks.settle(this.holdId, 'commit');
  }

  release(): Promise<SettleResult> {
    return this.hooks.settle(this.holdId, 'release');
  }

  attachRequest(requestId: string, app?: string): Promise<boolean> {
    return this.hooks.attach(requestId, this.holdId, app);
  }
}

/**
 * What the journal will say the hold paid for: the endpoint, the table that priced it, whose call
 * it was. Built field by field, not with conditional spreads (a spread followed by more properties
 * costs ~1 µs per object in V8 11, Node 20). A call no scope applies to has the same details as
 * the last such call of its endpoint and table: that frozen object is given again, since the
 * ledger keeps the details of every hold (a day of holds, 90 days of journal in memory).
 */
function detailsOf(endpoint: string, priced: Priced, applied: readonly AppliedBudget[], callOptions: GuardCallOptions | undefined, shared: Map<string, HoldDetails>): HoldDetails {
  let scope: Record<string, string> | undefined;
  for (const budget of applied) {
    if (budget.describe.scope) (scope ??= {})[budget.describe.scope.kind] = budget.describe.scope.id;
  }
  const pricing = priced.quote?.pricing;
  const provider = pricing?.provider ?? callOptions?.provider ?? 'fal';
  if (scope === undefined) {
    const last = shared.get(endpoint);
    if (last !== undefined && last.provider === provider && last.pricingVersion === pricing?.version && last.pricingSha256 === pricing?.sha256) return last;
  }
  const details = newHoldDetails();
  details.endpoint = endpoint;
  details.provider = provider;
  if (pricing) {
    details.pricingVersion = pricing.version;
    details.pricingSha256 = pricing.sha256;
  }
  if (scope) {
    // Plain frozen data, as the shared ones are, so the ledger keeps them without a copy.
    details.scope = scope;
    return plainHoldDetails(details);
  }
  if (shared.size >= 1024) shared.clear();
  shared.set(endpoint, plainHoldDetails(details));
  return details;
}

/**
 * A budget guard: quotes each call strictly, reserves it against every budget that applies
 * (atomically, in one ledger operation), and settles it once the outcome is known. The tables,
 * the source probe and how an input is priced come from `binding` (see src/create-budget-guard.ts).
 */
export function createGuard(options: BudgetGuardOptions, binding: GuardBinding): CoreBudgetGuard {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must be an object like { limit: "25.00" }');
  const specs = parseBudgets(options);
  const clock = clockOf(options.now);
  const holdTtlMs = parseHoldTtl(options.holdTtlMs);
  const declaredPrices = parseDeclaredPrices(options.allowUnknownEndpoints);
  const ledger: Ledger = options.ledger ?? memoryLedger();
  // One clock for every instance sharing a ledger that has one, so they agree on windows; a
  // `now` given to the guard (tests, replays) wins.
  const ledgerClock = options.now === undefined && typeof ledger.clock === 'function' ? ledger.clock.bind(ledger) : undefined;
  const baseContext: CallContext = options.context ?? {};
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') throw new InvalidOptionError('onWarning', 'must be a function');
  if (options.book !== undefined && !isPriceBook(options.book)) throw new InvalidOptionError('book', 'must be a PriceBook (bundledPriceBook(), loadPriceBook(dir), new PriceBook(tables))');
  if (options.pricingAt !== undefined && instantOf(options.pricingAt) === undefined) {
    throw new InvalidOptionError('pricingAt', `must be a Date, epoch ms, a date like 2026-11-24 or a date-time with offset (got ${String(options.pricingAt)})`);
  }
  const onWarning = options.onWarning ?? defaultWarning;
  const thresholdList = parseThresholds(options.thresholds);
  if (options.onThreshold !== undefined && typeof options.onThreshold !== 'function') throw new InvalidOptionError('onThreshold', 'must be a function');
  const thresholds = options.onThreshold ? new ThresholdWatch(thresholdList, options.onThreshold) : undefined;
  // Hold ids must be unique across every process sharing a ledger: one random token per guard,
  // then a counter (a UUID per call costs more than the rest of the id's work).
  const holdPrefix = `fal-budget:${globalThis.crypto.randomUUID()}:`;
  let holdCount = 0;

  let book = options.book;
  const bookOf = (): PriceBook => (book ??= binding.defaultBook());

  const contextOf = (callOptions: GuardCallOptions | undefined): CallContext =>
    callOptions?.context ? { ...baseContext, ...callOptions.context } : baseContext;

  function price(endpoint: string, input: unknown, callOptions: GuardCallOptions | undefined, now: number): Priced {
    try {
      const quote = quoteRequest(bookOf(), endpoint, binding.pricedInput ? binding.pricedInput(input) : input, {
        strict: true,
        at: options.pricingAt ?? now,
        provider: callOptions?.provider,
        sourceSeconds: callOptions?.sourceSeconds,
        probeSource: binding.probeSource,
        // A reservation is never below the bill: a length claimed for bytes no probe read is not trusted.
        uncheckedSourceSeconds: 'maximum',
      });
      return { quote, amountText: quote.total, declared: false };
    } catch (error) {
      const declared = error instanceof UnknownEndpointError ? (declaredPrices.get(endpoint) ?? declaredPrices.get('*')) : undefined;
      if (declared === undefined) throw error;
      onWarning({
        code: 'unknown_endpoint_admitted',
        message: `${endpoint} is in no pricing table; admitted at the declared $${formatMoney(declared)} per call (allowUnknownEndpoints)`,
      });
      return { quote: undefined, amountText: formatMoney(declared), declared: true };
    }
  }

  /** The instant that picks a call's windows and prices it. */
  async function callTime(): Promise<number> {
    if (!ledgerClock) return clock();
    let ms: unknown;
    try {
      ms = await ledgerClock();
    } catch (error) {
      throw ledgerFailure(error, 'reading its clock');
    }
    const problem = clockProblem(ms, ms);
    if (problem !== undefined) throw ledgerFailure(new Error(`its clock returned ${problem}`), 'reading its clock');
    return ms as number;
  }

  async function usageOf(applied: readonly AppliedBudget[], now: number): Promise<Usage[]> {
    if (applied.length === 0) return [];
    try {
      return await ledger.usage(applied.map((budget) => budget.key.key), now);
    } catch (error) {
      throw ledgerFailure(error, 'reading usage');
    }
  }

  async function settle(holdId: string, settlement: 'commit' | 'release'): Promise<SettleResult> {
    try {
      return settlement === 'commit' ? await ledger.commit(holdId, clock()) : await ledger.release(holdId, clock());
    } catch (error) {
      throw ledgerFailure(error, settlement === 'commit' ? 'committing a hold' : 'releasing a hold');
    }
  }

  async function watchThresholds(applied: readonly AppliedBudget[], now: number): Promise<void> {
    if (!thresholds || applied.length === 0) return;
    // The reservation already stands: a failing callback or read must not strand it.
    try {
      const usage = await usageOf(applied, now);
      thresholds.observe(applied.map((budget, index) => report(budget, usage[index])), now);
    } catch (error) {
      onWarning({ code: 'threshold_failed', message: `threshold check failed: ${error instanceof Error ? error.message : String(error)}`, cause: error });
    }
  }

  async function attach(requestId: string, holdId: string, app: string | undefined): Promise<boolean> {
    try {
      return await ledger.link(app === undefined ? { requestId, holdId, now: clock() } : { requestId, holdId, now: clock(), app });
    } catch (error) {
      throw ledgerFailure(error, 'linking a request to its hold');
    }
  }

  const hooks: ReservationHooks = { settle, attach };
  const sharedDetails = new Map<string, HoldDetails>();

  const guard: CoreBudgetGuard = {
    ledger,
    now: clock,
    warn: onWarning,

    async reserve(endpoint, input, callOptions) {
      // Read directly when there is no ledger clock: an await of callTime() costs a turn per call.
      const now = ledgerClock ? await callTime() : clock();
      const priced = price(endpoint, input, callOptions, now);
      const applied = applyBudgets(specs, contextOf(callOptions), now);
      holdCount += 1;
      const holdId = `${holdPrefix}${holdCount}`;
      const expiresAt = now + holdTtlMs;
      const amount = priced.amountText;
      let result: ReserveResult;
      try {
        result = await ledger.reserve({ holdId, amount, budgets: applied.map((budget) => budget.key), expiresAt, now, details: detailsOf(endpoint, priced, applied, callOptions, sharedDetails) });
      } catch (error) {
        throw ledgerFailure(error, 'reserving');
      }
      if (!result.ok) {
        const refused = applied.find((budget) => budget.key.key === result.refusal.key);
        if (!refused) throw new LedgerUnavailableError(`the ledger refused key ${result.refusal.key}, which this call did not ask for`, { ledger: 'custom' });
        throw new BudgetExceededError({
          quote: priced.quote, amount, budget: refused.describe,
          limit: result.refusal.limit, spent: result.refusal.spent, reserved: result.refusal.reserved, remaining: result.refusal.remaining,
        });
      }
      if (thresholds) await watchThresholds(applied, now);
      return new HeldReservation(holdId, priced.quote, amount, priced.declared, applied.map((budget) => budget.describe), expiresAt, hooks);
    },

    async settleRequest(requestId, settlement, settleOptions) {
      try {
        return await ledger.settleRequest(requestId, settlement, clock(), settleOptions?.app);
      } catch (error) {
        throw ledgerFailure(error, `settling the hold of request ${requestId}`);
      }
    },

    async linkOf(requestId) {
      try {
        return await ledger.linkOf(requestId, clock());
      } catch (error) {
        throw ledgerFailure(error, `looking up the hold of request ${requestId}`);
      }
    },

    async check(endpoint, input, callOptions): Promise<CheckResult> {
      const now = await callTime();
      const priced = price(endpoint, input, callOptions, now);
      const applied = applyBudgets(specs, contextOf(callOptions), now);
      const usage = await usageOf(applied, now);
      const budgets = applied.map((budget, index) => report(budget, usage[index]));
      const decision = decide(amountToNano('amount', priced.amountText), budgets.map((budget, index) => ({
        key: applied[index]!.key.key,
        limit: limitToNano('limit', applied[index]!.spec.limitText),
        spent: amountToNano('spent', budget.spent),
        reserved: amountToNano('reserved', budget.reserved),
      })));
      const refusal = decision.fits ? undefined : budgets.find((budget) => budget.budget.key === decision.key);
      return {
        endpoint, quote: priced.quote, amount: priced.amountText, declared: priced.declared, fits: decision.fits, refusal, budgets,
      };
    },

    async status(context): Promise<BudgetStatus> {
      const now = await callTime();
      const applied = applyBudgets(specs, context ? { ...baseContext, ...context } : baseContext, now);
      if (applied.length === 0) {
        throw new InvalidOptionError('scope', `no budget applies to ${JSON.stringify(context ?? {})}; pass the context whose budgets you want`);
      }
      const usage = await usageOf(applied, now);
      const budgets = applied.map((budget, index) => report(budget, usage[index]));
      let tightest = budgets[0]!;
      for (const budget of budgets) if (new Decimal(budget.remaining).lt(tightest.remaining)) tightest = budget;
      return { ...tightest, budgets };
    },
  };
  return guard;
}
