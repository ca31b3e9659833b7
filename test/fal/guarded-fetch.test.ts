import { createFalClient, withMiddleware } from '@fal-ai/client';
import { afterEach, describe, expect, it } from 'vitest';
import { BudgetExceededError, createBudgetGuard, guardedFetch, UnsupportedCallError, type BudgetGuard } from '../../src/index.js';
import { FakeFal } from './support/fake-fal.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const T0 = Date.parse('2026-11-24T12:00:00Z');
/** $4.32 */
const HDR_1080 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true };

const guardOf = (limit = '10.00') => createBudgetGuard({ limit, now: () => T0, onWarning: () => {} });
const clientOf = (guard: BudgetGuard, fake: FakeFal, extra: Record<string, unknown> = {}) =>
  createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch), ...extra });

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('a client without guardedFetch is refused before anything is sent', () => {
  it('over real HTTP: the server receives nothing, the guard reserves nothing', async () => {
    const fake = new FakeFal();
    const { server, origin } = await fake.listen();
    closers.push(() => new Promise((resolve) => { server.close(() => resolve()); }));
    const guard = guardOf();
    // The plain global fetch, pointed at the local fake fal: no guardedFetch in between.
    const plain = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      return globalThis.fetch(`${origin}${url.pathname}${url.search}`, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-fake-host': url.host } });
    }) as typeof fetch;
    const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: plain }));
    for (const call of [() => fal.run(V2V, { input: HDR_1080 }), () => fal.queue.submit(V2V, { input: HDR_1080 }), () => fal.stream(V2V, { input: HDR_1080 })]) {
      const error = await call().then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnsupportedCallError);
      expect(error).toMatchObject({ option: 'fetch' });
    }
    // The check's request carried an aborted signal: the real fetch sent nothing at all.
    expect(fake.requests).toEqual([]);
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.00' });
  });

  it("another guard's guardedFetch is not this guard's", async () => {
    const fake = new FakeFal();
    const guard = guardOf();
    const fal = guard.wrap(clientOf(guardOf(), fake));
    await expect(fal.run(V2V, { input: HDR_1080 })).rejects.toMatchObject({ name: 'UnsupportedCallError', option: 'fetch' });
    expect(fake.count((request) => request.method === 'POST')).toBe(0);
  });
});

describe('guardedFetch refuses what no guarded call priced', () => {
  it("the unwrapped client's run and submit never leave; its polls and uploads do", async () => {
    const fake = new FakeFal();
    const guard = guardOf();
    const raw = clientOf(guard, fake);
    await expect(raw.run(V2V, { input: HDR_1080 })).rejects.toBeInstanceOf(UnsupportedCallError);
    await expect(raw.queue.submit(V2V, { input: HDR_1080 })).rejects.toBeInstanceOf(UnsupportedCallError);
    await expect(raw.run(V2V, { input: HDR_1080, method: 'get' })).rejects.toBeInstanceOf(UnsupportedCallError);
    expect(fake.requests).toEqual([]);
    // Reads of a request and uploads spend nothing: they pass.
    await expect(raw.queue.status(V2V, { requestId: 'req-404' })).rejects.toMatchObject({ status: 404 });
    await raw.storage.upload(new Blob([new Uint8Array(4)]));
    expect(fake.requests.map((request) => request.method)).toEqual(['GET', 'POST', 'PUT']);
  });

  it('a request middleware that moves a guarded call is caught at the fetch: not sent', async () => {
    const fake = new FakeFal();
    const guard = guardOf();
    const moved = withMiddleware(async (request) => ({ ...request, url: request.url.replace('video-to-video', 'text-to-video') }));
    const fal = guard.wrap(clientOf(guard, fake, { requestMiddleware: moved }));
    await expect(fal.run(V2V, { input: HDR_1080 })).rejects.toMatchObject({ name: 'UnsupportedCallError', option: 'fetch' });
    expect(fake.count((request) => request.method === 'POST')).toBe(0);
    // The guarded fetch refused the only attempt itself: nothing left, the hold is released.
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.00' });
  });

  it("behind the client's proxy setting, the target travels in x-fal-target-url and is checked there", async () => {
    const fake = new FakeFal();
    const guard = guardOf();
    const seen: string[] = [];
    const proxy = (async (input: string | URL | Request, init?: RequestInit) => {
      const target = new Headers(init?.headers).get('x-fal-target-url')!;
      seen.push(`${String(input)} -> ${target}`);
      return fake.fetch(target, init);
    }) as typeof fetch;
    const fal = guard.wrap(createFalClient({ fetch: guardedFetch(guard, proxy), proxyUrl: { url: 'http://app.local/api/fal/proxy', when: 'always' } }));
    await fal.run(V2V, { input: HDR_1080 });
    expect(seen).toContain(`http://app.local/api/fal/proxy -> https://fal.run/${V2V}`);
    expect(await guard.status()).toMatchObject({ spent: '4.32' });
  });
});

