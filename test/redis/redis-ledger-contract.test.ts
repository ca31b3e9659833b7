import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { redisLedger } from '../../src/guard/ledgers/redis-ledger.js';
import { describeLedgerContract } from '../support/ledger-contract.js';
import { describeWithRedis, startRedis, uniquePrefix } from './support/redis-server.js';

describeWithRedis('Redis ledger: the same contract as the memory ledger', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let ioredis: Redis;
  let prefixed: Redis;
  let nodeRedis: ReturnType<typeof createClient>;

  beforeAll(async () => {
    redis = await startRedis();
    ioredis = new Redis(redis.url);
    prefixed = new Redis(redis.url, { keyPrefix: 'someapp:' });
    nodeRedis = createClient({ url: redis.url });
    await nodeRedis.connect();
  });

  afterAll(async () => {
    await ioredis?.quit();
    await prefixed?.quit();
    await nodeRedis?.quit();
    await redis?.stop();
  });

  // Each test gets a fresh prefix: an empty ledger in the same Redis.
  describeLedgerContract('redisLedger({ url })', () => redisLedger({ url: redis.url, prefix: uniquePrefix('url') }));
  describeLedgerContract('redisLedger({ client: ioredis })', () => redisLedger({ client: ioredis, prefix: uniquePrefix('ioredis') }));
  // ioredis prepends keyPrefix to declared KEYS only; the scripts must still find every key.
  describeLedgerContract('redisLedger({ client: ioredis with keyPrefix })', () => redisLedger({ client: prefixed, prefix: uniquePrefix('key-prefix') }));
  describeLedgerContract('redisLedger({ client: node-redis })', () => redisLedger({ client: nodeRedis, prefix: uniquePrefix('node-redis') }));
});
