// fal-budget: exact pre-flight quotes for fal generative-video requests, from versioned tables.
export * from './universal.js';
// Node only: tables of your own from a directory.
export { loadPricingTables, loadPriceBook } from './tables/load-directory.js';
// The budget guard: quote, reserve across every budget that applies, call, settle.
export { createBudgetGuard } from './guard/create-budget-guard.js';
export type {
  BudgetGuard, BudgetGuardOptions, BudgetStatus, BudgetReport, CheckResult, Reservation, GuardCallOptions,
  ThresholdEvent, GuardWarning, WrapOptions, Settlement,
} from './guard/guard-types.js';
export type { BudgetOptions, CallContext, ScopeId, ScopeOption } from './guard/budget-spec.js';
export type { WindowPeriod, CalendarWindow } from './guard/calendar-window.js';
export { InvalidOptionError } from './guard/errors/invalid-option-error.js';
export { memoryLedger } from './guard/ledgers/memory-ledger.js';
export { fileLedger, type FileLedgerOptions } from './guard/ledgers/file-ledger.js';
export type {
  Ledger, BudgetKey, ReserveRequest, ReserveResult, Refusal, SettleResult, Usage,
} from './core/budget/ledger-types.js';
export { wrapFalClient } from './fal/wrap-fal-client.js';
export { budgetMiddleware } from './fal/proxy/express-middleware.js';
export { withBudget, type FetchGuardOptions } from './fal/proxy/fetch-handler.js';
export type { ProxyGuardOptions } from './fal/proxy/proxy-guard.js';
// Node only: one budget shared by every process, in Redis (ioredis is loaded on first use).
export { redisLedger, type RedisLedgerOptions, type RedisLedgerClient } from './guard/ledgers/redis-ledger.js';
