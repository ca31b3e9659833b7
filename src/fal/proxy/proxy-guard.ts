import {
  BudgetExceededError, FalBudgetError, InvalidRequestError, LedgerUnavailableError,
} from '../../core/errors/index.js';
import type { CallContext } from '../../guard/budget-spec.js';
import { InvalidOptionError } from '../../core/errors/invalid-option-error.js';
import type { CoreBudgetGuard as BudgetGuard, Reservation } from '../../guard/guard-types.js';
import { outcomeOfResult, outcomeOfStart, outcomeOfStatus, type Outcome } from '../settlement.js';
import { classifyTarget, READS, type FalTarget } from './fal-target.js';
import { ProxyRequestError } from './proxy-request-error.js';
import { DEFAULT_MAX_BODY_BYTES, requireJsonContentType } from './request-body.js';

export interface ProxyGuardOptions<Req> {
  /** The budget context of a proxied call (e.g. the signed-in user), read from your request. */
  readonly context?: (request: Req) => CallContext | Promise<CallContext>;
  /** Pricing provider of the proxied endpoints. Default "fal". */
  readonly provider?: string;
  /**
   * Let fal reroute a failing request to an "equivalent alternative endpoint". Default false:
   * every forwarded request carries `x-fal-disable-fallbacks: true`, so the model that runs is
   * the one priced. With true, the hold is still the requested endpoint's price.
   */
  readonly allowFallbacks?: boolean;
  /** The largest request body read, in bytes (a larger one is a 413). Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/** The options as the adapters use them, checked once when the middleware is made. */
export interface ResolvedProxyOptions<Req> {
  readonly context: ((request: Req) => CallContext | Promise<CallContext>) | undefined;
  readonly provider: string;
  readonly allowFallbacks: boolean;
  readonly maxBodyBytes: number;
}

export function resolveProxyOptions<Req>(options: ProxyGuardOptions<Req> | undefined): ResolvedProxyOptions<Req> {
  const { context, provider = 'fal', allowFallbacks = false, maxBodyBytes = DEFAULT_MAX_BODY_BYTES } = options ?? {};
  if (context !== undefined && typeof context !== 'function') throw new InvalidOptionError('context', 'must be a function of the request');
  if (typeof provider !== 'string' || provider.length === 0) throw new InvalidOptionError('provider', 'must be a provider name like "fal"');
  if (typeof allowFallbacks !== 'boolean') throw new InvalidOptionError('allowFallbacks', 'must be true or false');
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) throw new InvalidOptionError('maxBodyBytes', 'must be a positive whole number of bytes');
  return { context, provider, allowFallbacks, maxBodyBytes };
}

/** How the proxied answer is read once it has been sent: status, and the body when needed. */
export interface Observer {
  readonly needsBody: boolean;
  /** `status` undefined: the exchange broke off, the outcome is unknown. */
  done(status: number | undefined, body: string | undefined): Promise<void>;
}

/** A request to the proxy as an adapter sees it, in terms any runtime has. */
export interface IncomingProxyRequest<Req> {
  readonly request: Req;
  readonly method: string;
  /** Every x-fal-target-url value received: exactly one is read, none or several are refused. */
  readonly targetUrls: readonly string[];
  readonly contentType: string | undefined;
  /** Whether the request carries a body (a length over 0, or a chunked body). */
  readonly hasBody: boolean;
  /** The body as JSON (undefined when empty): parsed by the framework, or read here. */
  readBody(limit: number): Promise<unknown>;
}

export type ProxyPlan =
  | { readonly action: 'respond'; readonly status: number; readonly body: unknown }
  | {
    readonly action: 'forward';
    /** The method to forward: HEAD goes out as GET (the framework drops the body of the answer). */
    readonly method: string;
    /** What the proxy must send as the body: the JSON text the guard priced; undefined sends none. */
    readonly bodyText: string | undefined;
    /** The parsed form of bodyText, for adapters (Express) whose proxy serializes req.body itself. */
    readonly body: unknown;
    readonly disableFallbacks: boolean;
    readonly observer: Observer | undefined;
  };

function errorJson(error: FalBudgetError) {
  return {
    code: error.code,
    message: error.message,
    ...(error instanceof InvalidRequestError ? { issues: error.issues } : {}),
    ...(error instanceof ProxyRequestError ? { field: error.field } : {}),
  };
}

/** The 402 body: the refusal, the quote and what remains, so a client can show it to a person. */
function refusalBody(error: BudgetExceededError) {
  return {
    error: { code: error.code, message: error.message },
    quote: error.quote,
    amount: error.amount,
    budget: error.budget,
    limit: error.limit,
    spent: error.spent,
    reserved: error.reserved,
    remaining: error.remaining,
  };
}

/** The answer to a refused request; undefined for an error that is not ours (a bug: rethrown). */
function answerFor(error: unknown): ProxyPlan | undefined {
  if (error instanceof BudgetExceededError) return { action: 'respond', status: 402, body: refusalBody(error) };
  if (error instanceof LedgerUnavailableError) return { action: 'respond', status: 503, body: { error: errorJson(error) } };
  if (error instanceof ProxyRequestError) return { action: 'respond', status: error.status, body: { error: errorJson(error) } };
  // Invalid input, unknown endpoints, a missing budget context: refused before anything is sent.
  if (error instanceof FalBudgetError) return { action: 'respond', status: 400, body: { error: errorJson(error) } };
  return undefined;
}

