import type { CoreBudgetGuard as BudgetGuard } from '../../guard/guard-types.js';
import { chunksOf } from '../stream-chunks.js';
import { collectBody } from './read-body.js';
import { refuse, webhookReceiver } from './webhook-receiver.js';
import type { WebhookAnswer, WebhookOptions } from './webhook-types.js';

const answer = ({ status, body }: WebhookAnswer) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * fal's webhooks for any fetch-style server (Next.js route handlers, Hono, workers): verifies the
 * delivery's Ed25519 signature over the exact body, then settles the hold linked to its request
 * id in the guard's ledger, from whichever instance submitted it.
 *
 *   export const POST = webhookHandler(guard, { onEvent: (event) => log(event) });
 */
export function webhookHandler(guard: BudgetGuard, options: WebhookOptions = {}): (request: Request) => Promise<Response> {
  const receive = webhookReceiver(guard, options);
  return async (request) => {
    if (request.method.toUpperCase() !== 'POST') return answer(refuse(405, 'method_not_allowed', 'fal delivers webhooks with POST'));
    return answer(await receive({
      header: (name) => request.headers.get(name) ?? undefined,
      readBody: (limit) => collectBody(chunksOf(request.body), limit),
    }));
  };
}
