import type { Settlement, SettleResult } from '../../core/budget/ledger-types.js';
import type { WebhookBody } from './webhook-event.js';

export interface WebhookOptions {
  /** Where fal's public keys are. Default: fal's JWKS URLs (rest.alpha.fal.ai and rest.fal.ai). */
  readonly jwksUrl?: string | readonly string[];
  /** Used for the JWKS only. Default: globalThis.fetch. */
  readonly fetch?: typeof fetch;
  /** How far a delivery's timestamp may be from now, in seconds. Default 300. */
  readonly toleranceSeconds?: number;
  /** The clock (epoch ms or Date). Default: the guard's clock. */
  readonly now?: () => number | Date;
  /**
   * Called once per verified delivery, after its hold is settled (or found unknown). A hook that
   * throws makes the answer a 500, so fal delivers again; the repeat settles nothing twice.
   */
  readonly onEvent?: (event: WebhookEvent) => void | Promise<void>;
  /** How long fetched keys are used, in ms; at most (and by default) 24 hours. */
  readonly jwksMaxAgeMs?: number;
  /** The least time between two JWKS fetches caused by deliveries no key verifies, in ms. Default 60 000. */
  readonly jwksRefetchIntervalMs?: number;
  /** The largest body accepted, in bytes. Default 16 MiB. */
  readonly maxBodyBytes?: number;
}

/** One verified delivery, as `onEvent` sees it. */
export interface WebhookEvent {
  readonly requestId: string;
  /** X-Fal-Webhook-User-Id. */
  readonly userId: string;
  /** X-Fal-Webhook-Timestamp, unix seconds. */
  readonly timestamp: string;
  readonly status: 'OK' | 'ERROR';
  /** What the delivery means for the hold under fal's billing rules. */
  readonly settlement: Settlement;
  /**
   * What the ledger did: committed / released, already_* for a repeat (nothing changed),
   * expired, or unknown when no hold is linked to the request id (an unguarded call, or a
   * delivery that beat its submit's link: that hold counts as spent when it expires).
   */
  readonly result: SettleResult;
  /** The parsed body (request_id, status, payload, error, ...). */
  readonly body: WebhookBody;
  /** The raw body as text, e.g. to re-read numbers JSON.parse would round (fal's seeds). */
  readonly rawBody: string;
}

/** A receiver's answer, whatever the framework. */
export interface WebhookAnswer {
  readonly status: number;
  readonly body: unknown;
}
