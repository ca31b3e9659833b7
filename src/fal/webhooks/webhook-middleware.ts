import type { CoreBudgetGuard as BudgetGuard } from '../../guard/guard-types.js';
import { collectBody } from './read-body.js';
import { refuse, webhookReceiver } from './webhook-receiver.js';
import type { WebhookAnswer, WebhookOptions } from './webhook-types.js';

/* The parts of Express's req/res the middleware uses (typed here so the package needs no express types). */
interface ExpressRequestLike extends AsyncIterable<Uint8Array | string> {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  /** Where express.json({ verify }) callbacks conventionally keep the bytes they saw. */
  rawBody?: unknown;
  /** Set by body-parser once it has read the stream. */
  _body?: unknown;
  readonly readableEnded?: boolean;
  /** Whether the whole request, body included, has been received. */
  readonly complete?: boolean;
}
interface ExpressResponseLike {
  setHeader(name: string, value: string): unknown;
  status(code: number): { json(body: unknown): unknown };
}
type Next = (error?: unknown) => void;

const RAW_BODY_GONE = 'a body parser already read this request (express.json() before webhookMiddleware), and the signature covers the exact bytes, which re-serialising the parsed body would not give back: mount webhookMiddleware before any body parser, or keep the bytes with express.json({ verify: (req, res, buf) => { req.rawBody = buf } })';

/** The exact bytes fal sent: from express.raw(), a verify callback's req.rawBody, or the stream itself. */
async function rawBodyOf(request: ExpressRequestLike, maxBodyBytes: number): Promise<Uint8Array | WebhookAnswer> {
  if (request.body instanceof Uint8Array) return request.body;
  if (request.rawBody instanceof Uint8Array) return request.rawBody;
  // A parser consumed the stream and left only its parse: refuse rather than guess the bytes.
  if (request._body === true || request.readableEnded === true) return refuse(500, 'raw_body_unavailable', RAW_BODY_GONE);
  return collectBody(request, maxBodyBytes);
}

/**
 * fal's webhooks for Express: reads the raw body itself, verifies the delivery's Ed25519
 * signature, then settles the hold linked to its request id in the guard's ledger.
 *
 *   app.post('/fal/webhook', webhookMiddleware(guard, { onEvent: (event) => log(event) }));
 */
export function webhookMiddleware(guard: BudgetGuard, options: WebhookOptions = {}) {
  const receive = webhookReceiver(guard, options);
  return (request: ExpressRequestLike, response: ExpressResponseLike, next: Next): void => {
    const handle = async () => {
      const answer: WebhookAnswer = request.method.toUpperCase() !== 'POST'
        ? refuse(405, 'method_not_allowed', 'fal delivers webhooks with POST')
        : await receive({
          header: (name) => {
            const value = request.headers[name];
            return Array.isArray(value) ? value[0] : value;
          },
          readBody: (limit) => rawBodyOf(request, limit),
        });
      // A body left unread (refused on its headers, or over the limit) ends with the connection.
      if (request.complete === false) response.setHeader('connection', 'close');
      response.status(answer.status).json(answer.body);
    };
    handle().catch(next);
  };
}
