import * as z from 'zod/mini';
import { outcomeOfResult } from '../settlement.js';

/**
 * The body fal POSTs to a queue request's webhook URL. Loose: fields fal adds later are kept,
 * and only what settles a hold is required.
 */
export const webhookBodySchema = z.looseObject({
  request_id: z.string().check(z.minLength(1, 'request_id is empty')),
  gateway_request_id: z.nullish(z.string()),
  status: z.enum(['OK', 'ERROR'], { error: 'status must be "OK" or "ERROR"' }),
  payload: z.optional(z.unknown()),
  error: z.optional(z.unknown()),
  payload_error: z.optional(z.unknown()),
});

export type WebhookBody = z.infer<typeof webhookBodySchema>;

/**
 * The HTTP status of fal's error text, read only from fal's exact form ("Invalid status code:
 * 422"): an app's own message that mentions a status ("Upstream replied with status code 503")
 * names none, so it is counted rather than released.
 */
function statusOfWebhookError(error: unknown): number | undefined {
  if (typeof error !== 'string') return undefined;
  const match = /^Invalid status code: ([1-5]\d\d)$/.exec(error);
  return match ? Number(match[1]) : undefined;
}

/**
 * What a verified delivery does to its hold. "OK" is a billed output (also with a payload_error:
 * the output exists, fal only failed to serialise it). "ERROR" follows the rules of the polling
 * paths (src/fal/settlement.ts): an error with a 5xx status is never billed and releases; a 422
 * may be billed and is counted. Where a poll would keep the hold (an error naming no status, or
 * another 4xx), the webhook is fal's final word on the request, so it is counted now rather than
 * left to count when the hold expires.
 */
export function settlementOfWebhook(body: WebhookBody): 'commit' | 'release' {
  if (body.status === 'OK') return 'commit';
  return outcomeOfResult(statusOfWebhookError(body.error)) === 'release' ? 'release' : 'commit';
}
