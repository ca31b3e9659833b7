// fal-budget/fetch: the same for fetch-style `(Request) => Response` route handlers (Next.js, Hono,
// workers; any runtime): the guarded proxy, and fal's signed webhooks (WebCrypto Ed25519).
export { withBudget, type FetchGuardOptions } from './fal/proxy/fetch-handler.js';
export type { ProxyGuardOptions } from './fal/proxy/proxy-guard.js';
export { webhookHandler } from './fal/webhooks/webhook-handler.js';
export type { WebhookOptions, WebhookEvent } from './fal/webhooks/webhook-types.js';
