import express from 'express';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBudgetGuard, InvalidOptionError, type BudgetGuard } from '../../src/index.js';
import { budgetMiddleware, type ExpressGuardOptions } from '../../src/express.js';
import { withBudget } from '../../src/fetch.js';
import { browserClient, fetchStyleProxy, startExpressProxy, useFakeFal } from './support/proxy-harness.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const HDR_1080 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true }; // $4.32
const SDR_540 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' }; // $0.72

const { fake, sent, realFetch } = useFakeFal();

beforeEach(() => {
  fake.requests.length = 0;
  sent.length = 0;
  fake.fate = 'success';
  fake.submitFailures = [];
});

const perUser = () => createBudgetGuard({ budgets: [{ name: 'per-user', limit: '5.00', scope: 'user' }], onWarning: () => {} });

describe('Express: budgetMiddleware in front of @fal-ai/server-proxy', () => {
  let proxyUrl: string;
  let guard: BudgetGuard;

  beforeEach(async () => {
    guard = perUser();
    const proxy = await startExpressProxy(guard);
    proxyUrl = proxy.url;
    return proxy.close;
  });

  const post = (target: string, body: unknown, headers: Record<string, string> = {}) => realFetch(proxyUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user': 'alice', 'x-fal-target-url': target, ...headers },
    body: JSON.stringify(body),
  });

  it('over budget: 402 with the quote and what remains, and nothing forwarded', async () => {
    const alice = browserClient(proxyUrl, 'alice', realFetch);
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
    const alice = browserClient(proxyUrl, 'alice', realFetch);
    const result = await alice.subscribe(V2V, { input: HDR_1080, pollInterval: 5 });
    expect(result.data).toEqual({ video: { url: `https://v3.fal.media/files/fake/${result.requestId}.mp4` } });
    expect(fake.submits()).toBe(1);
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '4.32', reserved: '0.00', remaining: '0.68' });
    // Alice's next call no longer fits; Bob's budget is his own.
    await expect(alice.queue.submit(V2V, { input: SDR_540 })).rejects.toMatchObject({ status: 402 });
    expect(fake.submits()).toBe(1);
    await browserClient(proxyUrl, 'bob', realFetch).queue.submit(V2V, { input: SDR_540 });
    expect(await guard.status({ user: 'bob' })).toMatchObject({ spent: '0.00', reserved: '0.72' });
  });

  it('a submitted request stays reserved until a poll sees its outcome', async () => {
    fake.fate = 'queued';
    const alice = browserClient(proxyUrl, 'alice', realFetch);
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: HDR_1080 });
    expect(await alice.queue.status(V2V, { requestId })).toMatchObject({ status: 'IN_QUEUE' });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.00', reserved: '4.32' });
    fake.setFate(requestId, 'success');
    expect(await alice.queue.status(V2V, { requestId })).toMatchObject({ status: 'COMPLETED' });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '4.32', reserved: '0.00' });
  });

  it('a poll under another app path settles nothing; one under the submit\'s app does', async () => {
    fake.fate = 'queued';
    const alice = browserClient(proxyUrl, 'alice', realFetch);
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: SDR_540 });
    expect(await guard.linkOf(requestId)).toMatchObject({ app: 'luma/agent', status: 'held' });
    fake.setFate(requestId, 'success');
    // The fake answers a request id under any app; fal's link check is the middleware's own.
    for (const app of ['someone/else', 'luma/other', 'workflows/luma/agent']) {
      const crafted = await realFetch(proxyUrl, { headers: { 'x-user': 'mallory', 'x-fal-target-url': `https://queue.fal.run/${app}/requests/${requestId}/status` } });
      expect(await crafted.json()).toMatchObject({ status: 'COMPLETED' });
      await realFetch(proxyUrl, { headers: { 'x-user': 'mallory', 'x-fal-target-url': `https://queue.fal.run/${app}/requests/${requestId}` } });
    }
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.00', reserved: '0.72' });
    expect(await alice.queue.status(V2V, { requestId })).toMatchObject({ status: 'COMPLETED' });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.72', reserved: '0.00' });
  });

  it('invalid input and targets it cannot price are refused, nothing forwarded', async () => {
    const alice = browserClient(proxyUrl, 'alice', realFetch);
    const invalid = await alice.queue.submit(V2V, { input: { ...HDR_1080, resolution: '540p' } }).catch((caught: unknown) => caught);
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'not_offered', issues: [{ path: ['hdr'] }] } } });
    expect((await post(`https://fal.run/${V2V}`, { ...HDR_1080, hdr: 'yes' })).status).toBe(400);
    const unknownHost = await post('https://gateway.fal.ai/anything', {});
    expect(unknownHost.status).toBe(403);
    expect(await unknownHost.json()).toMatchObject({ error: { code: 'unguarded_target', field: 'x-fal-target-url' } });
    expect(fake.requests).toEqual([]);
  });

  it('a query on a submission: fal_webhook passes; anything else, and any query on a run, is refused', async () => {
    const alice = browserClient(proxyUrl, 'alice', realFetch);
    await alice.queue.submit(V2V, { input: SDR_540, webhookUrl: 'https://app.example/hooks/fal' });
    expect(fake.requests.map((request) => request.url)).toEqual([`https://queue.fal.run/${V2V}?fal_webhook=https%3A%2F%2Fapp.example%2Fhooks%2Ffal`]);
    fake.requests.length = 0;
    const seeded = await post(`https://queue.fal.run/${V2V}?resolution=1080p&hdr=true`, SDR_540);
    expect(seeded.status).toBe(400);
    expect(await seeded.json()).toMatchObject({ error: { code: 'unpriced_query', field: 'x-fal-target-url?resolution' } });
    // The client's own ways to put input in a URL: run's `query` option and method 'get'.
    await expect(alice.run(V2V, { input: SDR_540, query: { resolution: '1080p' } } as never)).rejects.toMatchObject({ status: 400, body: { error: { code: 'unpriced_query' } } });
    await expect(alice.run(V2V, { input: SDR_540, method: 'get' })).rejects.toMatchObject({ status: 403, body: { error: { code: 'unguarded_target' } } });
    expect(fake.requests).toEqual([]);
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.00', reserved: '0.72' });
  });

  it('unusual spellings of a target are refused, and nothing is forwarded', async () => {
    const spellings = [
      `https://QUEUE.fal.run/${V2V}`, `https://queue.fal.run./${V2V}`, `https://user:secret@queue.fal.run/${V2V}`,
      `https://queue.fal.run:8443/${V2V}`, `https://104.18.0.1/${V2V}`, 'https://queue.fal.run/luma/agent/ray/v3.2/../v3.2/video-to-video',
      'https://queue.fal.run/luma%2Fagent/ray/v3.2/video-to-video', 'https://queue.fal.run/luma/agent/ray/v3.2/%76ideo-to-video',
    ];
    for (const target of spellings) {
      const answer = await post(target, SDR_540);
      expect({ target, status: answer.status, body: await answer.json() }).toMatchObject({ target, status: 400, body: { error: { code: 'invalid_target', field: 'x-fal-target-url' } } });
    }
    expect(fake.requests).toEqual([]);
    expect(await guard.status({ user: 'alice' })).toMatchObject({ reserved: '0.00' });
  });

  it('every forwarded request says x-fal-disable-fallbacks: true, whatever the browser sent', async () => {
    const alice = browserClient(proxyUrl, 'alice', realFetch);
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: SDR_540, headers: { 'x-fal-disable-fallbacks': 'false' } } as never);
    await alice.queue.result(V2V, { requestId });
    expect(sent.map((request) => [request.method, request.headers.get('x-fal-disable-fallbacks')])).toEqual([['POST', 'true'], ['GET', 'true']]);
  });

  it('a 500 result is counted, because this proxy adapter answers every upstream status as 200', async () => {
    // @fal-ai/server-proxy 1.2.1's Express adapter streams the upstream body without its status.
    // The middleware cannot tell a failed result from an output, so it counts it: over, never under.
    fake.fate = 'fail_500';
    const alice = browserClient(proxyUrl, 'alice', realFetch);
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: SDR_540 });
    const answer = await alice.queue.result(V2V, { requestId });
    expect(answer.data).toMatchObject({ error_type: 'runner_server_error' });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.72', reserved: '0.00' });
  });
});

