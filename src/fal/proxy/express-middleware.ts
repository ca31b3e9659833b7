import { InvalidOptionError } from '../../core/errors/invalid-option-error.js';
import type { CoreBudgetGuard as BudgetGuard } from '../../guard/guard-types.js';
import {
  planProxyExchange, resolveProxyOptions, type IncomingProxyRequest, type Observer, type ProxyGuardOptions,
} from './proxy-guard.js';
import { readJsonBody } from './request-body.js';

/* The parts of Express's req/res the middleware uses (typed here so the package needs no express types). */
interface ExpressRequestLike extends AsyncIterable<Uint8Array | string> {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** Node's headers as received, names and values alternating: the only place a repeated header shows. */
  readonly rawHeaders?: readonly string[];
  /** Whether the whole request, body included, has been received. */
  readonly complete: boolean;
  body?: unknown;
}
interface ExpressResponseLike {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableFinished: boolean;
  setHeader(name: string, value: string): unknown;
  status(code: number): ExpressResponseLike;
  json(body: unknown): unknown;
  write(...args: unknown[]): boolean;
  end(...args: unknown[]): unknown;
  once(event: 'finish' | 'close', listener: () => void): unknown;
  destroy(): unknown;
}
type Next = (error?: unknown) => void;

/* Declared as a method so that Express's own (narrower) handler types are accepted. */
interface ProxyHandler<Req> {
  handle(request: Req, response: ExpressResponseLike, next: Next): unknown;
}

export interface ExpressGuardOptions<Req> extends ProxyGuardOptions<Req> {
  /**
   * The proxy's handler, `createHandler()` of @fal-ai/server-proxy/express, called by the
   * middleware for each request it forwards. Its rejection (fal dropped the connection: its fetch
   * rejects inside an async handler, which ends an Express 4 process) is caught: the answer is a
   * 502 `proxy_failed` and the hold is kept, as for any exchange that broke off. Without it, mount
   * the handler after the middleware, and such a rejection is the app's to handle.
   */
  readonly handler?: ProxyHandler<Req>['handle'];
}

const TARGET_HEADER = 'x-fal-target-url';

/** The most of a proxied answer the middleware reads (fal's queue answers are small JSON). */
const ANSWER_CAP_BYTES = 1 << 20;

function targetUrls(request: ExpressRequestLike): string[] {
  if (request.rawHeaders) {
    const values: string[] = [];
    for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
      if (request.rawHeaders[index]!.toLowerCase() === TARGET_HEADER) values.push(request.rawHeaders[index + 1]!);
    }
    return values;
  }
  const value = request.headers[TARGET_HEADER];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function header(request: ExpressRequestLike, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The rule body-parsers use (type-is's hasBody): a length over zero, or a chunked body. */
function hasBody(request: ExpressRequestLike): boolean {
  const length = header(request, 'content-length');
  return header(request, 'transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

/**
 * Copies what the proxy writes, then reports the status and body once the answer is sent.
 * Returns the way to report, first, that the exchange broke off (what is written after that
 * is not fal's answer).
 */
function observe(response: ExpressResponseLike, observer: Observer): () => void {
  const chunks: Uint8Array[] = [];
  const encoder = new TextEncoder();
  let size = 0;
  let overflow = false;
  const keep = (chunk: unknown) => {
    if (!observer.needsBody || overflow || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk instanceof Uint8Array ? chunk : undefined;
    if (bytes === undefined) return;
    size += bytes.byteLength;
    if (size > ANSWER_CAP_BYTES) overflow = true;
    else chunks.push(bytes.slice());
  };
  const write = response.write.bind(response);
  const end = response.end.bind(response);
  response.write = (...args: unknown[]) => {
    keep(args[0]);
    return write(...args);
  };
  response.end = (...args: unknown[]) => {
    keep(args[0]);
    return end(...args);
  };
  let reported = false;
  const report = (status: number | undefined) => {
    if (reported) return;
    reported = true;
    let text: string | undefined;
    if (!overflow) {
      const joined = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        joined.set(chunk, offset);
        offset += chunk.byteLength;
      }
      text = new TextDecoder().decode(joined);
    }
    void observer.done(status, text);
  };
  response.once('finish', () => report(response.statusCode));
  response.once('close', () => report(response.writableFinished ? response.statusCode : undefined));
  return () => report(undefined);
}

/**
 * The proxy handler failed before fal's answer was sent: say so with a 502 (after the outcome
 * was reported unknown, so the answer cannot settle anything), or cut a half-sent answer off.
 */
function answerBrokenExchange(response: ExpressResponseLike, error: unknown): void {
  try {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    response.status(502).json({
      error: { code: 'proxy_failed', message: `the exchange with fal broke off (${reason}); its hold is kept, as fal may have started the request` },
    });
  } catch {
    response.destroy();
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Express middleware for an app that proxies its browser's fal calls with @fal-ai/server-proxy.
 * Mount it on the proxy route (with or without express.json() before it) and give it the proxy's
 * handler as `handler`, so a rejection inside that handler is answered, not fatal. A
 * submission over budget is answered 402 with the quote and what remains, and nothing is
 * forwarded; submissions within budget are reserved, and status and result polls through the
 * proxy settle their holds. Every request it forwards carries exactly the body it priced, no
 * body at all for HEAD, GET and OPTIONS (HEAD goes to fal as a GET), and
 * `x-fal-disable-fallbacks: true` unless `allowFallbacks` is set.
 *
 *   app.all('/api/fal/proxy', express.json(), budgetMiddleware(guard, { context: (req: express.Request) => ({ user: req.user.id }), handler: createHandler() }));
 */
export function budgetMiddleware<Req extends ExpressRequestLike = ExpressRequestLike>(guard: BudgetGuard, options: ExpressGuardOptions<Req> = {}) {
  const resolved = resolveProxyOptions(options);
  const { handler } = options;
  if (handler !== undefined && typeof handler !== 'function') {
    throw new InvalidOptionError('handler', 'must be the proxy\'s Express handler, e.g. createHandler() of @fal-ai/server-proxy/express');
  }
  return (request: Req, response: ExpressResponseLike, next: Next): void => {
    const handle = async () => {
      const incoming: IncomingProxyRequest<Req> = {
        request,
        method: request.method,
        targetUrls: targetUrls(request),
        contentType: header(request, 'content-type'),
        hasBody: hasBody(request),
        // express.json() (or another parser) may have read the body already; the proxy sends JSON.stringify(req.body).
        readBody: (limit) => (request.body !== undefined ? Promise.resolve(request.body) : readJsonBody(request, limit)),
      };
      const plan = await planProxyExchange(guard, incoming, resolved);
      if (plan.action === 'respond') {
        // A body left unread (refused before reading, or over the limit) ends with the connection.
        if (!request.complete) response.setHeader('connection', 'close');
        response.status(plan.status).json(plan.body);
        return;
      }
      // @fal-ai/server-proxy's Express adapter forwards request.method, JSON.stringify(request.body)
      // (except for GET) and every x-fal-* header of request.headers.
      request.method = plan.method;
      request.body = plan.body;
      if (plan.disableFallbacks) request.headers['x-fal-disable-fallbacks'] = 'true';
      const brokeOff = plan.observer ? observe(response, plan.observer) : undefined;
      if (handler === undefined) {
        next();
        return;
      }
      const failed = (error: unknown) => {
        brokeOff?.();
        answerBrokenExchange(response, error);
      };
      try {
        const pending = handler(request, response, next);
        if (isPromiseLike(pending)) pending.then(undefined, failed);
      } catch (error) {
        failed(error);
      }
    };
    handle().catch(next);
  };
}
