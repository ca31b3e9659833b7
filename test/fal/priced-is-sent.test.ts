import { createFalClient } from '@fal-ai/client';
import { describe, expect, it } from 'vitest';
import { createBudgetGuard, Decimal, guardedFetch, InvalidRequestError, quote, UnsupportedCallError, type BudgetGuardOptions } from '../../src/index.js';
import { FakeFal } from './support/fake-fal.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const T0 = Date.parse('2026-11-24T12:00:00Z');
/** $4.32 */
const HDR_1080 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true };
/** $0.72 */
const SDR_540 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' };

function setup(options: BudgetGuardOptions = { limit: '10.00' }) {
  const fake = new FakeFal();
  const guard = createBudgetGuard({ now: () => T0, onWarning: () => {}, ...options });
  const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) }));
  return { fake, guard, fal };
}

const posts = (fake: FakeFal) => fake.requests.filter((request) => request.method === 'POST');

describe('an endpoint spelled as a URL, a path or a stream URL is priced by its table', () => {
  // A declared price far below the real one: were the URL priced as "unknown", this would show.
  const cheapUnknown = { limit: '10.00', allowUnknownEndpoints: { '*': '0.01' } };

  it('run, submit, subscribe and stream, with and without the queue. subdomain', async () => {
    const { fake, guard, fal } = setup(cheapUnknown);
    await fal.run(`https://fal.run/${V2V}`, { input: SDR_540 });
    await fal.run(`https://queue.fal.run/${V2V}/`, { input: SDR_540 });
    await fal.queue.submit(`https://queue.fal.run/${V2V}`, { input: SDR_540 });
    await fal.subscribe(`https://queue.fal.run/${V2V}`, { input: SDR_540, pollInterval: 1 });
    await (await fal.stream(`https://fal.run/${V2V}`, { input: SDR_540 })).done();
    await (await fal.stream('luma/agent', { input: SDR_540, url: `https://fal.run/${V2V}/stream` })).done();
    await fal.run('luma/agent', { input: SDR_540, path: '/ray/v3.2/video-to-video' } as never);
    await fal.run(V2V, { input: SDR_540, subdomain: 'queue' } as never);
    expect(posts(fake)).toHaveLength(8);
    // Eight calls at $0.72 each, by the table; none at the declared $0.01.
    const status = await guard.status();
    expect(new Decimal(status.spent).plus(status.reserved).toFixed(2)).toBe('5.76');
  });

  it('a subscribe given a URL polls the endpoint it priced and settles', async () => {
    const { fake, guard, fal } = setup();
    const result = await fal.subscribe(`https://queue.fal.run/${V2V}`, { input: HDR_1080, pollInterval: 1 });
    expect(result.data).toEqual({ video: { url: 'https://v3.fal.media/files/fake/req-1.mp4' } });
    expect(fake.requests.map((request) => `${request.method} ${new URL(request.url).pathname}`)).toEqual([
      // The client adds a slash to a URL given as the id.
      `POST /${V2V}/`, 'GET /luma/agent/requests/req-1/status', 'GET /luma/agent/requests/req-1',
    ]);
    expect(await guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00' });
  });

  it('a path the table does not price is refused, not admitted as unknown', async () => {
    const { fake, fal } = setup();
    await expect(fal.run('luma/agent', { input: SDR_540, path: 'ray/v3.2/video-to-video/extra' } as never)).rejects.toMatchObject({ name: 'UnknownEndpointError' });
    expect(fake.requests).toEqual([]);
  });
});

describe('what could send something else is refused before anything is sent', () => {
  const cases: Array<[string, (fal: ReturnType<typeof setup>['fal']) => Promise<unknown>, string]> = [
    ["run with method 'get' (input as query strings)", (fal) => fal.run(V2V, { input: SDR_540, method: 'get' }), 'method'],
    ['submit with a PUT', (fal) => fal.queue.submit(V2V, { input: SDR_540, method: 'put' }), 'method'],
    ['run with query parameters', (fal) => fal.run(V2V, { input: SDR_540, query: { hdr: 'true' } } as never), 'query.hdr'],
    ['a URL carrying a query', (fal) => fal.run(`https://fal.run/${V2V}?resolution=1080p`, { input: SDR_540 }), 'endpointId'],
    ['a stream to another host', (fal) => fal.stream(V2V, { input: SDR_540, url: 'https://example.com/stream' }), 'url'],
    ['a stream to the queue', (fal) => fal.stream(V2V, { input: SDR_540, url: `https://queue.fal.run/${V2V}` }), 'url'],
    ['a stream from the browser (client mode)', (fal) => fal.stream(V2V, { input: SDR_540, connectionMode: 'client' }), 'connectionMode'],
    ['a URL on a host that only looks like fal', (fal) => fal.run(`https://notfal.run/${V2V}`, { input: SDR_540 }), 'endpointId'],
    ['a submit to fal.run, which would run unqueued', (fal) => fal.queue.submit(`https://fal.run/${V2V}`, { input: SDR_540 }), 'endpointId'],
    ['a submit header a proxy would follow', (fal) => fal.queue.submit(V2V, { input: SDR_540, headers: { 'x-fal-target-url': `https://fal.run/${V2V}` } }), 'headers["x-fal-target-url"]'],
    ['an option the guard does not know', (fal) => fal.subscribe(V2V, { input: SDR_540, endpointOverride: 'x' } as never), 'endpointOverride'],
  ];
  for (const [name, call, option] of cases) {
    it(name, async () => {
      const { fake, guard, fal } = setup();
      const error = await call(fal).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnsupportedCallError);
      expect((error as UnsupportedCallError).option).toBe(option);
      expect(fake.requests).toEqual([]);
      expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.00' });
    });
  }
});