describe('Express: what is sent is what was priced', () => {
  it('a req.body whose JSON differs from its properties is priced as the JSON the proxy sends', async () => {
    const guard = perUser();
    // An app middleware leaves an object whose toJSON says 1080p HDR while its properties say 540p SDR.
    const proxy = await startExpressProxy(guard, {
      before: [(req, _res, next) => {
        req.body = { ...SDR_540, toJSON: () => HDR_1080 };
        next();
      }],
    });
    try {
      await browserClient(proxy.url, 'alice', realFetch).queue.submit(V2V, { input: SDR_540 });
      expect(JSON.parse(fake.requests[0]!.body!)).toEqual(HDR_1080);
      expect(await guard.status({ user: 'alice' })).toMatchObject({ reserved: '4.32' });
    } finally {
      await proxy.close();
    }
  });

  it('without express.json(), the middleware reads the body itself and the proxy sends it', async () => {
    const guard = perUser();
    const proxy = await startExpressProxy(guard, { json: false });
    try {
      const result = await browserClient(proxy.url, 'alice', realFetch).subscribe(V2V, { input: HDR_1080, pollInterval: 5 });
      expect(result.data).toMatchObject({ video: { url: expect.stringContaining(result.requestId) } });
      expect(JSON.parse(fake.requests[0]!.body!)).toEqual(HDR_1080);
      expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '4.32', reserved: '0.00' });
    } finally {
      await proxy.close();
    }
  });

  it('allowFallbacks: true leaves the browser\'s header as it was', async () => {
    const guard = perUser();
    const proxy = await startExpressProxy(guard, { guardOptions: { allowFallbacks: true } });
    try {
      const alice = browserClient(proxy.url, 'alice', realFetch);
      await alice.queue.submit(V2V, { input: SDR_540 });
      await alice.queue.submit(V2V, { input: SDR_540, headers: { 'x-fal-disable-fallbacks': 'false' } } as never);
      expect(sent.map((request) => request.headers.get('x-fal-disable-fallbacks'))).toEqual([null, 'false']);
    } finally {
      await proxy.close();
    }
  });
});

