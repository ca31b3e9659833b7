import { Redis, type Command, type RedisOptions } from 'ioredis';

/**
 * Commands that read and never change a key. A ledger's scripts run as EVAL_RO / EVALSHA_RO,
 * which Redis itself refuses to let write. Everything else (HSET, DEL, CONFIG SET, FLUSHALL,
 * SCRIPT FLUSH, ...) is refused before it is sent, so `fal-budget ledger` cannot change a Redis ledger
 * whatever the ledger code asks for.
 */
const READS = new Set([
  'get', 'mget', 'strlen', 'exists', 'type', 'ttl', 'pttl', 'expiretime', 'pexpiretime', 'dump',
  'hget', 'hmget', 'hgetall', 'hkeys', 'hvals', 'hlen', 'hexists', 'hscan',
  'smembers', 'sismember', 'scard', 'sscan',
  'zrange', 'zrangebyscore', 'zrevrange', 'zrevrangebyscore', 'zscore', 'zmscore', 'zcard', 'zcount', 'zrank', 'zscan',
  'lrange', 'llen', 'lindex', 'xrange', 'xrevrange', 'xlen', 'xinfo', 'scan',
  'eval_ro', 'evalsha_ro', 'fcall_ro',
  // The connection itself: log in, pick the database, the ready check.
  'auth', 'hello', 'select', 'info', 'ping', 'echo', 'time', 'quit',
]);

/** Scripts, made read-only: Redis fails a read-only script that tries to write. */
const TO_READ_ONLY: Readonly<Record<string, string>> = { eval: 'eval_ro', evalsha: 'evalsha_ro' };

function allowed(command: Command): boolean {
  const name = command.name.toLowerCase();
  const readOnly = TO_READ_ONLY[name];
  if (readOnly !== undefined) {
    command.name = readOnly;
    return true;
  }
  // SCRIPT LOAD and EXISTS only touch the script cache; FLUSH and KILL are refused.
  if (name === 'script') return /^(load|exists)$/i.test(String(command.args[0]));
  // CONFIG GET: the Redis ledger reads maxmemory-policy before it trusts a server.
  if (name === 'config') return /^get$/i.test(String(command.args[0]));
  return READS.has(name);
}

/** An ioredis client that can only read: for operators looking inside a live ledger. */
export class ReadOnlyRedis extends Redis {
  constructor(url: string, options: RedisOptions) {
    // No CLIENT SETINFO: it is not a read, and an operator's look needs no client name.
    super(url, { ...options, disableClientInfo: true });
  }

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    if (!allowed(command)) {
      command.reject(new Error(`${command.name.toUpperCase()} refused: fal-budget ledger opens Redis read-only`));
      return command.promise;
    }
    return super.sendCommand(command, stream);
  }
}
