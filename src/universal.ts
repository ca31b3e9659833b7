// fal-budget for any JavaScript runtime (browsers, edge functions, workers): no node:* imports,
// no filesystem. The bundled pricing tables come compiled in. `fal-budget` (the package root)
// re-exports all of this and adds what needs Node.
export { quote, quoteBatch, type QuoteOptions } from './quote.js';
export type {
  Quote, QuoteLine, QuotePricing, QuoteWarning, BillingParams, SourceSecondsFrom,
} from './core/quote-types.js';
export {
  BatchTotals, parseBatchRequest, MAX_BATCH_COUNT,
  type BatchRequest, type BatchResult, type BatchItem, type BatchError, type Subtotal,
} from './core/batch.js';
export { PriceBook, isPriceBook } from './core/pricing/price-book.js';
export type { PricingTable, EndpointPricing, Price } from './core/pricing/pricing-table.js';
export { pricingTableSchema, type PricingTableData } from './core/pricing/schema.js';
export { requestModels, TIERS, RESOLUTIONS, DURATIONS } from './core/endpoints/index.js';
export type { RequestModel, FieldInfo, Tier, Resolution, Duration } from './core/endpoints/index.js';
export { readPricingTable } from './tables/read-table.js';
export { bundledPriceBook } from './tables/bundled.js';
export { readMp4Seconds } from './media/mp4-seconds.js';
export { Decimal, formatMoney } from './core/money.js';
export * from './core/errors/index.js';
// The budget guard: quote, reserve across every budget that applies, call, settle.
export { createBudgetGuard } from './create-budget-guard.js';
export type { BudgetGuard } from './fal/budget-guard.js';
export type {
  BudgetGuardOptions, BudgetStatus, BudgetReport, CheckResult, Reservation, GuardCallOptions,
  ThresholdEvent, GuardWarning, Settlement,
} from './guard/guard-types.js';
export type { BudgetOptions, CallContext, ScopeId, ScopeOption } from './guard/budget-spec.js';
export type { WindowPeriod, CalendarWindow } from './guard/calendar-window.js';
export { memoryLedger, type MemoryLedgerOptions } from './guard/ledgers/memory-ledger.js';
export type {
  Ledger, BudgetKey, ReserveRequest, ReserveResult, Refusal, SettleResult, Usage,
  HoldDetails, LinkRequest, RequestLink, HoldStatus, JournalEntry, JournalQuery, BudgetKeyStatus,
} from './core/budget/ledger-types.js';
export { wrapFalClient, type WrapOptions } from './fal/wrap-fal-client.js';
export { guardedFetch } from './fal/guarded-fetch.js';
export { UnsupportedCallError } from './fal/errors/unsupported-call-error.js';
export { parseFalUrl, type FalUrl, type FalHostKind, type FalRequestAction } from './fal/fal-url.js';
export { budgetMiddleware, type ExpressGuardOptions } from './fal/proxy/express-middleware.js';
export { withBudget, type FetchGuardOptions } from './fal/proxy/fetch-handler.js';
export type { ProxyGuardOptions } from './fal/proxy/proxy-guard.js';
export { ProxyRequestError, type ProxyRequestProblem } from './fal/proxy/proxy-request-error.js';
// fal's signed webhooks settle holds (WebCrypto Ed25519: any runtime).
export { webhookHandler } from './fal/webhooks/webhook-handler.js';
export type { WebhookOptions, WebhookEvent } from './fal/webhooks/webhook-types.js';
