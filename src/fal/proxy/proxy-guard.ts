import {
  BudgetExceededError, FalBudgetError, InvalidRequestError, LedgerUnavailableError,
} from '../../core/errors/index.js';
import type { CallContext } from '../../guard/budget-spec.js';
import type { BudgetGuard, Reservation } from '../../guard/guard-types.js';
import { outcomeOfResult, outcomeOfStart, outcomeOfStatus, type Outcome } from '../settlement.js';
import { classifyTarget } from './fal-target.js';

export interface ProxyGuardOptions<Req> {
  /** The budget context of a proxied call (e.g. the signed-in user), read from your request. */
  readonly context?: (request: Req) => CallContext | Promise<CallContext>;
  /** Pricing provider of the proxied endpoints. Default "fal". */
  readonly provider?: string;
}

/** How the proxied answer is read once it has been sent: status, and the body when needed. */
export interface Observer {
  readonly needsBody: boolean;
  /** `status` undefined: the exchange broke off, the outcome is unknown. */
  done(status: number | undefined, body: string | undefined): Promise<void>;
}

export type ProxyDecision =
  | { readonly action: 'respond'; readonly status: number; readonly body: unknown }
  | { readonly action: 'forward'; readonly observer: Observer | undefined };

export interface ProxyExchange {
  readonly method: string;
  readonly targetUrl: string | undefined;
  /** The parsed JSON body (undefined for none). */
  readonly body: unknown;
  readonly context: CallContext | undefined;
  readonly provider: string;
}

function errorJson(error: FalBudgetError) {
  return {
    code: error.code,
    message: error.message,
    ...(error instanceof InvalidRequestError ? { issues: error.issues } : {}),
  };
}

/** The 402 body: the refusal, the quote and what remains, so a client can show it to a person. */
export function refusalBody(error: BudgetExceededError) {
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

async function reserveOrRespond(guard: BudgetGuard, endpoint: string, exchange: ProxyExchange): Promise<Reservation | ProxyDecision> {
  try {
    return await guard.reserve(endpoint, exchange.body, { context: exchange.context, provider: exchange.provider });
  } catch (error) {
    if (error instanceof BudgetExceededError) return { action: 'respond', status: 402, body: refusalBody(error) };
    if (error instanceof LedgerUnavailableError) return { action: 'respond', status: 503, body: { error: errorJson(error) } };
    // Invalid input, unknown endpoints, a missing budget context: refused before anything is sent.
    if (error instanceof FalBudgetError) return { action: 'respond', status: 400, body: { error: errorJson(error) } };
    throw error;
  }
}

/**
 * Decides one proxied exchange: refuse it (nothing is forwarded), or forward it and read the
 * answer to settle holds. Submits keep their hold under the request id from the answer; status
 * and result polls settle it; a run is settled by its own answer.
 */
export async function decideProxyExchange(guard: BudgetGuard, exchange: ProxyExchange): Promise<ProxyDecision> {
  if (exchange.targetUrl === undefined) return { action: 'forward', observer: undefined };
  const target = classifyTarget(exchange.method, exchange.targetUrl);
  const settleRequest = async (requestId: string, outcome: Outcome) => {
    if (outcome === 'hold') return;
    try {
      await guard.settleRequest(requestId, outcome);
    } catch (error) {
      guard.warn({ code: 'settle_failed', message: `could not ${outcome} the hold of request ${requestId}: ${error instanceof Error ? error.message : String(error)}`, cause: error });
    }
  };
  const settle = async (reservation: Reservation, outcome: Outcome) => {
    if (outcome === 'hold') return;
    try {
      await (outcome === 'commit' ? reservation.commit() : reservation.release());
    } catch (error) {
      guard.warn({ code: 'settle_failed', message: `could not ${outcome} hold ${reservation.holdId}: ${error instanceof Error ? error.message : String(error)}`, cause: error });
    }
  };

  switch (target.kind) {
    case 'submit': {
      const reserved = await reserveOrRespond(guard, target.endpoint, exchange);
      if (!('holdId' in reserved)) return reserved;
      return {
        action: 'forward',
        observer: {
          needsBody: true,
          async done(status, text) {
            const answer = parseJson(text) as { request_id?: unknown } | undefined;
            if (status !== undefined && status >= 200 && status < 300 && typeof answer?.request_id === 'string') {
              try {
                await reserved.attachRequest(answer.request_id);
              } catch (error) {
                guard.warn({ code: 'settle_failed', message: `could not link request ${answer.request_id} to hold ${reserved.holdId}; it counts as spent when it expires: ${error instanceof Error ? error.message : String(error)}`, cause: error });
              }
              return;
            }
            await settle(reserved, outcomeOfStart(status, 'submit', isJsonObject(text)));
          },
        },
      };
    }
    case 'run': {
      const reserved = await reserveOrRespond(guard, target.endpoint, exchange);
      if (!('holdId' in reserved)) return reserved;
      // A stream's body is not read (that would hold it back), so a failed stream stays held.
      return {
        action: 'forward',
        observer: {
          needsBody: !target.streaming,
          done: (status, text) => settle(reserved, outcomeOfStart(status, 'run', !target.streaming && isJsonObject(text))),
        },
      };
    }
    case 'status':
      return {
        action: 'forward',
        observer: {
          needsBody: true,
          done: (status, text) => settleRequest(target.requestId, status !== undefined && status >= 200 && status < 300 ? outcomeOfStatus(parseJson(text)) : 'hold'),
        },
      };
    case 'result':
      return { action: 'forward', observer: { needsBody: true, done: (status, text) => settleRequest(target.requestId, outcomeOfResult(status, isJsonObject(text))) } };
    case 'other':
      if (!target.spends) return { action: 'forward', observer: undefined };
      return {
        action: 'respond',
        status: 403,
        body: { error: { code: 'unguarded_target', message: `the budget guard cannot price ${exchange.method} ${exchange.targetUrl}; it is not forwarded` } },
      };
    default:
      // Cancels, status streams and storage uploads spend nothing and settle nothing here.
      return { action: 'forward', observer: undefined };
  }
}