describe('the priced input and the sent input are the same bytes', () => {
  /** The quote of what fal received, from its URL and body. */
  const priceOfSent = (fake: FakeFal) => posts(fake).map((request) => quote(new URL(request.url).pathname.slice(1), JSON.parse(request.body!), { at: T0, strict: true }).total);

  it('a "__proto__" key is refused, at any depth', async () => {
    const { fake, fal } = setup();
    await expect(fal.run(V2V, { input: JSON.parse(`{"prompt":"p","video_url":"https://e.com/v.mp4","__proto__":{"hdr":true}}`) })).rejects.toMatchObject({
      name: 'InvalidRequestError', issues: [{ path: ['__proto__'], code: 'forbidden_key' }],
    });
    await expect(fal.run(V2V, { input: { ...SDR_540, extra: JSON.parse('{"__proto__":{}}') } })).rejects.toMatchObject({ issues: [{ path: ['extra', '__proto__'] }] });
    expect(fake.requests).toEqual([]);
  });

  it('inherited fields are neither priced nor sent, even through a polluted Object.prototype', async () => {
    const { fake, guard, fal } = setup();
    const input = Object.assign(Object.create({ resolution: '1080p', hdr: true }), SDR_540);
    await fal.run(V2V, { input });
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.duration = '10s';
    try {
      await fal.run(V2V, { input: { ...SDR_540 } });
    } finally {
      delete polluted.duration;
    }
    expect(posts(fake).map((request) => JSON.parse(request.body!))).toEqual([SDR_540, SDR_540]);
    expect(priceOfSent(fake)).toEqual(['0.72', '0.72']);
    expect((await guard.status()).spent).toBe('1.44');
  });

  it('a getter, a nested toJSON, a Date and undefined fields: priced as sent', async () => {
    const { fake, guard, fal } = setup();
    let reads = 0;
    const input = {
      ...SDR_540,
      get resolution() {
        reads += 1;
        return reads === 1 ? '720p' : '1080p';
      },
      seed: undefined,
      meta: { at: new Date(T0), nested: { toJSON: () => ({ hdr: true }) } },
    };
    await fal.run(V2V, { input });
    expect(reads).toBe(1);
    expect(JSON.parse(posts(fake)[0]!.body!)).toEqual({ ...SDR_540, resolution: '720p', meta: { at: '2026-11-24T12:00:00.000Z', nested: { hdr: true } } });
    expect((await guard.status()).spent).toBe(priceOfSent(fake)[0]);
  });

  it('a Blob outside a media field is refused, even where no table would check the field', async () => {
    const { fake, fal } = setup({ limit: '10.00', allowUnknownEndpoints: { 'fal-ai/other': '0.50' } });
    const blob = new Blob([new Uint8Array(16)]);
    await expect(fal.run('fal-ai/other', { input: { prompt: blob } })).rejects.toMatchObject({ issues: [{ path: ['prompt'], code: 'blob_not_media' }] });
    await expect(fal.run('fal-ai/other', { input: { nested: { video_url: blob } } })).rejects.toMatchObject({ issues: [{ path: ['nested', 'video_url'], code: 'blob_not_media' }] });
    await expect(fal.run('fal-ai/other', { input: { image_urls: [[blob]] } })).rejects.toBeInstanceOf(InvalidRequestError);
    expect(fake.requests).toEqual([]);
    // In a media field, and as an item of one, it is uploaded once reserved and sent as its URL.
    await fal.run('fal-ai/other', { input: { image_url: blob, image_urls: ['https://e.com/a.png', blob] } });
    expect(fake.uploads()).toBe(4);
    expect(JSON.parse(posts(fake).at(-1)!.body!)).toEqual({
      image_url: 'https://v3.fal.media/files/fake/1.bin', image_urls: ['https://e.com/a.png', 'https://v3.fal.media/files/fake/2.bin'],
    });
  });

  it('a cycle, a symbol, or nesting deeper than any request is a typed error naming the field', async () => {
    const { fake, fal } = setup();
    const cyclic: Record<string, unknown> = { ...SDR_540 };
    cyclic.self = cyclic;
    await expect(fal.run(V2V, { input: cyclic })).rejects.toMatchObject({ issues: [{ path: ['self'], code: 'not_json' }] });
    await expect(fal.run(V2V, { input: { ...SDR_540, tag: Symbol('x') } })).rejects.toMatchObject({ issues: [{ path: ['tag'] }] });
    let deep: unknown = 'end';
    for (let index = 0; index < 10_000; index += 1) deep = { deep };
    await expect(fal.run(V2V, { input: { ...SDR_540, deep } })).rejects.toMatchObject({ issues: [{ code: 'too_deep' }] });
    expect(fake.requests).toEqual([]);
  });
});
