import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { billingEvents, billingRanges, MAX_RANGE_MS } from '../../src/fal/platform/billing-events.js';
import { endpointPrices } from '../../src/fal/platform/endpoint-prices.js';
import { FalPlatformError } from '../../src/fal/platform/fal-platform-error.js';
import { parseExactJson } from '../../src/fal/platform/parse-exact-json.js';
import { falPlatformClient } from '../../src/fal/platform/platform-client.js';
import { billingRow, FakePlatform } from './support/fake-platform.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const platform = new FakePlatform();
beforeAll(async () => {
  await platform.start();
});
afterAll(() => platform.stop());
beforeEach(() => {
  platform.events = [];
  platform.prices.clear();
  platform.calls.length = 0;
  platform.rateLimited = 0;
  platform.truncateNext = false;
  platform.endless = undefined;
});

const client = (options: Parameters<typeof falPlatformClient>[0] = {}) => falPlatformClient({ key: platform.key, baseUrl: platform.url, retryDelayMs: 0, ...options });

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function caught(promise: Promise<unknown>): Promise<FalPlatformError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(FalPlatformError);
  return error as FalPlatformError;
}

describe('billing events', () => {
  it('pages through every event with the cursor, numbers exact (a cost above 2^53 nano-USD too)', async () => {
    platform.events = Array.from({ length: 7 }, (_, index) => billingRow(`r${index}`, V2V, `2026-11-2${index}T10:00:00Z`, '720000000'));
    platform.events.push(billingRow('big', V2V, '2026-11-27T10:00:00Z', '9007199254740993', '0.10000000000000000001'));
    const events = await all(billingEvents(client(), { since: Date.parse('2026-11-20'), until: Date.parse('2026-12-01'), pageSize: 3 }));
    expect(events.map((event) => event.requestId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'big']);
    expect(events.at(-1)).toMatchObject({ costNanoUsd: 9007199254740993n, unitPrice: '0.10000000000000000001', outputUnits: '1', percentDiscount: '0' });
    expect(platform.calls.map((call) => call.query.cursor)).toEqual([undefined, '3', '6']);
    expect(platform.calls[0]).toMatchObject({ path: '/v1/models/billing-events', authorization: `Key ${platform.key}`, query: { start: '2026-11-20T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', limit: '3' } });
  });

  it('a range over 90 days is asked in 90-day pieces, in order, with nothing lost or repeated at the seams', async () => {
    const since = Date.parse('2026-01-01');
    const until = Date.parse('2026-12-01');
    const seam = since + MAX_RANGE_MS;
    platform.events = [
      billingRow('before-seam', V2V, new Date(seam - 1).toISOString(), '1'),
      billingRow('at-seam', V2V, new Date(seam).toISOString(), '2'),
      billingRow('last', V2V, new Date(until - 1).toISOString(), '3'),
      billingRow('after', V2V, new Date(until).toISOString(), '4'),
    ];
    const events = await all(billingEvents(client(), { since, until }));
    expect(events.map((event) => event.requestId)).toEqual(['before-seam', 'at-seam', 'last']);
    expect(billingRanges(since, until)).toHaveLength(4);
    expect(platform.calls.map((call) => [call.query.start, call.query.end])).toEqual(billingRanges(since, until).map((range) => [new Date(range.start).toISOString(), new Date(range.end).toISOString()]));
  });

  it('429s are retried with backoff (Retry-After honoured) and then the answer is used', async () => {
    platform.events = [billingRow('r1', V2V, '2026-11-24T10:00:00Z', '720000000')];
    platform.rateLimited = 2;
    const events = await all(billingEvents(client(), { since: Date.parse('2026-11-24'), until: Date.parse('2026-11-25') }));
    expect(events).toHaveLength(1);
    expect(platform.calls).toHaveLength(3);
  });

  it('429 past the retries: an error naming the endpoint and status', async () => {
    platform.rateLimited = 10;
    const error = await caught(all(billingEvents(client({ retries: 2 }), { since: 0, until: 1 })));
    expect(error).toMatchObject({ code: 'platform_http_error', status: 429, endpoint: '/v1/models/billing-events' });
    expect(error.message).toBe('GET /v1/models/billing-events answered 429 (after 2 retries): Rate limit exceeded');
    expect(platform.calls).toHaveLength(3);
  });

  it('401: says which endpoint refused and what to check, never the key', async () => {
    const error = await caught(all(billingEvents(client({ key: 'wrong-secret-key' }), { since: 0, until: 1 })));
    expect(error.message).toBe('GET /v1/models/billing-events answered 401 (check FAL_KEY; billing events need an ADMIN key): Invalid authentication credentials');
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain('wrong-secret-key');
  });

  it('a body cut off halfway: an error, never half the events', async () => {
    platform.events = [billingRow('r1', V2V, '2026-11-24T10:00:00Z', '720000000')];
    platform.truncateNext = true;
    const error = await caught(all(billingEvents(client(), { since: Date.parse('2026-11-24'), until: Date.parse('2026-11-25') })));
    expect(error.code).toBe('platform_malformed_response');
    expect(error.message).toMatch(/^GET \/v1\/models\/billing-events: the answer \(HTTP 200\) broke off: /);
  });

  it('no key: refused before any request', async () => {
    const error = await caught(all(billingEvents(falPlatformClient({ key: '', baseUrl: platform.url }), { since: 0, until: 1 })));
    expect(error).toMatchObject({ code: 'platform_key_missing', message: 'GET /v1/models/billing-events: no API key: set FAL_KEY (billing events need an ADMIN key)' });
    expect(platform.calls).toEqual([]);
  });

  it('nothing listening: platform_unreachable', async () => {
    const error = await caught(all(billingEvents(client({ baseUrl: 'http://127.0.0.1:1' }), { since: 0, until: 1 })));
    expect(error.code).toBe('platform_unreachable');
  });

  const badRows: [string, string, string][] = [
    ['a fractional nano-USD cost', billingRow('r1', V2V, '2026-11-24T10:00:00Z', '720000000.5'), 'request r1: cost_estimate_nano_usd: must be a whole number of nano-USD (got "720000000.5")'],
    ['a cost in exponent form', billingRow('r1', V2V, '2026-11-24T10:00:00Z', '7.2e8'), 'request r1: cost_estimate_nano_usd: must be a whole number of nano-USD (got "7.2e8")'],
    ['a timestamp without an offset', billingRow('r1', V2V, '2026-11-24T10:00:00', '1'), 'request r1: timestamp: must be an ISO 8601 date-time with an offset (got "2026-11-24T10:00:00")'],
    ['no request id', '{"endpoint_id":"x","timestamp":"2026-11-24T10:00:00Z","cost_estimate_nano_usd":1}', 'request_id: must be a non-empty string'],
  ];
  for (const [label, row, message] of badRows) {
    it(`a row with ${label}: an error naming the field`, async () => {
      const error = await caught(all(served(row)));
      expect(error.message).toBe(`GET /v1/models/billing-events: ${message}`);
    });
  }
});

