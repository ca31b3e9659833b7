// fal-budget: exact pre-flight quotes for fal generative-video requests, from versioned tables.
export * from './universal.js';
// Node only: tables of your own from a directory.
export { loadPricingTables, loadPriceBook } from './tables/load-directory.js';
// Node only: a ledger file shared by the processes of one machine.
export { fileLedger, type FileLedgerOptions } from './guard/ledgers/file-ledger.js';
// Node only: one budget shared by every process, in Redis (ioredis is loaded on first use).
export { redisLedger, type RedisLedgerOptions, type RedisLedgerClient } from './guard/ledgers/redis-ledger.js';
// Node only: fal's signed webhooks for Express, reading the raw body itself.
export { webhookMiddleware } from './fal/webhooks/webhook-middleware.js';
export { RedisEvictionPolicyError, type EvictionRisk } from './guard/ledgers/redis-eviction-policy-error.js';
