// fal-budget: exact pre-flight quotes for fal generative-video requests, and a budget guard that
// refuses a call before any byte reaches fal. This root runs in any JavaScript runtime (Node,
// browsers, edge functions, workers): nothing reachable from it imports node:*, and the bundled
// pricing tables come compiled in (test/package/root-bundle.test.ts checks both, and its size).
// Node-only parts are in fal-budget/node, the MP4 probe in fal-budget/mp4, the proxy adapters in
// fal-budget/express and fal-budget/fetch. Every name is listed here on purpose: this is the API.

// Quoting.
export { quote, quoteBatch, type QuoteOptions } from './quote.js';
export type {
  Quote, QuoteLine, QuotePricing, QuoteWarning, BillingParams, SourceSecondsFrom,
} from './core/quote-types.js';
export type { SourceProbe } from './core/quote-options.js';
export { BatchTotals, MAX_BATCH_COUNT, type BatchRequest, type BatchResult, type BatchItem, type BatchError, type Subtotal } from './core/batch.js';
export { Decimal } from './core/money.js';

// Pricing tables: the bundled ones, or tables of your own as text (fal-budget/node reads a directory).
export { PriceBook, isPriceBook } from './core/pricing/price-book.js';
export type { PricingTable, EndpointPricing, Price } from './core/pricing/pricing-table.js';
export { pricingTableSchema, type PricingTableData } from './core/pricing/schema.js';
export { readPricingTable } from './tables/read-table.js';
export { bundledPriceBook } from './tables/bundled.js';
export { requestModels, TIERS, RESOLUTIONS, DURATIONS } from './core/endpoints/index.js';
export type { RequestModel, FieldInfo, Tier, Resolution, Duration } from './core/endpoints/index.js';

// The budget guard: quote, reserve across every budget that applies, call, settle.
export { createBudgetGuard, type BudgetGuardOptions } from './create-budget-guard.js';
export type { BudgetGuard } from './fal/budget-guard.js';
export type {
  BudgetStatus, BudgetReport, CheckResult, Reservation, GuardCallOptions,
  ThresholdEvent, GuardWarning, Settlement,
} from './guard/guard-types.js';
export type { BudgetOptions, CallContext, ScopeId, ScopeOption } from './guard/budget-spec.js';
export type { WindowPeriod, CalendarWindow } from './guard/calendar-window.js';
export { memoryLedger, type MemoryLedgerOptions } from './guard/ledgers/memory-ledger.js';
export type {
  Ledger, BudgetKey, ReserveRequest, ReserveResult, Refusal, SettleResult, Usage,
  HoldDetails, LinkRequest, RequestLink, HoldStatus, JournalEntry, JournalQuery, BudgetKeyStatus,
} from './core/budget/ledger-types.js';

// The guard in front of @fal-ai/client: guard.wrap(client) with fetch: guardedFetch(guard).
export { wrapFalClient, type WrapOptions } from './fal/wrap-fal-client.js';
export { guardedFetch } from './fal/guarded-fetch.js';
export { parseFalUrl, type FalUrl, type FalHostKind, type FalRequestAction } from './fal/fal-url.js';

// Every error fal-budget throws on purpose, from every subpath: catch them from one place.
export {
  FalBudgetError, isFalBudgetError, hasFalBudgetErrorCode,
  type FalBudgetErrorCode, type CoreErrorCode, type FalAdapterErrorCode, type CliErrorCode,
  InvalidOptionError, isInvalidOptionError,
  InvalidLedgerRequestError, type InvalidLedgerRequestCode,
  InvalidRequestError, type RequestIssue, type IssuePath, type RequestIssueCode, type OwnIssueCode,
  UnknownEndpointError, AmbiguousEndpointError, NotOfferedError, NoPriceInEffectError,
  PricingTableError, type PricingTableProblem,
  LedgerUnavailableError, isLedgerUnavailableError, type LedgerUnavailableDetails,
  BudgetExceededError, isBudgetExceededError, type BudgetExceededDetails, type RefusingBudget, type BudgetPeriod,
  MissingDependencyError, isMissingDependencyError,
} from './core/errors/index.js';
export { UnsupportedCallError } from './fal/errors/unsupported-call-error.js';
export { ProxyRequestError, type ProxyRequestProblem } from './fal/proxy/proxy-request-error.js';
export { RedisEvictionPolicyError, type EvictionRisk } from './guard/ledgers/redis-eviction-policy-error.js';
