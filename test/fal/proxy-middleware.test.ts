import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createFalClient } from '@fal-ai/client';
import { fromHeaders, handleRequest, resolveProxyConfig, responsePassthrough } from '@fal-ai/server-proxy';
import { createHandler } from '@fal-ai/server-proxy/express';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { budgetMiddleware, createBudgetGuard, withBudget, type BudgetGuard } from '../../src/index.js';
import { FakeFal } from './support/fake-fal.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const HDR_1080 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true }; // $4.32
const SDR_540 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' }; // $0.72

// @fal-ai/server-proxy forwards with the global fetch to fal's real hosts; here those hosts are
// the fake fal's HTTP server on 127.0.0.1 (the host travels in a header the fake reads).
const realFetch = globalThis.fetch;
let fake: FakeFal;
let fakeServer: Server;
let fakeOrigin: string;

beforeAll(async () => {
  fake = new FakeFal();
  ({ server: fakeServer, origin: fakeOrigin } = await fake.listen());
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!['queue.fal.run', 'fal.run', 'rest.fal.ai'].includes(url.host)) return realFetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set('x-fake-host', url.host);
    return realFetch(`${fakeOrigin}${url.pathname}${url.search}`, { ...init, headers });
  }) as typeof fetch;
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await new Promise((resolve) => fakeServer.close(resolve));
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.fate = 'success';
});

const proxyConfig = {
  allowedEndpoints: ['luma/agent/ray/v3.2/*'],
  allowUnauthorizedRequests: false,
  isAuthenticated: async () => true,
  resolveFalAuth: async () => 'Key test',
};

/** A browser-side fal client that calls through the proxy, naming its user in a header. */
function browserClient(proxyUrl: string, user: string, fetchImpl: typeof fetch = realFetch) {
  return createFalClient({
    proxyUrl: { url: proxyUrl, when: 'always' },
    fetch: fetchImpl,
    requestMiddleware: async (request) => ({ ...request, headers: { ...request.headers, 'x-user': user } }),
  });
}

describe('Express: budgetMiddleware in front of @fal-ai/server-proxy', () => {
  let server: Server;
  let proxyUrl: string;
  let guard: BudgetGuard;

  beforeEach(async () => {
    guard = createBudgetGuard({ budgets: [{ name: 'per-user', limit: '5.00', scope: 'user' }], onWarning: () => {} });
    const app = express();
    app.use(express.json());
    app.all('/api/fal/proxy', budgetMiddleware(guard, { context: (req) => ({ user: req.headers['x-user'] }) }), createHandler(proxyConfig));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/fal/proxy`;
    return () => new Promise((resolve) => server.close(resolve));
  });

  it('over budget: 402 with the quote and what remains, and nothing forwarded', async () => {
    const alice = browserClient(proxyUrl, 'alice');
    const error = await alice.subscribe(V2V, { input: { ...HDR_1080, duration: '10s' } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ApiError', status: 402 });
    const body = (error as { body: Record<string, unknown> }).body;
    expect(body).toMatchObject({
      error: { code: 'budget_exceeded' },
      amount: '8.64', limit: '5.00', spent: '0.00', reserved: '0.00', remaining: '5.00',
      budget: { name: 'per-user', scope: { kind: 'user', id: 'alice' } },
      quote: { endpoint: V2V, total: '8.64' },
    });
    expect((body.error as { message: string }).message).toMatch(/^needs \$8\.64; \$5\.00 left of \$5\.00 for user alice/);
    expect(fake.requests).toEqual([]);
  });

  it('within budget: the submit is reserved, and the status and result polls settle it', async () => {
    const alice = browserClient(proxyUrl, 'alice');
    const result = await alice.subscribe(V2V, { input: HDR_1080, pollInterval: 5 });
    expect(result.data).toEqual({ video: { url: `https://v3.fal.media/files/fake/${result.requestId}.mp4` } });
    expect(fake.submits()).toBe(1);
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '4.32', reserved: '0.00', remaining: '0.68' });
    // Alice's next call no longer fits; Bob's budget is his own.
    await expect(alice.queue.submit(V2V, { input: SDR_540 })).rejects.toMatchObject({ status: 402 });
    expect(fake.submits()).toBe(1);
    await browserClient(proxyUrl, 'bob').queue.submit(V2V, { input: SDR_540 });
    expect(await guard.status({ user: 'bob' })).toMatchObject({ spent: '0.00', reserved: '0.72' });
  });

  it('a submitted request stays reserved until a poll sees its outcome', async () => {
    fake.fate = 'queued';
    const alice = browserClient(proxyUrl, 'alice');
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: HDR_1080 });
    expect(await alice.queue.status(V2V, { requestId })).toMatchObject({ status: 'IN_QUEUE' });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.00', reserved: '4.32' });
    fake.setFate(requestId, 'success');
    expect(await alice.queue.status(V2V, { requestId })).toMatchObject({ status: 'COMPLETED' });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '4.32', reserved: '0.00' });
  });

  it('invalid input and targets it cannot price are refused, nothing forwarded', async () => {
    const alice = browserClient(proxyUrl, 'alice');
    const invalid = await alice.queue.submit(V2V, { input: { ...HDR_1080, resolution: '540p' } }).catch((caught: unknown) => caught);
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'not_offered', issues: [{ path: ['hdr'] }] } } });
    const response = await realFetch(proxyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user': 'alice', 'x-fal-target-url': 'https://fal.run/luma/agent/ray/v3.2/video-to-video?x=1' },
      body: JSON.stringify({ ...HDR_1080, hdr: 'yes' }),
    });
    expect(response.status).toBe(400);
    const unknownHost = await realFetch(proxyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user': 'alice', 'x-fal-target-url': 'https://gateway.fal.ai/anything' },
      body: '{}',
    });
    expect(unknownHost.status).toBe(403);
    expect(await unknownHost.json()).toMatchObject({ error: { code: 'unguarded_target' } });
    expect(fake.requests).toEqual([]);
  });

  it('a 500 result is counted, because this proxy adapter answers every upstream status as 200', async () => {
    // @fal-ai/server-proxy 1.2.1's Express adapter streams the upstream body without its status.
    // The middleware cannot tell a failed result from an output, so it counts it: over, never under.
    fake.fate = 'fail_500';
    const alice = browserClient(proxyUrl, 'alice');
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: SDR_540 });
    const answer = await alice.queue.result(V2V, { requestId });
    expect(answer.data).toMatchObject({ error_type: 'runner_server_error' });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.72', reserved: '0.00' });
  });
});

