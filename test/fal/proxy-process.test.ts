import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createFalClient } from '@fal-ai/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeFal, type RecordedRequest } from './support/fake-fal.js';

/**
 * The README's Express setup (express.json(), budgetMiddleware with createHandler() of
 * @fal-ai/server-proxy as its `handler`) runs in its own OS process: a request that throws inside
 * an async Express 4 handler is an unhandled rejection and ends that process, which these tests
 * would see.
 */
const APP = fileURLToPath(new URL('./fixtures/proxy-app.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const V2V = 'luma/agent/ray/v3.2/video-to-video';
const SDR_540 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' }; // $0.72
const ROUTES = { 'with express.json()': '/api/fal/proxy', 'without a body parser': '/raw/fal/proxy' } as const;

interface AppProcess {
  readonly origin: string;
  /** Why the process ended; undefined while it runs. */
  exited(): string | undefined;
  stop(): void;
}

function startApp(fakeOrigin: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', APP], {
    cwd: ROOT,
    env: { ...process.env, FAKE_FAL_ORIGIN: fakeOrigin, FAL_KEY: 'test-key', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let exited: string | undefined;
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.once('exit', (code, signal) => { exited = `exited with ${code ?? signal}: ${stderr}`; });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((text) => text.startsWith('{'));
      if (line) {
        resolve({
          origin: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`,
          exited: () => exited,
          stop: () => { if (exited === undefined) child.kill(); },
        });
      }
    });
    child.once('exit', () => reject(new Error(`the app exited before listening: ${stderr}`)));
  });
}

let fake: FakeFal;
let fakeServer: Server;
let fakeOrigin: string;
/** Every request the fake fal read over HTTP, answered or dropped. */
let received: RecordedRequest[];
/** While set, the fake fal reads each request and then resets the connection. */
let dropping = false;
let app: AppProcess;

beforeAll(async () => {
  fake = new FakeFal();
  const listening = await fake.listen({ dropAfterReading: () => dropping });
  fakeServer = listening.server;
  fakeOrigin = listening.origin;
  received = listening.received;
  app = await startApp(fakeOrigin);
});

afterAll(async () => {
  app.stop();
  await new Promise((resolve) => fakeServer.close(resolve));
});

interface Answer { readonly status: number; readonly text: string; readonly code: string | undefined; readonly connection: string | undefined }

/** One raw HTTP exchange with the app (node:http, so a header can be sent twice). */
function send(route: string, method: string, headers: Record<string, string | string[]>, body?: string | Buffer, to: AppProcess = app): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${to.origin}${route}`, { method, headers: { 'x-user': 'alice', ...headers } }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: incoming.statusCode!, text, code, connection: incoming.headers.connection });
      });
    });
    outgoing.on('error', (error) => reject(new Error(`${method} ${route} ${JSON.stringify(headers)}: ${error.message}; ${to.exited() ?? 'the app is still running'}`)));
    outgoing.end(body);
  });
}

const alive = () => expect(app.exited(), 'the app process must stay alive').toBeUndefined();
const statusOf = (user: string) => fetch(`${app.origin}/status/${user}`).then((response) => response.json() as Promise<{ spent: string; reserved: string }>);

