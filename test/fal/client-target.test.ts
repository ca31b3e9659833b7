import { createFalClient } from '@fal-ai/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { targetOf, type GuardedMethod } from '../../src/fal/client-target.js';
import { parseFalUrl } from '../../src/fal/fal-url.js';
import { UnsupportedCallError } from '../../src/index.js';

/*
 * The guard works out where a call goes without the client's help; the real @fal-ai/client is the
 * reference. For random endpoint spellings and options, the URL the client fetches (its fetch
 * records it and stops) must be the URL targetOf computed — or targetOf refused the call.
 */

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const INPUT = { prompt: 'p', video_url: 'https://e.com/v.mp4' };

/** The URL the real client fetches first for a call (undefined: it threw before fetching). */
async function urlTheClientFetches(method: GuardedMethod, endpointId: string, options: Record<string, unknown>): Promise<string | undefined> {
  const urls: string[] = [];
  const stop = new Error('recorded');
  const client = createFalClient({
    credentials: 'test',
    // A plain Error is no transport error: never retried, one URL per call.
    fetch: (async (input: string | URL | Request) => {
      urls.push(String(input instanceof Request ? input.url : input));
      throw stop;
    }),
  });
  const call = { ...options, input: INPUT };
  try {
    if (method === 'run') await client.run(endpointId, call);
    else if (method === 'stream') await (await client.stream(endpointId, call)).done();
    else await client.queue.submit(endpointId, call);
  } catch {
    // recorded, or refused by the client itself
  }
  return urls[0];
}

const spelling = fc.constantFrom(
  V2V, 'luma/agent', `https://fal.run/${V2V}`, `https://fal.run/${V2V}/`, `https://queue.fal.run/${V2V}`,
  'https://fal.run/luma/agent', `https://fal.run/${V2V}?hdr=true`, `https://fal.run/${V2V}#x`, `https://rest.fal.ai/${V2V}`,
  `http://fal.run/${V2V}`, `https://evilfal.run/${V2V}`, `${V2V}/stream`, '123-app', 'nothing',
);
const options = fc.record({
  path: fc.constantFrom(undefined, '', '/stream', 'ray/v3.2/video-to-video', '/ray/v3.2/video-to-video', '//x', 'a//b//c'),
  query: fc.constantFrom(undefined, {}, { resolution: '1080p' }),
  subdomain: fc.constantFrom(undefined, 'queue', 'ws'),
  method: fc.constantFrom(undefined, 'post', 'POST', 'get', 'put'),
  webhookUrl: fc.constantFrom(undefined, 'https://hook.example/x?a=1'),
  url: fc.constantFrom(undefined, `https://fal.run/${V2V}/stream`, `https://queue.fal.run/${V2V}`, 'https://example.com/x'),
  queryParams: fc.constantFrom(undefined, {}, { hdr: 'true' }),
}, { requiredKeys: [] });

/** The options a method takes; the others would be refused as unknown, which is tested apart. */
const FOR: Record<'run' | 'submit' | 'stream', readonly string[]> = {
  run: ['path', 'query', 'subdomain', 'method'],
  submit: ['path', 'query', 'method', 'webhookUrl'],
  stream: ['url', 'queryParams', 'method'],
};