describe('paging that would never end', () => {
  const day = { since: Date.parse('2026-11-24'), until: Date.parse('2026-11-25') };

  it('an empty page that says has_more: an error after that one page', async () => {
    platform.endless = 'empty';
    const error = await caught(all(billingEvents(client(), day)));
    expect(error).toMatchObject({ code: 'platform_malformed_response', endpoint: '/v1/models/billing-events' });
    expect(error.message).toBe('GET /v1/models/billing-events: page 1 has no billing_events but says has_more: true');
    expect(platform.calls).toHaveLength(1);
  });

  it('rows and a new cursor on every page: an error naming maxPages once that many pages are read', async () => {
    platform.endless = 'rows';
    const seen: string[] = [];
    const error = await caught((async () => {
      for await (const event of billingEvents(client({ maxPages: 5 }), day)) seen.push(event.requestId);
    })());
    expect(error).toMatchObject({ code: 'platform_page_limit', status: 200, endpoint: '/v1/models/billing-events' });
    expect(error.message).toBe("GET /v1/models/billing-events: still has_more after 5 pages (the client's maxPages): stopped rather than page on; ask for less, e.g. a shorter range");
    expect(platform.calls).toHaveLength(5);
    expect(seen).toEqual(['endless-0', 'endless-1', 'endless-2', 'endless-3', 'endless-4']);
  });

  it('exactly maxPages pages, the last without has_more: every row, no error', async () => {
    platform.events = Array.from({ length: 6 }, (_, index) => billingRow(`r${index}`, V2V, '2026-11-24T10:00:00Z', '1'));
    const events = await all(billingEvents(client({ maxPages: 3 }), { ...day, pageSize: 2 }));
    expect(events).toHaveLength(6);
    expect(platform.calls).toHaveLength(3);
  });

  it('the default is 1000 pages; maxPages must be a whole number >= 1', () => {
    expect(client().maxPages).toBe(1000);
    for (const bad of [0, 1.5, -1]) expect(() => client({ maxPages: bad })).toThrow(`maxPages: must be a whole number >= 1 (got ${bad})`);
  });
});

