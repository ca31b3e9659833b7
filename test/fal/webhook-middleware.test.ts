import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFalClient } from '@fal-ai/client';
import { createHandler } from '@fal-ai/server-proxy/express';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBudgetGuard, type BudgetGuard, guardedFetch } from '../../src/index.js';
import { budgetMiddleware, webhookMiddleware } from '../../src/express.js';
import { FakeFal } from './support/fake-fal.js';
import { JwksServer, webhookBody, WebhookSigner } from './support/fal-webhooks.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const SDR_540 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' }; // $0.72
const T0 = Date.parse('2026-11-24T12:00:00Z');

const signer = new WebhookSigner();
const jwks = new JwksServer();
beforeAll(async () => {
  await jwks.start();
  jwks.keys = [signer.jwk];
});
afterAll(() => jwks.stop());

async function listen(app: express.Express): Promise<{ origin: string; close: () => Promise<unknown> }> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** An Express app with webhookMiddleware at /fal/webhook, behind whatever body parser `before` mounts. */
async function webhookApp(before: RequestHandler[]) {
  const fake = new FakeFal({ fate: 'running' });
  const guard = createBudgetGuard({ limit: '10.00', now: () => T0, onWarning: () => {} });
  const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) }));
  const app = express();
  for (const parser of before) app.use(parser);
  app.post('/fal/webhook', webhookMiddleware(guard, { jwksUrl: jwks.url }));
  const served = await listen(app);
  const { request_id: requestId } = await fal.queue.submit(V2V, { input: SDR_540, webhookUrl: `${served.origin}/fal/webhook` });
  return { guard, requestId, ...served };
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

const signed = (body: string, requestId: string) => signer.headers(body, { requestId, timestamp: Math.floor(T0 / 1000) });

describe('webhookMiddleware reads the exact bytes fal signed', () => {
  const parsers: [string, RequestHandler[]][] = [
    ['no body parser', []],
    ['express.raw() before it', [express.raw({ type: '*/*' })]],
    ['express.json({ verify }) keeping req.rawBody before it', [express.json({ verify: (req, _res, buf) => { (req as unknown as { rawBody: Buffer }).rawBody = buf; } })]],
    ['express.json() before it, for another content type (the stream is left unread)', [express.json({ type: 'application/x-other' })]],
  ];
  for (const [label, before] of parsers) {
    it(`${label}: a signed delivery commits the hold`, async () => {
      const { guard, requestId, origin, close } = await webhookApp(before);
      try {
        const body = webhookBody(requestId, 'OK');
        expect(await post(`${origin}/fal/webhook`, body, signed(body, requestId))).toMatchObject({ status: 200, body: { result: 'committed' } });
        expect(await post(`${origin}/fal/webhook`, body, signed(body, requestId))).toMatchObject({ status: 200, body: { result: 'already_committed' } });
        expect(await guard.status()).toMatchObject({ spent: '0.72', reserved: '0.00' });
      } finally {
        await close();
      }
    });
  }

  it('express.json() already consumed the body: a clear 500, never a re-serialised body, nothing changes', async () => {
    const { guard, requestId, origin, close } = await webhookApp([express.json()]);
    try {
      const body = webhookBody(requestId, 'OK');
      const answer = await post(`${origin}/fal/webhook`, body, signed(body, requestId));
      expect(answer.status).toBe(500);
      expect(answer.body).toMatchObject({ error: { code: 'raw_body_unavailable' } });
      expect((answer.body.error as { message: string }).message).toMatch(/^a body parser already read this request \(express\.json\(\) before webhookMiddleware\).*mount webhookMiddleware before any body parser/);
      expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
    } finally {
      await close();
    }
  });

  it('forged, stale and malformed deliveries: 401, 401, 400, and nothing changes', async () => {
    const { guard, requestId, origin, close } = await webhookApp([]);
    try {
      const body = webhookBody(requestId, 'OK');
      const forged = new WebhookSigner().headers(body, { requestId, timestamp: Math.floor(T0 / 1000) });
      expect((await post(`${origin}/fal/webhook`, body, forged)).status).toBe(401);
      const stale = signer.headers(body, { requestId, timestamp: Math.floor(T0 / 1000) - 3600 });
      expect((await post(`${origin}/fal/webhook`, body, stale)).body).toMatchObject({ error: { code: 'stale_timestamp' } });
      const broken = '{"request_id":';
      expect((await post(`${origin}/fal/webhook`, broken, signed(broken, requestId))).status).toBe(400);
      expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
      expect(await guard.linkOf(requestId)).toMatchObject({ status: 'held' });
    } finally {
      await close();
    }
  });
});

