import type { CallContext } from '../../guard/budget-spec.js';
import type { BudgetGuard } from '../../guard/guard-types.js';
import { decideProxyExchange, type Observer, type ProxyGuardOptions } from './proxy-guard.js';

/* The parts of Express's req/res the middleware uses (typed here so the package needs no express types). */
interface ExpressRequestLike extends AsyncIterable<Uint8Array | string> {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}
interface ExpressResponseLike {
  statusCode: number;
  readonly writableFinished: boolean;
  status(code: number): ExpressResponseLike;
  json(body: unknown): unknown;
  write(...args: unknown[]): boolean;
  end(...args: unknown[]): unknown;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}
type Next = (error?: unknown) => void;

/** The most of a proxied answer the middleware reads (fal's queue answers are small JSON). */
const BODY_CAP_BYTES = 1 << 20;

async function readBody(request: ExpressRequestLike): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function header(request: ExpressRequestLike, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Copies what the proxy writes, then reports the status and body once the answer is sent. */
function observe(response: ExpressResponseLike, observer: Observer): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const keep = (chunk: unknown) => {
    if (!observer.needsBody || overflow || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > BODY_CAP_BYTES) overflow = true;
    else chunks.push(buffer);
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
    void observer.done(status, overflow ? undefined : Buffer.concat(chunks).toString('utf8'));
  };
  response.once('finish', () => report(response.statusCode));
  response.once('close', () => report(response.writableFinished ? response.statusCode : undefined));
}

/**
 * Express middleware for an app that proxies its browser's fal calls with @fal-ai/server-proxy.
 * Mount it before the proxy handler (after express.json()). A submission over budget is answered
 * 402 with the quote and what remains, and nothing is forwarded; submissions within budget are
 * reserved, and status and result polls through the proxy settle their holds.
 *
 *   app.all('/api/fal/proxy', express.json(), budgetMiddleware(guard, { context: (req) => ({ user: req.user.id }) }), createHandler());
 */
export function budgetMiddleware(guard: BudgetGuard, options: ProxyGuardOptions<ExpressRequestLike> = {}) {
  return (request: ExpressRequestLike, response: ExpressResponseLike, next: Next): void => {
    const handle = async () => {
      const targetUrl = header(request, 'x-fal-target-url');
      if (targetUrl === undefined) return next();
      const method = request.method.toUpperCase();
      let body = request.body;
      if (body === undefined && method !== 'GET' && method !== 'HEAD') {
        const text = await readBody(request);
        try {
          body = text.length === 0 ? undefined : JSON.parse(text);
        } catch {
          response.status(400).json({ error: { code: 'invalid_json', message: 'the request body is not valid JSON' } });
          return undefined;
        }
        request.body = body;
      }
      const context: CallContext | undefined = options.context ? await options.context(request) : undefined;
      const decision = await decideProxyExchange(guard, { method, targetUrl, body, context, provider: options.provider ?? 'fal' });
      if (decision.action === 'respond') {
        response.status(decision.status).json(decision.body);
        return undefined;
      }
      if (decision.observer) observe(response, decision.observer);
      return next();
    };
    handle().catch(next);
  };
}