/** One raw row through billingEvents, as a client answering a single page with it. */
async function* served(row: string) {
  const fixed = { get: async () => parseExactJson(`{"billing_events":[${row}],"next_cursor":null,"has_more":false}`) };
  yield* billingEvents(fixed, { since: 0, until: 1 });
}

describe('pricing', () => {
  it('asks 50 ids a request, follows pagination, keeps prices exact', async () => {
    const ids = Array.from({ length: 120 }, (_, index) => `owner/model-${index}`);
    for (const id of ids) platform.prices.set(id, `{"endpoint_id":${JSON.stringify(id)},"unit_price":0.0000001,"unit":"video_second","currency":"USD"}`);
    platform.pricingPageSize = 20;
    const prices = await endpointPrices(client(), ids);
    expect(prices.size).toBe(120);
    expect(prices.get('owner/model-7')).toEqual({ endpointId: 'owner/model-7', unitPrice: '0.0000001', unit: 'video_second', currency: 'USD' });
    const asked = platform.calls.map((call) => call.query.endpoint_id!.split(',').length);
    expect(Math.max(...asked)).toBe(50);
    expect(new Set(platform.calls.map((call) => call.query.endpoint_id)).size).toBe(3);
    platform.pricingPageSize = 100;
  });

  it('a price that is not a number: an error naming the endpoint', async () => {
    platform.prices.set(V2V, `{"endpoint_id":"${V2V}","unit_price":"cheap","unit":"video","currency":"USD"}`);
    const error = await caught(endpointPrices(client(), [V2V]));
    expect(error.message).toBe(`GET /v1/models/pricing: ${V2V}: unit_price must be a non-negative number (got "cheap")`);
  });
});

describe('parseExactJson', () => {
  const numbersAsText = (value: unknown): unknown => {
    if (typeof value === 'number') return JSON.stringify(value);
    if (Array.isArray(value)) return value.map(numbersAsText);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, numbersAsText(item)]));
    return value;
  };

  it('properties: it is JSON.parse with every number as its exact text', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const text = JSON.stringify(value, null, 1);
      expect(parseExactJson(text)).toEqual(numbersAsText(JSON.parse(text)));
    }));
  });

  it('keeps the digits a double would lose, and refuses what JSON.parse refuses', () => {
    expect(parseExactJson('{"cost":9007199254740993,"price":0.1000000000000000055511}')).toEqual({ cost: '9007199254740993', price: '0.1000000000000000055511' });
    for (const bad of ['{', '[1,]', '01', '"a', '{"a":1}x', '1.', '-', 'NaN']) {
      expect(() => JSON.parse(bad)).toThrow(SyntaxError);
      expect(() => parseExactJson(bad)).toThrow(SyntaxError);
    }
  });
});