describe('Express: the `handler` option answers a proxy handler that fails', () => {
  const submit = { 'content-type': 'application/json', 'x-fal-target-url': `https://queue.fal.run/${V2V}` };

  /** The middleware with `handler` on 127.0.0.1; an error that reaches Express's own handler would answer 500. */
  // The middleware's own handler type: it awaits what the handler returns, so async handlers are meant.
  type Handler = NonNullable<ExpressGuardOptions<express.Request>['handler']>;

  async function appWith(handler: Handler) {
    const guard = createBudgetGuard({ limit: '20.00', onWarning: () => {} });
    const app = express();
    app.all('/proxy', express.json(), budgetMiddleware(guard, { handler }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/proxy`;
    return { guard, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('a handler that throws, or rejects before answering: 502 proxy_failed, and the hold is kept', async () => {
    for (const handler of [
      () => { throw new TypeError('boom'); },
      async () => { throw new TypeError('fetch failed'); },
    ] satisfies Handler[]) {
      const { guard, url, close } = await appWith(handler);
      try {
        const answer = await realFetch(url, { method: 'POST', headers: submit, body: JSON.stringify(SDR_540) });
        expect(answer.status).toBe(502);
        expect(await answer.json()).toMatchObject({ error: { code: 'proxy_failed', message: expect.stringMatching(/^the exchange with fal broke off \((boom|fetch failed)\)/) } });
        // A 502 with a JSON body would release a hold were it fal's: this one is not, so it is held.
        expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
      } finally {
        await close();
      }
    }
  });

  it('a handler that rejects after it started answering: the answer is cut off, and the hold is kept', async () => {
    const { guard, url, close } = await appWith(async (_req, res) => {
      res.status(200).setHeader('content-type', 'application/json');
      res.write('{"request_id":');
      throw new TypeError('terminated');
    });
    try {
      // Whether the half-written head reached the socket first or not, the exchange ends unfinished.
      const ending = await realFetch(url, { method: 'POST', headers: submit, body: JSON.stringify(SDR_540) })
        .then((answer) => answer.text()).then(() => 'finished', () => 'cut off');
      expect(ending).toBe('cut off');
      expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
    } finally {
      await close();
    }
  });

  it('a handler is a function, checked when the middleware is made', () => {
    expect(() => budgetMiddleware(perUser(), { handler: 'createHandler()' as never }))
      .toThrow(new InvalidOptionError('handler', 'must be the proxy\'s Express handler, e.g. createHandler() of @fal-ai/server-proxy/express'));
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
  let proxy: ReturnType<typeof fetchStyleProxy>;

  beforeEach(() => {
    guard = perUser();
    proxy = fetchStyleProxy(guard);
  });

  it('over budget: 402, and the route never runs', async () => {
    const error = await proxy.client('alice').subscribe(V2V, { input: { ...HDR_1080, duration: '10s' } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 402, body: { amount: '8.64', remaining: '5.00' } });
    expect(proxy.routed).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it('settles from the answers it passes on: a 500 result releases, success commits', async () => {
    const alice = proxy.client('alice');
    fake.fate = 'fail_500';
    await expect(alice.subscribe(V2V, { input: SDR_540, pollInterval: 5 })).rejects.toMatchObject({ status: 500 });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.00', reserved: '0.00', remaining: '5.00' });
    fake.fate = 'success';
    await alice.subscribe(V2V, { input: HDR_1080, pollInterval: 5 });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '4.32', reserved: '0.00', remaining: '0.68' });
    expect(fake.submits()).toBe(2);
  });

  it('the browser client\'s retry of a submit answered 429 is a new POST and a new hold; the refused one is released', async () => {
    fake.submitFailures = [429];
    const { request_id: requestId } = await proxy.client('alice').queue.submit(V2V, { input: SDR_540 });
    expect(fake.submits()).toBe(2);
    expect(proxy.routed).toHaveLength(2);
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.00', reserved: '0.72' });
    const journal = [];
    for await (const entry of guard.ledger.journal()) journal.push(entry);
    expect(journal).toMatchObject([{ outcome: 'released', amount: '0.72', endpoint: V2V }]);
    expect(await guard.linkOf(requestId)).toMatchObject({ status: 'held', app: 'luma/agent' });
  });

  it('a crafted result poll under another app cannot release someone else\'s hold', async () => {
    fake.fate = 'fail_500';
    const alice = proxy.client('alice');
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: SDR_540 });
    const crafted = await proxy.handler(new Request('http://app.local/api/fal/proxy', {
      headers: { 'x-user': 'mallory', 'x-fal-target-url': `https://queue.fal.run/someone/else/requests/${requestId}` },
    }));
    expect(crafted.status).toBe(500);
    expect(await guard.status({ user: 'alice' })).toMatchObject({ spent: '0.00', reserved: '0.72' });
  });

  it('the route gets a new Request: the priced JSON, and x-fal-disable-fallbacks: true', async () => {
    const raw = `{ "prompt": "a cat surfing",\n  "video_url": "https://example.com/in.mp4", "resolution": "540p", "resolution": "1080p", "hdr": true }`;
    const answer = await proxy.handler(new Request('http://app.local/api/fal/proxy', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user': 'alice', 'x-fal-target-url': `https://queue.fal.run/${V2V}`, 'x-fal-disable-fallbacks': 'false' },
      body: raw,
    }));
    expect(answer.status).toBe(200);
    expect(fake.requests[0]!.body).toBe(JSON.stringify(JSON.parse(raw)));
    expect(sent[0]!.headers.get('x-fal-disable-fallbacks')).toBe('true');
    expect(await guard.status({ user: 'alice' })).toMatchObject({ reserved: '4.32' });
  });

  it('a HEAD goes to fal as a GET with no body and is answered without one', async () => {
    const alice = proxy.client('alice');
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: SDR_540 });
    fake.requests.length = 0;
    const answer = await proxy.handler(new Request('http://app.local/api/fal/proxy', {
      method: 'HEAD',
      headers: { 'x-user': 'alice', 'x-fal-target-url': `https://queue.fal.run/luma/agent/requests/${requestId}/status` },
    }));
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('');
    expect(fake.requests.map(({ method, url, body }) => ({ method, url, body }))).toEqual([{ method: 'GET', url: `https://queue.fal.run/luma/agent/requests/${requestId}/status`, body: undefined }]);
    // A HEAD settles nothing: the hold waits for a poll that reads the answer.
    expect(await guard.status({ user: 'alice' })).toMatchObject({ reserved: '0.72' });
  });

  it('a custom `request` needs `withRequest`, so the route never sees the unpriced original', () => {
    expect(() => withBudget(async (context: { req: Request }) => new Response(context.req.body), perUser(), { request: (context) => context.req }))
      .toThrow(InvalidOptionError);
  });

  it('with `request` and `withRequest`, the route reads the guarded Request where it looks', async () => {
    const seen: Request[] = [];
    const guarded = withBudget(async (context: { req: Request }) => {
      seen.push(context.req);
      return Response.json({ status: 'IN_QUEUE', request_id: 'r1' });
    }, perUser(), {
      request: (context) => context.req,
      withRequest: (request, context) => { context.req = request; },
      context: () => ({ user: 'alice' }),
    });
    const original = new Request('http://app.local/api/fal/proxy', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fal-target-url': `https://queue.fal.run/${V2V}` },
      body: JSON.stringify(SDR_540),
    });
    expect((await guarded({ req: original })).status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toBe(original);
    expect(seen[0]!.headers.get('x-fal-disable-fallbacks')).toBe('true');
    expect(await seen[0]!.json()).toEqual(SDR_540);
  });
});