describe('x-fal-disable-fallbacks: the model that runs is the model priced', () => {
  it('is sent on every attempt of run, submit, subscribe and stream, and on nothing else', async () => {
    const fake = new FakeFal({ runFailures: [503] });
    const guard = guardOf('100.00');
    const fal = guard.wrap(clientOf(guard, fake));
    await fal.run(V2V, { input: HDR_1080 });
    await fal.queue.submit(V2V, { input: HDR_1080 });
    await fal.subscribe(V2V, { input: HDR_1080, pollInterval: 1 });
    await (await fal.stream(V2V, { input: HDR_1080 })).done();
    const flagged = (request: (typeof fake.requests)[number]) => request.headers?.['x-fal-disable-fallbacks'] === 'true';
    const posts = fake.requests.filter((request) => request.method === 'POST');
    // run twice (503, then the retry), submit, subscribe's submit, stream.
    expect(posts).toHaveLength(5);
    expect(posts.every(flagged)).toBe(true);
    expect(fake.requests.filter((request) => request.method !== 'POST').some(flagged)).toBe(false);
  });

  it('is left out with allowFallbacks: true, which still reserves the quote of the endpoint asked for', async () => {
    const fake = new FakeFal();
    const guard = guardOf();
    const fal = guard.wrap(clientOf(guard, fake), { allowFallbacks: true });
    await fal.run(V2V, { input: HDR_1080 });
    expect(fake.requests[0]!.headers?.['x-fal-disable-fallbacks']).toBeUndefined();
    expect(await guard.status()).toMatchObject({ spent: '4.32' });
    expect(() => guard.wrap(clientOf(guard, fake), { allowFallbacks: 'yes' as unknown as boolean })).toThrow(/allowFallbacks: must be true or false/);
  });
});

describe('a guarded attempt is sent with its headers named in lower case', () => {
  it('every name, past the kept lower-cased names too; of two spellings of one name the later value', async () => {
    const fake = new FakeFal();
    const sent: Record<string, string>[] = [];
    const recording = ((input: string | URL | Request, init?: RequestInit) => {
      if (init?.method === 'POST') sent.push({ ...(init.headers as Record<string, string>) });
      return fake.fetch(input, init);
    }) as typeof fetch;
    // More distinct names than the guard keeps lower-cased (64), and one name spelled twice.
    const extra: Record<string, string> = { 'X-Dup': 'first', 'x-dup': 'second' };
    for (let index = 0; index < 80; index += 1) extra[`X-Trace-${index}`] = `T${index}`;
    const guard = guardOf('100.00');
    const fal = guard.wrap(createFalClient({
      credentials: 'test', fetch: guardedFetch(guard, recording),
      requestMiddleware: async (request) => ({ ...request, headers: { ...request.headers, ...extra } }),
    }));
    await fal.run(V2V, { input: HDR_1080 });
    await fal.run(V2V, { input: HDR_1080 });
    expect(sent).toHaveLength(2);
    for (const headers of sent) {
      expect(Object.keys(headers).every((name) => name === name.toLowerCase())).toBe(true);
      expect(headers).toMatchObject({ authorization: 'Key test', accept: 'application/json', 'content-type': 'application/json', 'x-dup': 'second', 'x-fal-disable-fallbacks': 'true' });
      for (let index = 0; index < 80; index += 1) expect(headers[`x-trace-${index}`]).toBe(`T${index}`);
      expect(Object.keys(headers)).toHaveLength(4 + 1 + 80 + 1);
    }
  });
});

describe('a retry is a new reservation', () => {
  it('several attempts, each paid for or released by what fal answered', async () => {
    const fake = new FakeFal({ submitFailures: [429, 503] });
    const guard = guardOf('5.00');
    const fal = guard.wrap(clientOf(guard, fake));
    // Two refused attempts (each released before its retry is reserved): a 4.32 call fits in 5.00.
    const { request_id: requestId } = await fal.queue.submit(V2V, { input: HDR_1080 });
    expect(fake.submits()).toBe(3);
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '4.32' });
    await fal.queue.result(V2V, { requestId });
    expect(await guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00' });
  });

  it('a retry the budget cannot hold is not sent', async () => {
    const fake = new FakeFal();
    const guard = guardOf('5.00');
    const failing = (async (input: string | URL | Request, init?: RequestInit) => {
      if (init?.method === 'POST') {
        await fake.fetch(input, init);
        return new Response('<html>bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } });
      }
      return fake.fetch(input, init);
    }) as typeof fetch;
    const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, failing) }));
    await expect(fal.run(V2V, { input: HDR_1080 })).rejects.toBeInstanceOf(BudgetExceededError);
    // The 502 was not fal's answer: fal may have run it. It stays held; the retry never left.
    expect(fake.count((request) => request.method === 'POST')).toBe(1);
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '4.32' });
  });
});
