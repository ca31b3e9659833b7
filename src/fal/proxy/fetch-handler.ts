import type { CallContext } from '../../guard/budget-spec.js';
import type { BudgetGuard } from '../../guard/guard-types.js';
import { decideProxyExchange, type ProxyGuardOptions } from './proxy-guard.js';

export interface FetchGuardOptions<Args extends unknown[]> extends ProxyGuardOptions<Request> {
  /** Where the Request is among the handler's arguments. Default: the first (Next.js); Hono: (c) => c.req.raw. */
  readonly request?: (...args: Args) => Request;
}

const jsonResponse = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * Wraps a fetch-style proxy route handler (Request => Response), e.g. the Next.js route handler of
 * @fal-ai/server-proxy or a Hono handler. Over budget: 402 with the quote and what remains, and
 * the handler is never called. Otherwise the handler runs and its answer settles holds.
 *
 *   const proxy = createRouteHandler();
 *   export const POST = withBudget(proxy.POST, guard, { context: (req) => ({ user: userOf(req) }) });
 */
export function withBudget<Args extends unknown[]>(
  handler: (...args: Args) => Response | Promise<Response>,
  guard: BudgetGuard,
  options: FetchGuardOptions<Args> = {},
): (...args: Args) => Promise<Response> {
  return async (...args: Args): Promise<Response> => {
    const request = options.request ? options.request(...args) : (args[0] as Request);
    const targetUrl = request.headers.get('x-fal-target-url') ?? undefined;
    if (targetUrl === undefined) return handler(...args);
    const method = request.method.toUpperCase();
    let body: unknown;
    if (method !== 'GET' && method !== 'HEAD') {
      // A clone, so the handler can still read the body.
      const text = await request.clone().text();
      try {
        body = text.length === 0 ? undefined : JSON.parse(text);
      } catch {
        return jsonResponse(400, { error: { code: 'invalid_json', message: 'the request body is not valid JSON' } });
      }
    }
    const context: CallContext | undefined = options.context ? await options.context(request) : undefined;
    const decision = await decideProxyExchange(guard, { method, targetUrl, body, context, provider: options.provider ?? 'fal' });
    if (decision.action === 'respond') return jsonResponse(decision.status, decision.body);
    const { observer } = decision;
    let response: Response;
    try {
      response = await handler(...args);
    } catch (error) {
      await observer?.done(undefined, undefined);
      throw error;
    }
    if (observer) {
      const text = observer.needsBody ? await response.clone().text().catch(() => undefined) : undefined;
      await observer.done(response.status, text);
    }
    return response;
  };
}
