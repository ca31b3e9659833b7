import { RedisEvictionPolicyError } from './redis-eviction-policy-error.js';

type Send = (args: readonly string[]) => Promise<unknown>;

const FIX = 'run `CONFIG SET maxmemory-policy noeviction` (and `CONFIG REWRITE`), or set `maxmemory-policy noeviction` in redis.conf';

/** The value of maxmemory-policy in a CONFIG GET reply: RESP2 [name, value], or RESP3 a map. */
function policyOf(reply: unknown): string | undefined {
  if (Array.isArray(reply)) {
    const index = reply.findIndex((item) => String(item) === 'maxmemory-policy');
    return index >= 0 && index + 1 < reply.length ? String(reply[index + 1]) : undefined;
  }
  if (reply instanceof Map) {
    const value = reply.get('maxmemory-policy');
    return value === undefined ? undefined : String(value);
  }
  if (typeof reply === 'object' && reply !== null && 'maxmemory-policy' in reply) return String((reply as Record<string, unknown>)['maxmemory-policy']);
  return undefined;
}

/** Redis refused the command itself (ACL `-config`, or CONFIG renamed or removed, as managed Redis does). */
function notAllowed(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /^NOPERM\b/.test(message) || /unknown (sub)?command/i.test(message);
}

/**
 * Refuses a Redis that may evict budget keys. Only `noeviction` is safe: under every other
 * policy a full Redis deletes keys (volatile-*: those with a TTL, which windowed budgets have),
 * and a deleted budget reads as nothing spent. Where CONFIG GET is not allowed, only the
 * caller's explicit `assumeNoEviction` lets the ledger proceed; a policy Redis does report
 * always wins over that declaration.
 */
export async function checkEvictionPolicy(send: Send, location: string, assumeNoEviction: boolean): Promise<void> {
  let reply: unknown;
  try {
    reply = await send(['CONFIG', 'GET', 'maxmemory-policy']);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Not an answer about CONFIG (Redis unreachable, slow): the operation fails closed as for any other command.
    if (!notAllowed(error)) throw new Error(`could not read maxmemory-policy: ${message}`, { cause: error });
    if (assumeNoEviction) return;
    throw unverified(location, `this Redis does not allow CONFIG GET (${message})`, error);
  }
  const policy = policyOf(reply);
  if (policy === 'noeviction') return;
  if (policy === undefined) {
    if (assumeNoEviction) return;
    throw unverified(location, `CONFIG GET maxmemory-policy answered no policy (${JSON.stringify(reply)})`);
  }
  throw new RedisEvictionPolicyError(
    `Redis ledger at ${location} refuses to run: maxmemory-policy is ${policy}, so under memory pressure Redis may delete budget keys and their spend would be counted again. Only noeviction is safe: ${FIX}.`,
    { location, risk: 'evicting', policy },
  );
}

function unverified(location: string, why: string, cause?: unknown): RedisEvictionPolicyError {
  return new RedisEvictionPolicyError(
    `Redis ledger at ${location} refuses to run: ${why}, so it cannot check that Redis never evicts budget keys. `
    + 'If its maxmemory-policy is noeviction (ask your provider), pass redisLedger({ ..., assumeNoEviction: true }).',
    { location, risk: 'unverified', cause },
  );
}