describe('webhookMiddleware refuses on the headers before it reads the body', () => {
  /** Sends the headers and 1 MiB of a body that never ends: only an answer given before reading the body arrives. */
  function unfinishedPost(url: string, headers: Record<string, string>): Promise<{ status: number; code: string; connection: string | undefined }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (incoming) => {
        let text = '';
        incoming.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        incoming.on('end', () => {
          outgoing.destroy();
          resolve({ status: incoming.statusCode!, code: (JSON.parse(text) as { error: { code: string } }).error.code, connection: incoming.headers.connection });
        });
      });
      outgoing.on('error', reject);
      outgoing.write(Buffer.alloc(1 << 20, 0x61));
    });
  }

  it('unsigned, or stale: 401 while the body is still coming, and the connection closes', async () => {
    const { guard, requestId, origin, close } = await webhookApp([]);
    try {
      expect(await unfinishedPost(`${origin}/fal/webhook`, { 'content-type': 'application/json' })).toEqual({ status: 401, code: 'missing_signature', connection: 'close' });
      const stale = signer.headers('{}', { requestId, timestamp: Math.floor(T0 / 1000) - 301 });
      expect(await unfinishedPost(`${origin}/fal/webhook`, stale)).toEqual({ status: 401, code: 'stale_timestamp', connection: 'close' });
      expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
    } finally {
      await close();
    }
  });
});

describe('the proxy: a browser submit whose target carries fal_webhook is settled by the webhook', () => {
  // @fal-ai/server-proxy forwards with the global fetch; fal's hosts are answered by the fake fal.
  const realFetch = globalThis.fetch;
  let fake: FakeFal;
  let fakeServer: Server;
  beforeAll(async () => {
    fake = new FakeFal({ fate: 'running' });
    const listening = await fake.listen();
    fakeServer = listening.server;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!['queue.fal.run', 'fal.run', 'rest.fal.ai'].includes(url.host)) return realFetch(input, init);
      const headers = new Headers(init?.headers);
      headers.set('x-fake-host', url.host);
      return realFetch(`${listening.origin}${url.pathname}${url.search}`, { ...init, headers });
    });
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await new Promise((resolve) => fakeServer.close(resolve));
  });

  it('budgetMiddleware links the submit; webhookMiddleware on the same ledger commits it', async () => {
    const guard: BudgetGuard = createBudgetGuard({ limit: '10.00', now: () => T0, onWarning: () => {} });
    const app = express();
    // The webhook route comes before express.json(), which the proxy route needs.
    app.post('/fal/webhook', webhookMiddleware(guard, { jwksUrl: jwks.url, fetch: realFetch }));
    app.use(express.json());
    app.all('/api/fal/proxy', budgetMiddleware(guard, {
      handler: createHandler({
        allowedEndpoints: ['luma/agent/ray/v3.2/*'], allowUnauthorizedRequests: false, isAuthenticated: async () => true, resolveFalAuth: async () => 'Key test',
      }),
    }));
    const { origin, close } = await listen(app);
    try {
      const browser = createFalClient({ proxyUrl: { url: `${origin}/api/fal/proxy`, when: 'always' }, fetch: realFetch });
      const { request_id: requestId } = await browser.queue.submit(V2V, { input: SDR_540, webhookUrl: `${origin}/fal/webhook` });
      expect(new URL(fake.requests.at(-1)!.url).searchParams.get('fal_webhook')).toBe(`${origin}/fal/webhook`);
      expect(await guard.linkOf(requestId)).toMatchObject({ status: 'held' });
      const body = webhookBody(requestId, 'ERROR', 'Invalid status code: 422');
      expect(await post(`${origin}/fal/webhook`, body, signed(body, requestId))).toMatchObject({ status: 200, body: { settlement: 'commit', result: 'committed' } });
      expect(await guard.status()).toMatchObject({ spent: '0.72', reserved: '0.00' });
    } finally {
      await close();
    }
  });
});