describe('fetch-style: an answer that is not fal\'s settles nothing', () => {
  const submit = () => new Request('http://app.local/api/fal/proxy', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fal-target-url': `https://queue.fal.run/${V2V}` },
    body: JSON.stringify(HDR_1080),
  });

  it('a proxy error page or a route that throws leaves the hold in place', async () => {
    const guard = createBudgetGuard({ limit: '20.00', onWarning: () => {} });
    const badGateway = withBudget(async (_request: Request) => new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }), guard);
    expect((await badGateway(submit())).status).toBe(502);
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '4.32' });
    const throwing = withBudget(async (_request: Request): Promise<Response> => { throw new Error('fetch failed'); }, guard);
    await expect(throwing(submit())).rejects.toThrow('fetch failed');
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '8.64' });
    // fal's own 503 (a JSON error) releases.
    const unavailable = withBudget(async (_request: Request) => Response.json({ detail: 'no runner', error_type: 'runner_scheduling_failure' }, { status: 503 }), guard);
    expect((await unavailable(submit())).status).toBe(503);
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '8.64' });
  });
});

describe('fetch-style: withBudget around a Request => Response proxy route', () => {
  let guard: BudgetGuard;
  let forwarded: number;
  let client: (user: string) => ReturnType<typeof createFalClient>;

  beforeEach(() => {
    guard = createBudgetGuard({ budgets: [{ name: 'per-user', limit: '5.00', scope: 'user' }], onWarning: () => {} });
    forwarded = 0;
    // The route @fal-ai/server-proxy's Next.js adapter builds, without next/server.
    const config = resolveProxyConfig(proxyConfig);
    const route = async (request: Request): Promise<Response> => {
      forwarded += 1;
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
    const POST = withBudget(route, guard, { context: (request) => ({ user: request.headers.get('x-user') ?? undefined }) });
    const inProcess = (async (input: string | URL | Request, init?: RequestInit) => POST(new Request(input, init))) as typeof fetch;
    client = (user) => browserClient('http://app.local/api/fal/proxy', user, inProcess);
  });

  it('over budget: 402, and the route never runs', async () => {
    const error = await client('alice').subscribe(V2V, { input: { ...HDR_1080, duration: '10s' } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 402, body: { amount: '8.64', remaining: '5.00' } });
    expect(forwarded).toBe(0);
    expect(fake.requests).toEqual([]);
  });

  it('settles from the answers it passes on: a 500 result releases, success commits', async () => {
    const alice = client('alice');
    fake.fate = 'fail_500';
    await expect(alice.subscribe(V2V, { input: SDR_540, pollInterval: 5 })).rejects.toMatchObject({ status: 500 });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.00', reserved: '0.00', remaining: '5.00' });
    fake.fate = 'success';
    await alice.subscribe(V2V, { input: HDR_1080, pollInterval: 5 });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '4.32', reserved: '0.00', remaining: '0.68' });
    expect(fake.submits()).toBe(2);
  });
});

describe('targets the proxy cannot read', () => {
  it('a malformed escape in the path is a spending target it will not forward, not a crash', async () => {
    const { classifyTarget } = await import('../../src/fal/proxy/fal-target.js');
    expect(classifyTarget('POST', `https://queue.fal.run/${V2V}%E0%A4%A`)).toEqual({ kind: 'other', spends: true });
    expect(classifyTarget('GET', 'https://queue.fal.run/x%E0%A4%A/requests/1')).toEqual({ kind: 'other', spends: false });
  });
});