/** fal answers errors with a JSON object; a proxy's own failure page is not one. */
function isJsonObject(text: string | undefined): boolean {
  const value = parseJson(text);
  return typeof value === 'object' && value !== null;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function targetOf(incoming: IncomingProxyRequest<unknown>): FalTarget {
  const [targetUrl, ...more] = incoming.targetUrls;
  if (targetUrl === undefined || targetUrl.length === 0) {
    throw new ProxyRequestError('missing_target', 'x-fal-target-url', 'the header naming the fal URL to call is missing');
  }
  if (more.length > 0) throw new ProxyRequestError('invalid_target', 'x-fal-target-url', `is given ${incoming.targetUrls.length} times; exactly one is read`);
  return classifyTarget(incoming.method, targetUrl);
}

/**
 * The body exactly as it will go out, and as it is priced: the JSON text of the value, and that
 * text parsed back. Whatever the framework parsed (a getter, a toJSON, a BigInt), the guard
 * quotes the very bytes the proxy sends, or refuses.
 */
function sentForm(value: unknown): { readonly text: string | undefined; readonly value: unknown } {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new ProxyRequestError('invalid_json', 'body', `cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { text, value: text === undefined ? undefined : JSON.parse(text) };
}

/**
 * Decides one proxied request: refuse it (nothing is forwarded), or forward it with the body
 * priced and read the answer to settle holds. A submit keeps its hold under the request id and
 * app of its answer; a status or result poll of the same app settles it; a run is settled by
 * its own answer. Reads carry no body (with HEAD/GET bodies, @fal-ai/server-proxy's fetch throws).
 */
export async function planProxyExchange<Req>(
  guard: BudgetGuard, incoming: IncomingProxyRequest<Req>, options: ResolvedProxyOptions<Req>,
): Promise<ProxyPlan> {
  try {
    const target = targetOf(incoming);
    const method = incoming.method.toUpperCase();
    const forwardAs = method === 'HEAD' ? 'GET' : method;
    let sent: { readonly text: string | undefined; readonly value: unknown } = { text: undefined, value: undefined };
    if (!READS.has(method)) {
      if (incoming.hasBody) requireJsonContentType(incoming.contentType);
      sent = sentForm(await incoming.readBody(options.maxBodyBytes));
    }
    // A HEAD's answer has no body to read: it settles nothing.
    const observer = method === 'HEAD' ? undefined : await observerFor(guard, target, sent.value, incoming.request, options);
    return { action: 'forward', method: forwardAs, bodyText: sent.text, body: sent.value, disableFallbacks: !options.allowFallbacks, observer };
  } catch (error) {
    const answer = answerFor(error);
    if (answer === undefined) throw error;
    return answer;
  }
}

async function observerFor<Req>(
  guard: BudgetGuard, target: FalTarget, body: unknown, request: Req, options: ResolvedProxyOptions<Req>,
): Promise<Observer | undefined> {
  const warnSettle = (message: string, cause?: unknown) =>
    guard.warn({ code: 'settle_failed', message: cause === undefined ? message : `${message}: ${cause instanceof Error ? cause.message : String(cause)}`, cause });
  const settleRequest = async (requestId: string, app: string, outcome: Outcome) => {
    if (outcome === 'hold') return;
    try {
      const result = await guard.settleRequest(requestId, outcome, { app });
      if (result === 'endpoint_mismatch') warnSettle(`a poll of request ${requestId} under ${app} settled nothing: the request was submitted under another app`);
    } catch (error) {
      warnSettle(`could not ${outcome} the hold of request ${requestId}`, error);
    }
  };
  const settle = async (reservation: Reservation, outcome: Outcome) => {
    if (outcome === 'hold') return;
    try {
      await (outcome === 'commit' ? reservation.commit() : reservation.release());
    } catch (error) {
      warnSettle(`could not ${outcome} hold ${reservation.holdId}`, error);
    }
  };
  const reserve = async (endpoint: string) => {
    const context = options.context ? await options.context(request) : undefined;
    return guard.reserve(endpoint, body, { context, provider: options.provider });
  };

  switch (target.kind) {
    case 'submit': {
      const reserved = await reserve(target.endpoint);
      return {
        needsBody: true,
        async done(status, text) {
          const answer = parseJson(text) as { request_id?: unknown } | undefined;
          if (status !== undefined && status >= 200 && status < 300 && typeof answer?.request_id === 'string') {
            try {
              await reserved.attachRequest(answer.request_id, target.app);
            } catch (error) {
              warnSettle(`could not link request ${answer.request_id} to hold ${reserved.holdId}; it counts as spent when it expires`, error);
            }
            return;
          }
          // Each POST the browser's client sends (a retry too) is its own hold: a 429 or fal's 5xx releases it.
          await settle(reserved, outcomeOfStart(status, 'submit', isJsonObject(text)));
        },
      };
    }
    case 'run': {
      const reserved = await reserve(target.endpoint);
      // A stream's body is not read (that would hold it back), so a failed stream stays held.
      return {
        needsBody: !target.streaming,
        done: (status, text) => settle(reserved, outcomeOfStart(status, 'run', !target.streaming && isJsonObject(text))),
      };
    }
    case 'status':
      return {
        needsBody: true,
        done: (status, text) => settleRequest(target.requestId, target.app, status !== undefined && status >= 200 && status < 300 ? outcomeOfStatus(parseJson(text)) : 'hold'),
      };
    case 'result':
      return { needsBody: true, done: (status, text) => settleRequest(target.requestId, target.app, outcomeOfResult(status, isJsonObject(text))) };
    default:
      // Cancels, status streams, storage uploads and other reads spend nothing and settle nothing here.
      return undefined;
  }
}
