// fal-budget: exact pre-flight quotes for fal generative-video requests, from versioned tables.
export * from './universal.js';
// Node only: tables of your own from a directory.
export { loadPricingTables, loadPriceBook } from './tables/load-directory.js';