describe('HEAD, GET and OPTIONS to any fal target, through the README\'s setup', () => {
  let requestId: string;
  beforeAll(async () => {
    const browser = createFalClient({
      proxyUrl: { url: `${app.origin}/api/fal/proxy`, when: 'always' },
      requestMiddleware: async (request) => ({ ...request, headers: { ...request.headers, 'x-user': 'alice' } }),
    });
    fake.fate = 'queued';
    ({ request_id: requestId } = await browser.queue.submit(V2V, { input: SDR_540 }));
  });

  // [target, HEAD, GET, OPTIONS]: a poll is forwarded (HEAD as a GET, with no body); anything that
  // could run an app unpriced is refused 403; a read of another fal host is forwarded.
  const cases = (id: string): [string, number, number, number][] => [
    [`https://queue.fal.run/luma/agent/requests/${id}/status`, 200, 200, 403],
    [`https://queue.fal.run/luma/agent/requests/${id}`, 200, 200, 403],
    [`https://queue.fal.run/${V2V}`, 403, 403, 403],
    [`https://fal.run/${V2V}`, 403, 403, 403],
    // The client's upload only POSTs to storage: nothing else is forwarded there.
    ['https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', 403, 403, 403],
    ['https://api.fal.ai/v1/models', 400, 400, 400], // not in server-proxy's allowed URLs: its own 400
    // server-proxy's new URL() and fetch() throw on these inside its async handler.
    ['not a url', 400, 400, 400],
    [`https://user:secret@queue.fal.run/luma/agent/requests/${id}/status`, 400, 400, 400],
  ];

  for (const [name, route] of Object.entries(ROUTES)) {
    it(`${name}: each is answered and the process stays alive`, async () => {
      for (const [target, ...statuses] of cases(requestId)) {
        for (const [index, method] of ['HEAD', 'GET', 'OPTIONS'].entries()) {
          const answer = await send(route, method, { 'x-fal-target-url': target });
          expect({ method, target, status: answer.status }).toEqual({ method, target, status: statuses[index] });
          if (method === 'HEAD') expect(answer.text).toBe('');
          alive();
        }
      }
      // One hold, whatever the reads did: the GET of the result ("still in progress") reached the
      // middleware as a 200 (the Express adapter drops statuses), so it counted the hold as spent.
      expect(await statusOf('alice')).toMatchObject({ spent: '0.72', reserved: '0.00' });
    });
  }
});

