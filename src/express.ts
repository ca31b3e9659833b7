// fal-budget/express: the guard in front of @fal-ai/server-proxy in Express, and fal's signed
// webhooks for Express (the middleware reads the raw body itself).
export { budgetMiddleware, type ExpressGuardOptions } from './fal/proxy/express-middleware.js';
export type { ProxyGuardOptions } from './fal/proxy/proxy-guard.js';
export { webhookMiddleware } from './fal/webhooks/webhook-middleware.js';
export type { WebhookOptions, WebhookEvent } from './fal/webhooks/webhook-types.js';
