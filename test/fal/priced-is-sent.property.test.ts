import { createFalClient } from '@fal-ai/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFalUrl } from '../../src/fal/fal-url.js';
import { BudgetExceededError, createBudgetGuard, Decimal, guardedFetch, InvalidRequestError, quote, UnknownEndpointError, UnsupportedCallError } from '../../src/index.js';
import { FakeFal, type Fate, type RecordedRequest } from './support/fake-fal.js';

/*
 * The guard's promise as a law. Random guarded calls (run, queue.submit, subscribe, stream) with
 * random client options (path, query, url, method, subdomain, webhook) and endpoints spelled as
 * ids or URLs, with inputs that try to be priced one way and sent another (getters, toJSON,
 * inherited fields, a mutation while the reservation is awaited), against a fake fal that may
 * refuse an attempt (429, 500), bill a failure (422) or drop the connection after reading it.
 * Law: a call refused by the guard sent nothing; and for every request fal received that it may
 * bill, the guard's spent + reserved covers its price, computed by quote() from the URL and
 * body fal received. Spent + reserved never exceeds the limit.
 */

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const I2V = 'luma/agent/ray/v3.2/image-to-video';
const T0 = Date.parse('2026-11-24T12:00:00Z');

type Method = 'run' | 'submit' | 'subscribe' | 'stream';
/** What fal does with the first attempt (a retry, if the client makes one, is accepted). */
type FirstAnswer = 'accept' | '429' | 'drop' | '500' | '422';

const spellings: Record<Method, fc.Arbitrary<{ id: string; options: Record<string, unknown> }>> = {
  run: fc.constantFrom(
    { id: V2V, options: {} }, { id: `https://fal.run/${V2V}`, options: {} }, { id: `https://queue.fal.run/${V2V}`, options: {} },
    { id: 'luma/agent', options: { path: '/ray/v3.2/video-to-video' } }, { id: V2V, options: { subdomain: 'queue' } },
    { id: V2V, options: { subdomain: 'evil' } }, { id: V2V, options: { method: 'get' } }, { id: V2V, options: { method: 'POST' } },
    { id: V2V, options: { query: { resolution: '1080p' } } }, { id: V2V, options: { query: {} } }, { id: `https://fal.run/${V2V}?hdr=true`, options: {} },
    { id: 'luma/agent', options: { path: 'ray/v3.2/image-to-video' } },
  ),
  submit: fc.constantFrom(
    { id: V2V, options: {} }, { id: `https://queue.fal.run/${V2V}`, options: {} }, { id: `https://fal.run/${V2V}`, options: {} },
    { id: 'luma/agent', options: { path: 'ray/v3.2/video-to-video' } }, { id: V2V, options: { webhookUrl: 'https://h.example/w' } },
    { id: V2V, options: { query: { hdr: 'true' } } }, { id: V2V, options: { method: 'get' } }, { id: I2V, options: { priority: 'low' } },
    { id: V2V, options: { headers: { 'x-fal-target-url': `https://fal.run/${I2V}` } } },
  ),
  subscribe: fc.constantFrom(
    { id: V2V, options: { pollInterval: 1 } }, { id: `https://queue.fal.run/${V2V}`, options: { pollInterval: 1 } },
    { id: 'luma/agent', options: { path: '/ray/v3.2/video-to-video', pollInterval: 1 } }, { id: V2V, options: { pollInterval: 1, method: 'put' } },
  ),
  stream: fc.constantFrom(
    { id: V2V, options: {} }, { id: `https://fal.run/${V2V}`, options: {} }, { id: 'luma/agent', options: { url: `https://fal.run/${V2V}/stream` } },
    { id: V2V, options: { url: 'https://example.com/stream' } }, { id: V2V, options: { queryParams: { hdr: 'true' } } }, { id: `${V2V}/stream`, options: {} },
  ),
};

