import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createFalClient } from '@fal-ai/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeFal } from './support/fake-fal.js';

/**
 * The README's Express setup (express.json(), budgetMiddleware, createHandler() of
 * @fal-ai/server-proxy) runs in its own OS process: a request that throws inside an async
 * Express 4 handler is an unhandled rejection and ends that process, which these tests would see.
 */
const APP = fileURLToPath(new URL('./fixtures/proxy-app.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const V2V = 'luma/agent/ray/v3.2/video-to-video';
const SDR_540 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' }; // $0.72
const ROUTES = { 'with express.json()': '/api/fal/proxy', 'without a body parser': '/raw/fal/proxy' } as const;

let fake: FakeFal;
let fakeServer: Server;
let app: ChildProcess;
let origin: string;
let exited: string | undefined;
let stderr = '';

function startApp(fakeOrigin: string): Promise<string> {
  app = spawn(process.execPath, ['--import', 'tsx', APP], {
    cwd: ROOT,
    env: { ...process.env, FAKE_FAL_ORIGIN: fakeOrigin, FAL_KEY: 'test-key' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  app.once('exit', (code, signal) => { exited = `exited with ${code ?? signal}: ${stderr}`; });
  return new Promise((resolve, reject) => {
    let buffer = '';
    app.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((text) => text.startsWith('{'));
      if (line) resolve(`http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`);
    });
    app.once('exit', () => reject(new Error(`the app exited before listening: ${stderr}`)));
  });
}

beforeAll(async () => {
  fake = new FakeFal();
  const listening = await fake.listen();
  fakeServer = listening.server;
  origin = await startApp(`http://127.0.0.1:${(fakeServer.address() as AddressInfo).port}`);
});

afterAll(async () => {
  if (exited === undefined) app.kill();
  await new Promise((resolve) => fakeServer.close(resolve));
});

interface Answer { readonly status: number; readonly text: string; readonly code: string | undefined; readonly connection: string | undefined }

/** One raw HTTP exchange with the app (node:http, so a header can be sent twice). */
function send(route: string, method: string, headers: Record<string, string | string[]>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${origin}${route}`, { method, headers: { 'x-user': 'alice', ...headers } }, (incoming) => {
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
    outgoing.on('error', (error) => reject(new Error(`${method} ${route} ${JSON.stringify(headers)}: ${error.message}; ${exited ?? 'the app is still running'}`)));
    outgoing.end(body);
  });
}

const alive = () => expect(exited, 'the app process must stay alive').toBeUndefined();

describe('HEAD, GET and OPTIONS to any fal target, through the README\'s setup', () => {
  let requestId: string;
  beforeAll(async () => {
    const browser = createFalClient({
      proxyUrl: { url: `${origin}/api/fal/proxy`, when: 'always' },
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
    ['https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', 200, 200, 200],
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
      const status = await fetch(`${origin}/status/alice`).then((response) => response.json() as Promise<{ spent: string; reserved: string }>);
      expect(status).toMatchObject({ spent: '0.72', reserved: '0.00' });
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
      const outgoing = httpRequest(`${origin}${ROUTES['without a body parser']}`, { method: 'POST', headers: { 'x-user': 'alice', ...submit, 'transfer-encoding': 'chunked' } }, (incoming) => {
        let text = '';
        incoming.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        incoming.on('end', () => {
          outgoing.destroy();
          resolve({ status: incoming.statusCode!, code: (JSON.parse(text) as { error: { code: string } }).error.code, connection: incoming.headers.connection });
        });
      });
      outgoing.on('error', (error) => reject(new Error(`${error.message}; ${exited ?? 'the app is still running'}`)));
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
      proxyUrl: { url: `${origin}/raw/fal/proxy`, when: 'always' },
      requestMiddleware: async (request) => ({ ...request, headers: { ...request.headers, 'x-user': 'bob' } }),
    });
    fake.fate = 'success';
    const result = await browser.subscribe(V2V, { input: SDR_540, pollInterval: 5 });
    expect(result.data).toMatchObject({ video: { url: expect.stringContaining(result.requestId) } });
    alive();
  });
});
