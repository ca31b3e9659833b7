import { LedgerUnavailableError } from '../../core/errors/index.js';

/**
 * Why a Redis is not trusted with budgets: it may evict keys (`evicting`), or it would not say
 * (`unverified`: CONFIG GET is not allowed and `assumeNoEviction` was not given).
 */
export type EvictionRisk = 'evicting' | 'unverified';

/**
 * The Redis the ledger connected to may delete budget keys under memory pressure: a budget whose
 * key is evicted reads as zero spent and would be spent again. A kind of LedgerUnavailableError
 * (code `ledger_unavailable`): the guard refuses every call until the policy is `noeviction`.
 */
export class RedisEvictionPolicyError extends LedgerUnavailableError {
  override name = 'RedisEvictionPolicyError';
  readonly risk: EvictionRisk;
  /** The server's `maxmemory-policy`, when it could be read. */
  readonly policy: string | undefined;

  constructor(message: string, details: { location: string; risk: EvictionRisk; policy?: string; cause?: unknown }) {
    super(message, { ledger: 'redis', location: details.location, cause: details.cause });
    this.risk = details.risk;
    this.policy = details.policy;
  }
}
