import { FalBudgetError } from '../../core/errors/fal-budget-error.js';
import type { VerifyKey } from './webhook-signature.js';

/**
 * fal's webhook public keys, from one or more JWKS URLs. Keys are kept at most `maxAgeMs` (24 h:
 * fal's own advice), then fetched again. When no cached key verifies a delivery the keys may have
 * rotated, so they are fetched once more, but at most once per `refetchIntervalMs` however many
 * deliveries fail: a flood of forged requests costs the JWKS host one request per interval.
 */

export const FAL_JWKS_URLS: readonly string[] = [
  'https://rest.alpha.fal.ai/.well-known/jwks.json',
  'https://rest.fal.ai/.well-known/jwks.json',
];

export interface JwksCacheOptions {
  readonly urls: readonly string[];
  readonly fetch: typeof fetch;
  readonly maxAgeMs: number;
  readonly refetchIntervalMs: number;
  readonly timeoutMs: number;
}

/** The keys could not be fetched from any URL: a delivery can be neither accepted nor refused. */
export class JwksUnavailableError extends FalBudgetError {
  override name = 'JwksUnavailableError';

  constructor(message: string) {
    super('jwks_unavailable', message);
  }
}

interface Loaded {
  readonly keys: readonly VerifyKey[];
  readonly at: number;
}

/** base64url (padding allowed, as fal's JWKS may carry it) to bytes; undefined when malformed. */
function base64UrlBytes(text: string): Uint8Array | undefined {
  const bare = text.replace(/=+$/, '');
  // 4n+1 characters encode no whole byte: atob throws on them ("Invalid character").
  if (!/^[A-Za-z0-9_-]*$/.test(bare) || bare.length % 4 === 1) return undefined;
  let binary: string;
  try {
    binary = atob(bare.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(bare.length / 4) * 4, '='));
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** One JWKS entry as a verify key; undefined for any other key, or a malformed one. */
async function importKey(jwk: unknown): Promise<VerifyKey | undefined> {
  const { kty, crv, x } = (typeof jwk === 'object' && jwk !== null ? jwk : {}) as { kty?: unknown; crv?: unknown; x?: unknown };
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string') return undefined;
  const raw = base64UrlBytes(x);
  if (raw?.length !== 32) return undefined;
  return crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']).catch(() => undefined);
}

/** The Ed25519 keys of one JWKS document: a key that cannot be read is skipped, never the whole set. */
async function importKeys(document: unknown): Promise<VerifyKey[]> {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error('the answer has no "keys" array');
  const imported: VerifyKey[] = [];
  for (const jwk of keys) {
    // Whatever goes wrong with one key must not cost the others.
    const key = await importKey(jwk).catch(() => undefined);
    if (key) imported.push(key);
  }
  return imported;
}

export class JwksCache {
  private loaded: Loaded | undefined;
  private inflight: Promise<Loaded> | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: JwksCacheOptions) {}

  /** The cached keys, fetched first when there are none or they are older than maxAgeMs. */
  async keys(now: number): Promise<readonly VerifyKey[]> {
    const loaded = this.loaded;
    if (loaded && now - loaded.at < this.options.maxAgeMs && now >= loaded.at) return loaded.keys;
    // Nothing usable is cached: fetch, but a failed fetch is not retried before the interval.
    if (now - this.lastAttemptAt < this.options.refetchIntervalMs && !this.inflight) {
      throw new JwksUnavailableError(`fal's webhook keys could not be fetched (last tried ${Math.round((now - this.lastAttemptAt) / 1000)} s ago)`);
    }
    return (await this.refresh(now)).keys;
  }

  /**
   * Keys fetched again because none verified a delivery; undefined when a fetch already ran
   * within the refetch interval (the keys in hand are as fresh as this receiver allows).
   */
  async refetch(now: number): Promise<readonly VerifyKey[] | undefined> {
    if (this.inflight) return (await this.inflight).keys;
    if (now - this.lastAttemptAt < this.options.refetchIntervalMs) return undefined;
    return (await this.refresh(now)).keys;
  }

  private refresh(now: number): Promise<Loaded> {
    if (this.inflight) return this.inflight;
    this.lastAttemptAt = now;
    this.inflight = this.load(now).then(
      (loaded) => {
        this.loaded = loaded;
        return loaded;
      },
    ).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Every URL at once; the keys of those that answered. Only when none answers is it an error. */
  private async load(now: number): Promise<Loaded> {
    const results = await Promise.allSettled(this.options.urls.map((url) => this.fetchKeys(url)));
    const failures: string[] = [];
    const keys: VerifyKey[] = [];
    let answered = false;
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') {
        answered = true;
        keys.push(...result.value);
      } else {
        failures.push(`${this.options.urls[index]}: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
      }
    });
    if (!answered) throw new JwksUnavailableError(`fal's webhook keys could not be fetched (${failures.join('; ')})`);
    return { keys, at: now };
  }

  private async fetchKeys(url: string): Promise<VerifyKey[]> {
    const response = await this.options.fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.options.timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    let document: unknown;
    try {
      document = await response.json();
    } catch (error) {
      throw new Error(`not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    return importKeys(document);
  }
}
