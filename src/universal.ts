// fal-budget for any JavaScript runtime (browsers, edge functions, workers): no node:* imports,
// no filesystem. The bundled pricing tables come compiled in. `fal-budget` (the package root)
// re-exports all of this and adds what needs Node.
export { quote, quoteBatch, type QuoteOptions } from './quote.js';
export type {
  Quote, QuoteLine, QuotePricing, QuoteWarning, BillingParams, SourceSecondsFrom,
} from './core/quote-types.js';
export {
  BatchTotals, parseBatchRequest,
  type BatchRequest, type BatchResult, type BatchItem, type BatchError, type Subtotal,
} from './core/batch.js';
export { PriceBook } from './core/pricing/price-book.js';
export type { PricingTable, EndpointPricing, Price } from './core/pricing/pricing-table.js';
export { pricingTableSchema, type PricingTableData } from './core/pricing/schema.js';
export { requestModels, TIERS, RESOLUTIONS, DURATIONS } from './core/endpoints/index.js';
export type { RequestModel, FieldInfo, Tier, Resolution, Duration } from './core/endpoints/index.js';
export { readPricingTable } from './tables/read-table.js';
export { bundledPriceBook } from './tables/bundled.js';
export { readMp4Seconds } from './media/mp4-seconds.js';
export { Decimal, formatMoney } from './core/money.js';
export * from './core/errors/index.js';
