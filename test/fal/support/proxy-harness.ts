import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createFalClient } from '@fal-ai/client';
import { fromHeaders, handleRequest, resolveProxyConfig, responsePassthrough, type ProxyConfig } from '@fal-ai/server-proxy';
import { createHandler } from '@fal-ai/server-proxy/express';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll } from 'vitest';
import { type BudgetGuard } from '../../../src/index.js';
import { budgetMiddleware, type ExpressGuardOptions } from '../../../src/express.js';
import { withBudget, type FetchGuardOptions } from '../../../src/fetch.js';
import { FakeFal } from './fake-fal.js';

/**
 * The real @fal-ai/server-proxy (Express adapter on 127.0.0.1, or its fetch-style route) in
 * front of the fake fal. The proxy forwards with the global fetch to fal's real host names; here
 * those are the fake's HTTP server on 127.0.0.1 (the host travels in a header the fake reads).
 */
export interface SentToFal {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
}

const proxyConfig: Partial<ProxyConfig> = {
  allowedEndpoints: ['luma/agent/ray/v3.2/*'],
  allowUnauthorizedRequests: false,
  isAuthenticated: async () => true,
  resolveFalAuth: async () => 'Key test',
};

/** Starts the fake fal and routes the global fetch's fal hosts to it, for the whole test file. */
export function useFakeFal(): { readonly fake: FakeFal; readonly sent: SentToFal[]; readonly realFetch: typeof fetch } {
  const realFetch = globalThis.fetch;
  const fake = new FakeFal();
  const sent: SentToFal[] = [];
  let server: Server;
  beforeAll(async () => {
    const listening = await fake.listen();
    server = listening.server;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!['queue.fal.run', 'fal.run', 'rest.fal.ai'].includes(url.host)) return realFetch(input, init);
      const headers = new Headers(init?.headers);
      sent.push({ url: url.href, method: init?.method ?? 'GET', headers: new Headers(headers) });
      headers.set('x-fake-host', url.host);
      return realFetch(`${listening.origin}${url.pathname}${url.search}`, { ...init, headers });
    });
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await new Promise((resolve) => server.close(resolve));
  });
  return { fake, sent, realFetch };
}

/** A browser-side fal client that calls through the proxy, naming its user in a header. */
export function browserClient(proxyUrl: string, user: string, fetchImpl: typeof fetch) {
  return createFalClient({
    proxyUrl: { url: proxyUrl, when: 'always' },
    fetch: fetchImpl,
    requestMiddleware: async (request) => ({ ...request, headers: { ...request.headers, 'x-user': user } }),
  });
}

export interface ExpressProxyOptions {
  /** express.json() in front of the middleware (the README's setup). Default true. */
  readonly json?: boolean;
  /** Middleware the app runs before the budget middleware. */
  readonly before?: readonly RequestHandler[];
  readonly guardOptions?: ExpressGuardOptions<express.Request>;
}

/** An Express app on 127.0.0.1: [express.json()], budgetMiddleware with createHandler() as its handler (the README's setup). Resolves to its proxy URL. */
export async function startExpressProxy(guard: BudgetGuard, options: ExpressProxyOptions = {}): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  const chain: RequestHandler[] = [...(options.json === false ? [] : [express.json()]), ...(options.before ?? [])];
  app.all('/api/fal/proxy', ...chain, budgetMiddleware<express.Request>(guard, {
    context: (req) => ({ user: req.headers['x-user'] }),
    handler: createHandler(proxyConfig),
    ...options.guardOptions,
  }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/fal/proxy`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The route @fal-ai/server-proxy's Next.js adapter builds (handleRequest with the Request's own
 * text and headers; responsePassthrough keeps fal's status), without next/server, behind withBudget.
 */
export function fetchStyleProxy(guard: BudgetGuard, options: FetchGuardOptions<[Request]> = {}) {
  const config = resolveProxyConfig(proxyConfig);
  const routed: Request[] = [];
  const route = async (request: Request): Promise<Response> => {
    routed.push(request);
    const headers = new Headers();
    return handleRequest<Response>({
      id: 'fetch-test',
      method: request.method,
      getRequestBody: () => request.text(),
      getHeaders: () => fromHeaders(request.headers),
      getHeader: (name) => request.headers.get(name),
      sendHeader: (name, value) => headers.set(name, value),
      respondWith: (status, data) => Response.json(data, { status, headers }),
      sendResponse: responsePassthrough,
    }, config);
  };
  const handler = withBudget(route, guard, { context: (request) => ({ user: request.headers.get('x-user') ?? undefined }), ...options });
  const inProcess = (async (input: string | URL | Request, init?: RequestInit) => handler(new Request(input, init))) as typeof fetch;
  return {
    handler,
    /** Every Request the route itself received (none for a refusal). */
    routed,
    client: (user: string) => browserClient('http://app.local/api/fal/proxy', user, inProcess),
  };
}
