import type { SettleResult } from '../../core/budget/ledger-types.js';
import { safeParseInEnglish } from '../../core/english-messages.js';
import { FalBudgetError } from '../../core/errors/fal-budget-error.js';
import { InvalidOptionError } from '../../core/errors/invalid-option-error.js';
import type { CoreBudgetGuard as BudgetGuard } from '../../guard/guard-types.js';
import { FAL_JWKS_URLS, JwksCache, JwksUnavailableError } from './jwks-cache.js';
import { settlementOfWebhook, webhookBodySchema, type WebhookBody } from './webhook-event.js';
import { signatureBytes, signedMessage, verifiedByAny } from './webhook-signature.js';
import type { WebhookAnswer, WebhookOptions } from './webhook-types.js';

/** One delivery as any framework hands it over: header lookup (any case) and the exact body bytes. */
export interface Delivery {
  header(name: string): string | undefined;
  /**
   * The exact body bytes (at most `limit`), or the answer to give instead (a 413, say). Asked
   * for only once the signature headers are there and the timestamp is fresh, so a request that
   * cannot be fal's costs no body read.
   */
  readBody(limit: number): Promise<Uint8Array | WebhookAnswer>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const JWKS_TIMEOUT_MS = 10_000;

const HEADERS = {
  requestId: 'x-fal-webhook-request-id',
  userId: 'x-fal-webhook-user-id',
  timestamp: 'x-fal-webhook-timestamp',
  signature: 'x-fal-webhook-signature',
} as const;

export const refuse = (status: number, code: string, message: string, extra: Record<string, unknown> = {}): WebhookAnswer =>
  ({ status, body: { error: { code, message, ...extra } } });

function positive(option: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new InvalidOptionError(option, `must be a whole number from 1 to ${max} (got ${String(value)})`);
  }
  return value;
}

function jwksUrls(value: unknown): readonly string[] {
  if (value === undefined) return FAL_JWKS_URLS;
  const urls = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(urls) || urls.length === 0) throw new InvalidOptionError('jwksUrl', 'must be a URL or a non-empty list of URLs');
  for (const url of urls) {
    if (typeof url !== 'string' || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new InvalidOptionError('jwksUrl', `must be http(s) URLs (got ${JSON.stringify(url)})`);
    }
  }
  return urls as string[];
}

function clockOf(now: unknown, guard: BudgetGuard): () => number {
  if (now === undefined) return () => guard.now();
  if (typeof now !== 'function') throw new InvalidOptionError('now', 'must be a function returning epoch milliseconds or a Date');
  return () => {
    const value: unknown = now();
    const ms = value instanceof Date ? value.getTime() : value;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new InvalidOptionError('now', `the clock returned ${String(value)}, not a time`);
    return ms;
  };
}