describe('bad requests are typed 4xx answers, never a crash', () => {
  const submit = { 'x-fal-target-url': `https://queue.fal.run/${V2V}`, 'content-type': 'application/json' };
  const huge = JSON.stringify({ ...SDR_540, prompt: 'x'.repeat(2 << 20) });

  it('without a body parser, the middleware answers each with its own code', async () => {
    const route = ROUTES['without a body parser'];
    expect(await send(route, 'POST', submit, '{"prompt": "a cat",')).toMatchObject({ status: 400, code: 'invalid_json' });
    expect(await send(route, 'POST', submit, Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({ status: 400, code: 'invalid_json' });
    // The rest of a body over the limit is not read: the connection ends with the answer.
    expect(await send(route, 'POST', submit, huge)).toMatchObject({ status: 413, code: 'body_too_large', connection: 'close' });
    expect(await send(route, 'POST', { ...submit, 'content-type': 'text/plain' }, JSON.stringify(SDR_540))).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(await send(route, 'POST', { 'content-type': 'application/json' }, JSON.stringify(SDR_540))).toMatchObject({ status: 400, code: 'missing_target' });
    const twice = await send(route, 'POST', { ...submit, 'x-fal-target-url': [`https://queue.fal.run/${V2V}`, 'https://queue.fal.run/luma/agent/ray/v3.2/text-to-video'] }, JSON.stringify(SDR_540));
    expect(twice).toMatchObject({ status: 400, code: 'invalid_target' });
    expect(twice.text).toContain('is given 2 times');
    alive();
  });

  it('a body that has not ended is answered 413 once it passes the limit, and the connection closes', async () => {
    const answer = await new Promise<{ status: number; code: string | undefined; connection: string | undefined }>((resolve, reject) => {
      const outgoing = httpRequest(`${app.origin}${ROUTES['without a body parser']}`, { method: 'POST', headers: { 'x-user': 'alice', ...submit, 'transfer-encoding': 'chunked' } }, (incoming) => {
        let text = '';
        incoming.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        incoming.on('end', () => {
          outgoing.destroy();
          resolve({ status: incoming.statusCode!, code: (JSON.parse(text) as { error: { code: string } }).error.code, connection: incoming.headers.connection });
        });
      });
      outgoing.on('error', (error) => reject(new Error(`${error.message}; ${app.exited() ?? 'the app is still running'}`)));
      // 1.5 MiB of an unfinished body, and never the end of it.
      outgoing.write(`{"prompt": "${'x'.repeat(3 << 19)}`);
    });
    expect(answer).toEqual({ status: 413, code: 'body_too_large', connection: 'close' });
    alive();
  });

  it('with express.json(), its own errors (400, 413) and the middleware\'s for the rest', async () => {
    const route = ROUTES['with express.json()'];
    expect(await send(route, 'POST', submit, '{"prompt": "a cat",')).toMatchObject({ status: 400 });
    expect(await send(route, 'POST', submit, huge)).toMatchObject({ status: 413 });
    // express.json() skips a text/plain body and leaves {} in req.body: the middleware refuses the lie.
    expect(await send(route, 'POST', { ...submit, 'content-type': 'text/plain' }, JSON.stringify(SDR_540))).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(await send(route, 'POST', { 'content-type': 'application/json' }, JSON.stringify(SDR_540))).toMatchObject({ status: 400, code: 'missing_target' });
    expect(await send(route, 'POST', { ...submit, 'x-fal-target-url': [`https://queue.fal.run/${V2V}`, `https://queue.fal.run/${V2V}`] }, JSON.stringify(SDR_540))).toMatchObject({ status: 400, code: 'invalid_target' });
    alive();
  });

  it('after all of it, a submission through the proxy still works', async () => {
    const browser = createFalClient({
      proxyUrl: { url: `${app.origin}/raw/fal/proxy`, when: 'always' },
      requestMiddleware: async (request) => ({ ...request, headers: { ...request.headers, 'x-user': 'bob' } }),
    });
    fake.fate = 'success';
    const result = await browser.subscribe(V2V, { input: SDR_540, pollInterval: 5 });
    expect(result.data).toMatchObject({ video: { url: expect.stringContaining(result.requestId) } });
    alive();
  });
});

describe('methods the client never sends, to every target kind, through the README\'s setup', () => {
  // One URL of each kind classifyTarget knows, and hosts it does not.
  const targets = [
    `https://queue.fal.run/${V2V}`, // submit
    `https://fal.run/${V2V}`, // run
    `https://fal.run/${V2V}/stream`, // stream
    'https://queue.fal.run/luma/agent/requests/req-x/status', // status
    'https://queue.fal.run/luma/agent/requests/req-x/status/stream', // status stream
    'https://queue.fal.run/luma/agent/requests/req-x', // result
    'https://queue.fal.run/luma/agent/requests/req-x/cancel', // cancel
    'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', // storage
    'https://rest.fal.ai/storage/upload/complete-multipart?storage_type=fal-cdn-v3', // storage
    'https://api.fal.ai/v1/models', // a read of another fal host
    `https://ws.fal.run/${V2V}`, // another *.fal.run host
  ];
  // fetch() refuses TRACE outright (it threw inside server-proxy's handler and ended the process);
  // the others are methods no fal client call uses.
  const methods = ['TRACE', 'PATCH', 'DELETE', 'PROPFIND', 'PURGE'];

  for (const [name, route] of Object.entries(ROUTES)) {
    it(`${name}: each is refused 403 before anything reaches fal, and the process stays alive`, async () => {
      const before = received.length;
      for (const target of targets) {
        for (const method of methods) {
          const answer = await send(route, method, { 'x-fal-target-url': target });
          expect({ method, target, status: answer.status, code: answer.code }).toEqual({ method, target, status: 403, code: 'unguarded_target' });
          alive();
        }
      }
      expect(received.length - before).toBe(0);
    });
  }

  it('CONNECT never reaches Express (node:http closes the connection), and the process stays alive', async () => {
    await expect(send(ROUTES['with express.json()'], 'CONNECT', { 'x-fal-target-url': `https://queue.fal.run/${V2V}` })).rejects.toThrow(/socket hang up|ECONNRESET/);
    alive();
  });

  it('the client\'s own upload still goes through: POST to storage is forwarded', async () => {
    // The upload itself (a PUT to the upload URL fal returns) goes straight to storage, not through the proxy.
    const toFake = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.host !== 'upload.fake') return fetch(input, init);
      return fetch(`${fakeOrigin}${url.pathname}`, { ...init, headers: { ...init?.headers as Record<string, string>, 'x-fake-host': url.host } });
    }) as typeof fetch;
    const browser = createFalClient({
      proxyUrl: { url: `${app.origin}/api/fal/proxy`, when: 'always' },
      fetch: toFake,
      requestMiddleware: async (request) => ({ ...request, headers: { ...request.headers, 'x-user': 'carol' } }),
    });
    const before = received.length;
    const fileUrl = await browser.storage.upload(new Blob(['not really a video'], { type: 'video/mp4' }));
    expect(fileUrl).toMatch(/^https:\/\/v3\.fal\.media\/files\/fake\//);
    expect(received.slice(before).map((request) => `${request.method} ${new URL(request.url).host}${new URL(request.url).pathname}`))
      .toEqual(['POST rest.fal.ai/storage/upload/initiate', expect.stringMatching(/^PUT upload\.fake\//)]);
    alive();
  });
});

describe('a fal that drops the connection after reading the request', () => {
  const submit = { 'x-fal-target-url': `https://queue.fal.run/${V2V}`, 'content-type': 'application/json' };
  beforeAll(() => { dropping = true; });
  afterAll(() => { dropping = false; });

  for (const [name, route] of Object.entries(ROUTES)) {
    it(`${name}: a submit and a run are answered 502 proxy_failed, the process stays alive, and each hold stays held`, async () => {
      const user = `dora-${route.split('/')[1]}`;
      const before = received.length;
      const submitted = await send(route, 'POST', { ...submit, 'x-user': user }, JSON.stringify(SDR_540));
      expect(submitted).toMatchObject({ status: 502, code: 'proxy_failed' });
      expect(JSON.parse(submitted.text)).toMatchObject({ error: { message: expect.stringContaining('its hold is kept') } });
      alive();
      const ran = await send(route, 'POST', { ...submit, 'x-fal-target-url': `https://fal.run/${V2V}`, 'x-user': user }, JSON.stringify(SDR_540));
      expect(ran).toMatchObject({ status: 502, code: 'proxy_failed' });
      alive();
      // fal read both: either may have started a billed job, so neither hold is released.
      expect(received.length - before).toBe(2);
      expect(await statusOf(user)).toMatchObject({ spent: '0.00', reserved: '1.44' });
    });
  }

  // The client's queue retry policy (3 retries on 502, waits from 1 s) is fixed: this test waits ~7 s.
  it('the browser\'s client retries a submit answered 502: each attempt is its own hold', async () => {
    const browser = createFalClient({
      proxyUrl: { url: `${app.origin}/api/fal/proxy`, when: 'always' },
      requestMiddleware: async (request) => ({ ...request, headers: { ...request.headers, 'x-user': 'frank' } }),
    });
    const before = received.length;
    await expect(browser.queue.submit(V2V, { input: SDR_540 })).rejects.toMatchObject({ status: 502 });
    expect(received.length - before).toBe(4);
    expect(await statusOf('frank')).toMatchObject({ spent: '0.00', reserved: '2.88' });
    alive();
  });

  it('a poll that breaks off settles nothing', async () => {
    dropping = false;
    fake.fate = 'success';
    const { text } = await send(ROUTES['with express.json()'], 'POST', { ...submit, 'x-user': 'erin' }, JSON.stringify(SDR_540));
    const requestId = (JSON.parse(text) as { request_id: string }).request_id;
    dropping = true;
    for (const poll of [`https://queue.fal.run/luma/agent/requests/${requestId}/status`, `https://queue.fal.run/luma/agent/requests/${requestId}`]) {
      expect(await send(ROUTES['with express.json()'], 'GET', { 'x-fal-target-url': poll, 'x-user': 'erin' })).toMatchObject({ status: 502, code: 'proxy_failed' });
    }
    alive();
    expect(await statusOf('erin')).toMatchObject({ spent: '0.00', reserved: '0.72' });
  });

  it('without `handler` (createHandler() mounted after the middleware), the same drop ends the process', async () => {
    const after = await startApp(fakeOrigin, { PROXY_MOUNT: 'after' });
    try {
      await send(ROUTES['with express.json()'], 'POST', submit, JSON.stringify(SDR_540), after).catch(() => undefined);
      await new Promise<void>((resolve) => {
        const wait = () => (after.exited() === undefined ? setTimeout(wait, 20) : resolve());
        wait();
      });
      expect(after.exited()).toMatch(/^exited with 1:[^]*fetch failed/);
    } finally {
      after.stop();
    }
  });
});
