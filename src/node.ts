// fal-budget/node: what needs Node's filesystem, processes or network.
// Pricing tables of your own, from a directory.
export { loadPricingTables, loadPriceBook } from './tables/load-directory.js';
// A ledger file shared by the processes of one machine.
export { fileLedger, type FileLedgerOptions } from './guard/ledgers/file-ledger.js';
// One budget shared by every process, in Redis: ioredis (an optional peer) is loaded on first use
// of { url }; a node-redis or ioredis client of your own works without it.
export { redisLedger, type RedisLedgerOptions, type RedisLedgerClient } from './guard/ledgers/redis-ledger.js';