/** Inputs, some honest, some trying to be priced cheaper than they are sent. */
const VIDEO = { prompt: 'p', video_url: 'https://e.com/v.mp4' };
const IMAGE = { prompt: 'p', image_url: 'https://e.com/i.png' };
type InputMaker = () => { input: unknown; afterCall?: () => void };
const inputs: Record<string, InputMaker> = {
  'sdr 540p': () => ({ input: { ...VIDEO, ...IMAGE } }),
  'hdr 1080p 10s': () => ({ input: { ...VIDEO, ...IMAGE, resolution: '1080p', hdr: true, duration: '10s' } }),
  'getter cheap then dear': () => {
    let reads = 0;
    return { input: { ...VIDEO, ...IMAGE, get resolution() { reads += 1; return reads === 1 ? '540p' : '1080p'; } } };
  },
  'toJSON dear': () => ({ input: { ...VIDEO, ...IMAGE, toJSON: () => ({ ...VIDEO, ...IMAGE, resolution: '1080p', duration: '10s' }) } }),
  'inherited hdr': () => ({ input: Object.assign(Object.create({ hdr: true, resolution: '1080p' }), VIDEO, IMAGE) }),
  'mutated while reserving': () => {
    const input: Record<string, unknown> = { ...VIDEO, ...IMAGE };
    return { input, afterCall: () => Object.assign(input, { resolution: '1080p', duration: '10s' }) };
  },
  'undefined fields': () => ({ input: { ...VIDEO, ...IMAGE, seed: undefined, resolution: undefined } }),
};

interface Call {
  readonly method: Method;
  readonly spelling: { id: string; options: Record<string, unknown> };
  readonly input: string;
  readonly first: FirstAnswer;
  readonly fate: Extract<Fate, 'success' | 'fail_422' | 'fail_500'>;
}

const call: fc.Arbitrary<Call> = fc.constantFrom<Method>('run', 'submit', 'subscribe', 'stream').chain((method) => fc.record({
  method: fc.constant(method),
  spelling: spellings[method],
  input: fc.constantFrom(...Object.keys(inputs)),
  // Retries cost the client's real backoff (0.5-1 s): rare.
  first: fc.oneof({ weight: 12, arbitrary: fc.constant<FirstAnswer>('accept') }, { weight: 1, arbitrary: fc.constantFrom<FirstAnswer>('429', 'drop') }, { weight: 2, arbitrary: fc.constantFrom<FirstAnswer>('500', '422') }),
  fate: fc.constantFrom('success' as const, 'fail_422' as const, 'fail_500' as const),
}));

interface Exchange {
  readonly request: RecordedRequest;
  /** The answer's status, or undefined when the connection was dropped after fal read it. */
  readonly status: number | undefined;
  readonly requestId: string | undefined;
}

const errorJson = (status: number) => new Response(JSON.stringify({ detail: `fake ${status}` }), { status, headers: { 'content-type': 'application/json' } });

/** The price of what fal received, read back from the URL and body alone. */
function priceOfReceived(request: RecordedRequest): string {
  const endpoint = parseFalUrl(request.url)!.endpointId!.replace(/\/stream$/, '');
  return quote(endpoint, JSON.parse(request.body ?? 'null'), { at: T0, strict: true }).total;
}