function parseBody(bytes: Uint8Array): { body: WebhookBody; text: string } | WebhookAnswer {
  let text: string;
  let json: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    json = JSON.parse(text);
  } catch (error) {
    return refuse(400, 'malformed_body', `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = safeParseInEnglish(webhookBodySchema, json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
    const first = issues[0]!;
    return refuse(400, 'malformed_body', `not a fal webhook body: ${first.path.join('.') || '(body)'}: ${first.message}`, { issues });
  }
  return { body: parsed.data, text };
}

/**
 * The framework-free core of webhookHandler and webhookMiddleware: verify a delivery, settle the
 * hold linked to its request id, answer. The cheap checks come first: the four headers and the
 * timestamp before the body is read, the body's size before any key is fetched. Refusals (401,
 * 400, 413) change nothing; so do the
 * answers that ask fal to deliver again (503: keys or ledger unreachable; 500: onEvent threw,
 * after the settlement, which a repeat does not redo).
 */
export function webhookReceiver(guard: BudgetGuard, options: WebhookOptions = {}): (delivery: Delivery) => Promise<WebhookAnswer> {
  if (typeof guard?.settleRequest !== 'function') throw new InvalidOptionError('guard', 'must be a budget guard (createBudgetGuard())');
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must be an object');
  const toleranceMs = positive('toleranceSeconds', options.toleranceSeconds, 300) * 1000;
  const maxAgeMs = positive('jwksMaxAgeMs', options.jwksMaxAgeMs, DAY_MS, DAY_MS);
  const refetchIntervalMs = positive('jwksRefetchIntervalMs', options.jwksRefetchIntervalMs, 60_000, maxAgeMs);
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
  const fetcher = options.fetch ?? globalThis.fetch;
  if (typeof fetcher !== 'function') throw new InvalidOptionError('fetch', 'must be a fetch function');
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') throw new InvalidOptionError('onEvent', 'must be a function');
  const clock = clockOf(options.now, guard);
  const jwks = new JwksCache({ urls: jwksUrls(options.jwksUrl), fetch: fetcher, maxAgeMs, refetchIntervalMs, timeoutMs: JWKS_TIMEOUT_MS });

  async function verified(signature: Uint8Array, message: Uint8Array, now: number): Promise<boolean> {
    if (await verifiedByAny(await jwks.keys(now), signature, message)) return true;
    // No cached key verifies: fal may have rotated its keys. One fetch per interval, at most.
    const fresh = await jwks.refetch(now);
    return fresh !== undefined && verifiedByAny(fresh, signature, message);
  }

  return async (delivery) => {
    const requestId = delivery.header(HEADERS.requestId);
    const userId = delivery.header(HEADERS.userId);
    const timestamp = delivery.header(HEADERS.timestamp);
    const signatureText = delivery.header(HEADERS.signature);
    const missing = Object.entries({ requestId, userId, timestamp, signatureText })
      .filter(([, value]) => value === undefined || value.length === 0)
      .map(([name]) => HEADERS[name === 'signatureText' ? 'signature' : (name as keyof typeof HEADERS)]);
    if (missing.length > 0) return refuse(401, 'missing_signature', `not a signed fal webhook: no ${missing.join(', ')} header`);
    if (!/^\d{1,12}$/.test(timestamp!)) return refuse(401, 'invalid_timestamp', `${HEADERS.timestamp} must be unix seconds (got ${JSON.stringify(timestamp)})`);
    let now: number;
    try {
      now = clock();
    } catch (error) {
      return refuse(500, 'clock_failed', error instanceof Error ? error.message : String(error));
    }
    const skewSeconds = Math.abs(now - Number(timestamp) * 1000) / 1000;
    if (skewSeconds * 1000 > toleranceMs) {
      return refuse(401, 'stale_timestamp', `the delivery's timestamp is ${Math.round(skewSeconds)} s from now; at most ${toleranceMs / 1000} s is accepted`);
    }
    const signature = signatureBytes(signatureText!);
    if (!signature) return refuse(401, 'invalid_signature', `${HEADERS.signature} must be 128 hex digits`);
    const bytes = await delivery.readBody(maxBodyBytes);
    if (!(bytes instanceof Uint8Array)) return bytes;
    // A body handed over whole (express.raw(), a verify callback's copy) was not read against the limit.
    if (bytes.byteLength > maxBodyBytes) return refuse(413, 'body_too_large', `the body is over ${maxBodyBytes} bytes`);

    const message = await signedMessage({ requestId: requestId!, userId: userId!, timestamp: timestamp! }, bytes);
    try {
      if (!(await verified(signature, message, now))) return refuse(401, 'invalid_signature', 'no key of fal\'s JWKS verifies the signature over this body');
    } catch (error) {
      if (error instanceof JwksUnavailableError) return refuse(503, error.code, error.message);
      throw error;
    }

    const parsed = parseBody(bytes);
    if ('status' in parsed) return parsed;
    const { body, text } = parsed;
    if (body.request_id !== requestId) {
      return refuse(400, 'request_id_mismatch', `the body's request_id ${JSON.stringify(body.request_id)} is not the signed ${HEADERS.requestId} ${JSON.stringify(requestId)}`);
    }
    const settlement = settlementOfWebhook(body);
    let result: SettleResult;
    try {
      result = await guard.settleRequest(requestId, settlement);
    } catch (error) {
      if (error instanceof FalBudgetError) return refuse(503, error.code, error.message);
      throw error;
    }
    if (options.onEvent) {
      try {
        await options.onEvent({ requestId, userId: userId!, timestamp: timestamp!, status: body.status, settlement, result, body, rawBody: text });
      } catch (error) {
        return refuse(500, 'on_event_failed', `onEvent threw after the hold was settled (${result}); fal will deliver again: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { status: 200, body: { ok: true, request_id: requestId, settlement, result } };
  };
}
