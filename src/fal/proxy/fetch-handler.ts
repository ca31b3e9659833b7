import type { CoreBudgetGuard as BudgetGuard } from '../../guard/guard-types.js';
import { InvalidOptionError } from '../../core/errors/invalid-option-error.js';
import { planProxyExchange, resolveProxyOptions, type ProxyGuardOptions } from './proxy-guard.js';
import { chunksOf } from '../stream-chunks.js';
import { readJsonBody } from './request-body.js';

export interface FetchGuardOptions<Args extends unknown[]> extends ProxyGuardOptions<Request> {
  /** Where the Request is among the handler's arguments. Default: the first (Next.js). */
  readonly request?: (...args: Args) => Request;
  /**
   * Puts the guarded Request (the priced body, HEAD as GET, x-fal-disable-fallbacks set) where the
   * handler reads its request, e.g. Hono: `(request, c) => { c.req.raw = request; }`. Default: it
   * replaces the first argument. Required with `request`: the handler must never see the original.
   */
  readonly withRequest?: (request: Request, ...args: Args) => void;
}

const jsonResponse = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * Wraps a fetch-style proxy route handler (Request => Response), e.g. the Next.js route handler of
 * @fal-ai/server-proxy. Over budget: 402 with the quote and what remains, and the handler is never
 * called. Otherwise the handler gets a new Request carrying the body that was priced (as JSON
 * text), and its answer settles holds.
 *
 *   const proxy = createRouteHandler();
 *   export const POST = withBudget(proxy.POST, guard, { context: (req) => ({ user: userOf(req) }) });
 */
export function withBudget<Args extends unknown[]>(
  handler: (...args: Args) => Response | Promise<Response>,
  guard: BudgetGuard,
  options: FetchGuardOptions<Args> = {},
): (...args: Args) => Promise<Response> {
  const resolved = resolveProxyOptions(options);
  if (options.request !== undefined && typeof options.withRequest !== 'function') {
    throw new InvalidOptionError('withRequest', 'must be given with `request`: a function putting the guarded Request back among the handler\'s arguments');
  }
  const requestOf = options.request ?? ((...args: Args) => args[0] as Request);

  return async (...args: Args): Promise<Response> => {
    const request = requestOf(...args);
    const targets = request.headers.get('x-fal-target-url');
    const plan = await planProxyExchange(guard, {
      request,
      method: request.method,
      // Headers joins a repeated header with ", ": that is no exact URL, so classifyTarget refuses it.
      targetUrls: targets === null ? [] : [targets],
      contentType: request.headers.get('content-type') ?? undefined,
      hasBody: request.body !== null,
      readBody: (limit) => readJsonBody(chunksOf(request.body), limit),
    }, resolved);
    if (plan.action === 'respond') return jsonResponse(plan.status, plan.body);

    const headers = new Headers(request.headers);
    if (plan.disableFallbacks) headers.set('x-fal-disable-fallbacks', 'true');
    headers.delete('content-length');
    const guarded = new Request(request.url, { method: plan.method, headers, body: plan.bodyText, signal: request.signal });
    const { observer } = plan;
    let response: Response;
    try {
      let handed = args;
      if (options.withRequest) options.withRequest(guarded, ...args);
      else handed = [guarded, ...args.slice(1)] as Args;
      response = await handler(...handed);
    } catch (error) {
      await observer?.done(undefined, undefined);
      throw error;
    }
    if (observer) {
      const text = observer.needsBody ? await response.clone().text().catch(() => undefined) : undefined;
      await observer.done(response.status, text);
    }
    // A HEAD was forwarded as a GET: answer it as HEAD, with the headers and no body.
    if (request.method.toUpperCase() === 'HEAD') {
      await response.body?.cancel().catch(() => {});
      return new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    return response;
  };
}