describe('what is priced is what is sent (fast-check over client options and inputs)', () => {
  it('refused calls send nothing; what fal may bill is covered by spent + reserved', async () => {
    const seen = { sent: 0, refused: 0, retried: 0 };
    await fc.assert(fc.asyncProperty(fc.constantFrom('2.00', '6.00', '30.00'), fc.array(call, { minLength: 1, maxLength: 4 }), async (limit, calls) => {
      const fake = new FakeFal();
      const exchanges: Exchange[] = [];
      let firstAnswer: FirstAnswer = 'accept';
      const toFal = (async (input: string | URL | Request, init?: RequestInit) => {
        if (init?.method !== 'POST' || new URL(String(input)).host === 'rest.fal.ai') return fake.fetch(input, init);
        const answer = firstAnswer;
        firstAnswer = 'accept';
        if (answer === '429' || answer === '500' || answer === '422') {
          // Received, and answered as refused (429, 500) or as failed but billable (422).
          exchanges.push({ request: { method: 'POST', url: String(input), body: String(init.body) }, status: Number(answer), requestId: undefined });
          return errorJson(Number(answer));
        }
        const response = await fake.fetch(input, init);
        const request = fake.requests.at(-1)!;
        const requestId = response.headers.get('x-fal-request-id') ?? undefined;
        if (answer === 'drop') {
          exchanges.push({ request, status: undefined, requestId });
          throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
        }
        exchanges.push({ request, status: response.status, requestId });
        return response;
      }) as typeof fetch;
      const guard = createBudgetGuard({ limit, now: () => T0, onWarning: () => {} });
      const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, toFal), retry: { baseDelay: 1, maxDelay: 1 } }));

      for (const planned of calls) {
        const { input, afterCall } = inputs[planned.input]!();
        // Options the client's types do not list (path, subdomain, query) are the point: untyped.
        const options = { ...planned.spelling.options, input } as never;
        fake.fate = planned.fate;
        firstAnswer = planned.first;
        const before = exchanges.length;
        let pending: Promise<unknown>;
        if (planned.method === 'run') pending = fal.run(planned.spelling.id, options);
        else if (planned.method === 'submit') pending = fal.queue.submit(planned.spelling.id, options);
        else if (planned.method === 'subscribe') pending = fal.subscribe(planned.spelling.id, options);
        else pending = fal.stream(planned.spelling.id, options).then((stream) => stream.done());
        afterCall?.();
        const error = await pending.then(() => undefined, (caught: unknown) => caught);
        firstAnswer = 'accept';
        // Let a stream's settlement (on done) land before looking.
        await new Promise((resolve) => setTimeout(resolve, 1));
        const sent = exchanges.slice(before);
        seen.sent += sent.length > 0 ? 1 : 0;
        seen.refused += error instanceof UnsupportedCallError ? 1 : 0;
        seen.retried += sent.length > 1 ? 1 : 0;
        if (error instanceof UnsupportedCallError || error instanceof InvalidRequestError || error instanceof UnknownEndpointError) {
          expect(sent, `${planned.method} ${planned.spelling.id} refused by the guard, yet sent`).toEqual([]);
        }
        if (error instanceof BudgetExceededError && sent.length > 0) {
          // Only a retry can be refused after something was sent: the attempt before it failed.
          expect(sent.at(-1)!.status === undefined || sent.at(-1)!.status === 429).toBe(true);
        }
        const status = await guard.status();
        expect(new Decimal(status.spent).plus(status.reserved).lte(limit)).toBe(true);
      }

      // What fal may bill: a dropped request (it may have run), a 2xx or 422 answer, except a
      // queued job whose result failed with a 5xx (fal does not bill it).
      const billable = exchanges.filter((exchange) => {
        if (exchange.status === undefined) return true;
        if (exchange.status === 429 || exchange.status >= 500) return false;
        const job = exchange.requestId ? fake.queued.get(exchange.requestId) : undefined;
        return job === undefined || job.fate !== 'fail_500';
      });
      const owed = billable.reduce((sum, exchange) => sum.plus(priceOfReceived(exchange.request)), new Decimal(0));
      const status = await guard.status();
      expect(new Decimal(status.spent).plus(status.reserved).gte(owed), `owed ${owed.toFixed(2)}, spent ${status.spent} + reserved ${status.reserved}`).toBe(true);
    }), {
      numRuns: 40,
      // Retries are rare in random runs (they cost real backoff): one run that surely has them.
      examples: [['30.00', [
        { method: 'run', spelling: { id: V2V, options: {} }, input: 'getter cheap then dear', first: 'drop', fate: 'success' },
        { method: 'submit', spelling: { id: `https://queue.fal.run/${V2V}`, options: {} }, input: 'toJSON dear', first: '429', fate: 'success' },
      ]]],
    });
    // Not vacuous: calls went out, calls were refused, attempts were retried.
    expect(seen.sent).toBeGreaterThan(10);
    expect(seen.refused).toBeGreaterThan(5);
    expect(seen.retried).toBeGreaterThan(0);
  }, 120_000);
});