describe('targetOf: the URL the client builds, or a refusal', () => {
  it('matches the real client for random spellings and options (fast-check)', async () => {
    const accepted = { run: 0, submit: 0, stream: 0 };
    await fc.assert(fc.asyncProperty(fc.constantFrom('run' as const, 'submit' as const, 'stream' as const), spelling, options, async (method, endpointId, all) => {
      const picked = Object.fromEntries(Object.entries(all).filter(([key, value]) => FOR[method].includes(key) && value !== undefined));
      let target: ReturnType<typeof targetOf> | undefined;
      try {
        target = targetOf(method, endpointId, picked);
      } catch (error) {
        expect(error).toBeInstanceOf(UnsupportedCallError);
        return;
      }
      const fetched = await urlTheClientFetches(method, endpointId, picked);
      expect(fetched).toBe(target.url);
      // What is priced is the path of the URL fetched (a trailing /stream is the same endpoint).
      expect(target.endpoint).toBe(parseFalUrl(fetched!)!.endpointId!.replace(/\/stream$/, ''));
      accepted[method] += 1;
    }), { numRuns: 300 });
    // Not vacuous: each method had calls the guard accepted and checked against the client.
    expect(Math.min(accepted.run, accepted.submit, accepted.stream)).toBeGreaterThan(5);
  });

  it('prices a URL spelling, a path and a /stream suffix as the same endpoint', () => {
    expect(targetOf('run', `https://queue.fal.run/${V2V}`, {})).toMatchObject({ endpoint: V2V, phase: 'submit', app: 'luma/agent' });
    expect(targetOf('submit', 'luma/agent', { path: '/ray/v3.2/video-to-video' })).toMatchObject({
      url: `https://queue.fal.run/${V2V}`, endpoint: V2V, phase: 'submit', app: 'luma/agent',
    });
    expect(targetOf('stream', V2V, {})).toMatchObject({ url: `https://fal.run/${V2V}/stream`, endpoint: V2V, phase: 'run' });
    expect(targetOf('submit', V2V, { webhookUrl: 'https://h.example/w' }).url).toBe(`https://queue.fal.run/${V2V}?fal_webhook=https%3A%2F%2Fh.example%2Fw`);
  });

  it('refuses, naming the option, whatever could send something other than what is priced', () => {
    const refused = (method: GuardedMethod, endpointId: unknown, options: unknown) => {
      try {
        targetOf(method, endpointId, options);
      } catch (error) {
        expect(error).toBeInstanceOf(UnsupportedCallError);
        return (error as UnsupportedCallError).option;
      }
      throw new Error('not refused');
    };
    expect(refused('run', V2V, { method: 'get' })).toBe('method');
    expect(refused('run', V2V, { query: { resolution: '1080p' } })).toBe('query.resolution');
    expect(refused('stream', V2V, { queryParams: { hdr: 'true' } })).toBe('queryParams.hdr');
    expect(refused('stream', V2V, { url: 'https://example.com/x' })).toBe('url');
    expect(refused('stream', V2V, { connectionMode: 'client' })).toBe('connectionMode');
    expect(refused('run', `https://fal.run/${V2V}?hdr=true`, {})).toBe('endpointId');
    expect(refused('run', 'https://fal.ai/models/luma/agent', {})).toBe('endpointId');
    expect(refused('run', V2V, { subdomain: 'ws' })).toBe('endpointId');
    expect(refused('submit', V2V, { headers: { 'X-Fal-Target-Url': 'https://fal.run/other/model' } })).toBe('headers["X-Fal-Target-Url"]');
    expect(refused('submit', V2V, { headers: { 'x-fal-disable-fallbacks': 'false' } })).toBe('headers["x-fal-disable-fallbacks"]');
    expect(refused('subscribe', V2V, { sneaky: 1 })).toBe('sneaky');
    expect(refused('run', V2V, { timeout: 5 })).toBe('timeout');
    expect(refused('run', '', {})).toBe('endpointId');
    expect(refused('run', V2V, 'options')).toBe('options');
    expect(refused('submit', 'nothing', {})).toBe('endpointId');
    // Harmless options pass, each read once into the options handed to the client.
    expect(targetOf('submit', V2V, { priority: 'low', headers: { 'x-fal-runner-hint': 'h', traceparent: 't' }, onEnqueue: undefined }).options).toEqual({
      priority: 'low', headers: { 'x-fal-runner-hint': 'h', traceparent: 't' },
    });
  });

  it('reads every option once: a getter cannot show the guard one target and the client another', () => {
    let reads = 0;
    const options = {
      get path() {
        reads += 1;
        return reads === 1 ? 'ray/v3.2/video-to-video' : 'ray/v3.2/image-to-video';
      },
    };
    const target = targetOf('run', 'luma/agent', options);
    expect(reads).toBe(1);
    expect(target.options.path).toBe('ray/v3.2/video-to-video');
  });
});
