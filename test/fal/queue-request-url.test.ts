import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFalUrl, queueRequestOf } from '../../src/fal/fal-url.js';

/*
 * The guarded fetch reads the polls and results that pass through it with queueRequestOf, not a
 * full parseFalUrl. It may decline any URL (the full parse then decides), but what it answers
 * must be what parseFalUrl says: a queue URL of that one request of that app.
 */

const word = fc.constantFrom('luma', 'agent', 'ray', 'v3.2', 'requests', 'status', 'stream', 'cancel', 'workflows', 'comfy', 'r-1', 'a%2Fb', '', '..', 'x y');
// Random words, or the shape of a request URL with random words in it: most are near misses.
const path = fc.oneof(
  fc.array(word, { minLength: 0, maxLength: 7 }),
  fc.tuple(fc.array(word, { minLength: 1, maxLength: 4 }), word, fc.constantFrom([], ['status'], ['status', 'stream'], ['cancel'], ['logs']))
    .map(([app, id, action]) => [...app, 'requests', id, ...action]),
);
const url = fc.tuple(
  fc.constantFrom('https://queue.fal.run/', 'https://fal.run/', 'https://QUEUE.fal.run/', 'http://queue.fal.run/', 'https://queue.fal.run:443/', 'https://rest.fal.ai/'),
  path,
  fc.constantFrom('', '/', '?logs=0', '?logs=1&x=%20', '#f', '?a=<'),
).map(([origin, words, tail]) => `${origin}${words.join('/')}${tail}`);
// Near misses alone answer only ~15 in 3,000 (7 in a bad run): well-formed polls and results of
// random apps keep the comparison from being checked on a handful of URLs.
const requestUrl = fc.tuple(
  fc.array(fc.constantFrom('luma', 'agent', 'ray', 'v3.2', 'comfy', 'r-1'), { minLength: 2, maxLength: 4 }),
  fc.constantFrom('r-1', 'abc', '0'),
  fc.constantFrom('', '/status', '/status/stream', '/cancel'),
  fc.constantFrom('', '?logs=0', '?logs=1'),
).map(([app, id, action, tail]) => `https://queue.fal.run/${app.join('/')}/requests/${id}${action}${tail}`);
const anyUrl = fc.oneof(url, requestUrl);

describe('queueRequestOf', () => {
  it('answers only what parseFalUrl says: a queue request, its app and id and action (fast-check)', () => {
    let answered = 0;
    fc.assert(fc.property(anyUrl, (text) => {
      const read = queueRequestOf(text);
      if (read === undefined) return;
      answered += 1;
      const parsed = parseFalUrl(text);
      expect(parsed?.host).toBe('queue');
      expect(parsed?.request).toEqual(read.request);
      expect(parsed?.app).toBe(read.app);
    }), { numRuns: 50_000 });
    expect(answered).toBeGreaterThan(5_000);
  });

  it('declines none of the client\'s own polls and results that parseFalUrl reads as one request (fast-check)', () => {
    fc.assert(fc.property(requestUrl, (text) => {
      const parsed = parseFalUrl(text);
      const read = queueRequestOf(text);
      if (parsed?.request === undefined) expect(read).toBeUndefined();
      else expect(read).toEqual({ app: parsed.app, request: parsed.request });
    }), { numRuns: 20_000 });
  });

  it('reads the client\'s polls and results, and declines a submit, a run and a deeper "requests"', () => {
    expect(queueRequestOf('https://queue.fal.run/luma/agent/requests/r-1/status?logs=0')).toEqual({ app: 'luma/agent', request: { id: 'r-1', action: 'status' } });
    expect(queueRequestOf('https://queue.fal.run/workflows/me/flow/requests/r')).toEqual({ app: 'workflows/me/flow', request: { id: 'r', action: 'result' } });
    expect(queueRequestOf('https://queue.fal.run/luma/agent/ray/v3.2/video-to-video')).toBeUndefined();
    expect(queueRequestOf('https://fal.run/luma/agent/requests/r-1')).toBeUndefined();
    expect(queueRequestOf('https://queue.fal.run/luma/agent/ray/requests/x')).toBeUndefined();
    expect(queueRequestOf('https://queue.fal.run/luma/agent/requests/r-1/logs')).toBeUndefined();
  });
});

describe('parseFalUrl and inherited names', () => {
  it('a path ending in "constructor" or "toString" after /requests/<id> names no request (it could be a submit)', () => {
    for (const tail of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const text = `https://queue.fal.run/luma/agent/requests/x/${tail}`;
      expect(parseFalUrl(text)?.request).toBeUndefined();
      expect(queueRequestOf(text)).toBeUndefined();
    }
  });
});
