import { readFileSync } from 'node:fs';
import { createFalClient } from '@fal-ai/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/budget/ledger-types.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { BudgetExceededError, createBudgetGuard, guardedFetch } from '../../src/index.js';
import { FakeFal, type FakeFalOptions } from './support/fake-fal.js';
import { flakyServer, type FlakyServer } from './support/flaky-server.js';

/*
 * docs/guard.md's "What counts as spent" table, row by row: each row is run against the real
 * @fal-ai/client and the fake fal (in process, or over HTTP on 127.0.0.1 where a connection must
 * really break), and the hold the row is about must end as the row says. The rows are read from
 * the doc itself, so the table and this test cannot drift apart.
 */

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const T0 = Date.parse('2026-11-24T12:00:00Z');
/** $4.32 */
const HDR_1080 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true };

type HoldState = 'committed' | 'released' | 'held' | 'never reserved';

function readmeRows(): Array<{ sees: string; hold: string }> {
  const doc = readFileSync(new URL('../../docs/guard.md', import.meta.url), 'utf8');
  const start = doc.indexOf('\n## What counts as spent\n');
  if (start < 0) throw new Error('docs/guard.md has no "What counts as spent" section');
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  // The proxy's rows are run through the proxy by test/fal/proxy-settlement.test.ts.
  return section.split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| what the guard sees') && !line.startsWith('| proxy'))
    .map((line) => {
      const cells = line.slice(2, -2).split(' | ');
      return { sees: cells[0]!, hold: cells[1]! };
    });
}

/** The state a row's second cell names. */
function expectedState(cell: string): HoldState {
  const state = (['committed', 'released', 'never reserved', 'held'] as const).find((word) => cell.replaceAll('*', '').startsWith(word));
  if (!state) throw new Error(`the docs/guard.md row's outcome "${cell}" names no hold state`);
  return state;
}

interface Harness {
  readonly fake: FakeFal;
  readonly fal: ReturnType<typeof createFalClient>;
  /** Hold ids in the order they were reserved, with the requests fal had received by then. */
  readonly holds: Array<{ id: string; requestsBefore: number }>;
  state(index: number): HoldState;
}

let server: FlakyServer | undefined;
const serverFake = new FakeFal();

function harness(options: { fake?: FakeFalOptions; fetch?: (fake: FakeFal) => typeof fetch; limit?: string; overHttp?: boolean } = {}): Harness {
  const fake = options.overHttp ? serverFake : new FakeFal(options.fake);
  const holds: Array<{ id: string; requestsBefore: number }> = [];
  const settled = new Map<string, 'committed' | 'released'>();
  const inner = memoryLedger();
  const seen = () => (options.overHttp ? server!.received.length : fake.requests.length);
  const ledger: Ledger = {
    reserve: async (request) => {
      const requestsBefore = seen();
      const result = await inner.reserve(request);
      if (result.ok) holds.push({ id: request.holdId, requestsBefore });
      return result;
    },
    commit: async (holdId, now) => {
      const result = await inner.commit(holdId, now);
      if (result === 'committed') settled.set(holdId, result);
      return result;
    },
    release: async (holdId, now) => {
      const result = await inner.release(holdId, now);
      if (result === 'released') settled.set(holdId, result);
      return result;
    },
    usage: (keys, now) => inner.usage(keys, now),
    // A settle by request id moves money like commit/release: recorded under its hold the same way.
    settleRequest: async (requestId, settlement, now, app) => {
      const link = await inner.linkOf(requestId, now);
      const result = await inner.settleRequest(requestId, settlement, now, app);
      if (link && (result === 'committed' || result === 'released')) settled.set(link.holdId, result);
      return result;
    },
    link: (request) => inner.link(request),
    linkOf: (requestId, now) => inner.linkOf(requestId, now),
    journal: (query) => inner.journal(query),
    inspect: (now) => inner.inspect(now),
  };
  const guard = createBudgetGuard({ limit: options.limit ?? '100.00', now: () => T0, ledger, onWarning: () => {} });
  const base = options.overHttp ? server!.fetch : (options.fetch?.(fake) ?? fake.fetch);
  const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, base) }));
  return {
    fake, fal, holds,
    state: (index) => {
      const hold = holds[index];
      if (!hold) return 'never reserved';
      return settled.get(hold.id) ?? 'held';
    },
  };
}

/** A fetch that answers the first POST with a 5xx HTML page (a proxy's, not fal's). */
const htmlOnFirstPost = (status: number) => (fake: FakeFal) => {
  let answered = false;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    if (init?.method === 'POST' && !answered) {
      answered = true;
      return new Response(`<html>${status}</html>`, { status, headers: { 'content-type': 'text/html' } });
    }
    return fake.fetch(input, init);
  }) as typeof fetch;
};

/** A stream whose connection breaks after its first event. */
const brokenStream = (fake: FakeFal) => (async (input: string | URL | Request, init?: RequestInit) => {
  if (!String(input).endsWith('/stream')) return fake.fetch(input, init);
  await fake.fetch(input, init);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('data: {"progress":0.1}\n\n'));
      setTimeout(() => controller.error(new TypeError('terminated')), 5);
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}) as typeof fetch;

const fails = (call: Promise<unknown>) => call.then(() => undefined, (error: unknown) => error);

/** Each scenario returns the state of the hold the row is about. */
type Scenario = () => Promise<HoldState>;

const SCENARIOS: Record<string, Record<string, Scenario>> = {
  'an output: `run`/`stream` succeeded, `queue.result` answered 2xx, a status `COMPLETED` without `error`': {
    'run succeeded': async () => {
      const h = harness();
      await h.fal.run(V2V, { input: HDR_1080 });
      return h.state(0);
    },
    'stream succeeded': async () => {
      const h = harness();
      const stream = await h.fal.stream(V2V, { input: HDR_1080 });
      await stream.done();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return h.state(0);
    },
    'queue.result 2xx': async () => {
      const h = harness();
      const { request_id: requestId } = await h.fal.queue.submit(V2V, { input: HDR_1080 });
      await h.fal.queue.result(V2V, { requestId });
      return h.state(0);
    },
    'status COMPLETED': async () => {
      const h = harness();
      const { request_id: requestId } = await h.fal.queue.submit(V2V, { input: HDR_1080 });
      await h.fal.queue.status(V2V, { requestId });
      return h.state(0);
    },
  },
  'a 422, at submit, run or result (fal may bill it)': {
    'submit 422': async () => {
      const h = harness({ fake: { submitFailures: [422] } });
      await fails(h.fal.queue.submit(V2V, { input: HDR_1080 }));
      return h.state(0);
    },
    'run 422': async () => {
      const h = harness({ fake: { runFailures: [422] } });
      await fails(h.fal.run(V2V, { input: HDR_1080 }));
      return h.state(0);
    },
    'result 422': async () => {
      const h = harness({ fake: { fate: 'fail_422' } });
      await fails(h.fal.subscribe(V2V, { input: HDR_1080, pollInterval: 1 }));
      return h.state(0);
    },
  },
  "a 5xx answer from fal, i.e. with fal's JSON error body (fal never bills a 5xx)": {
    'submit 500': async () => {
      const h = harness({ fake: { submitFailures: [500] } });
      await fails(h.fal.queue.submit(V2V, { input: HDR_1080 }));
      return h.state(0);
    },
    'run 500': async () => {
      const h = harness({ fake: { runFailures: [500] } });
      await fails(h.fal.run(V2V, { input: HDR_1080 }));
      return h.state(0);
    },
    'result 500': async () => {
      const h = harness({ fake: { fate: 'fail_500' } });
      await fails(h.fal.subscribe(V2V, { input: HDR_1080, pollInterval: 1 }));
      return h.state(0);
    },
  },
  "a 5xx without fal's body (a proxy's error page, a dropped stream)": {
    "submit 500 with a proxy's page": async () => {
      const h = harness({ fetch: htmlOnFirstPost(500) });
      await fails(h.fal.queue.submit(V2V, { input: HDR_1080 }));
      return h.state(0);
    },
    'a stream whose connection broke': async () => {
      const h = harness({ fetch: brokenStream });
      const stream = await h.fal.stream(V2V, { input: HDR_1080 });
      expect(await fails(stream.done())).toMatchObject({ status: 500 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      return h.state(0);
    },
  },
  'a submit refused with any other 4xx (nothing was queued)': {
    'submit 400': async () => {
      const h = harness({ fake: { submitFailures: [400] } });
      await fails(h.fal.queue.submit(V2V, { input: HDR_1080 }));
      return h.state(0);
    },
    'submit 403': async () => {
      const h = harness({ fake: { submitFailures: [403] } });
      await fails(h.fal.queue.submit(V2V, { input: HDR_1080 }));
      return h.state(0);
    },
  },
  '`run`/`stream` refused at the door: 401, 402, 403, 404, 405, 429': Object.fromEntries([401, 402, 403, 404, 405].map((status) => [
    `run ${status}`,
    async () => {
      const h = harness({ fake: { runFailures: [status] } });
      await fails(h.fal.run(V2V, { input: HDR_1080 }));
      return h.state(0);
    },
  ])),
  'any other 4xx from `run`/`stream` (the app ran)': {
    'run 400': async () => {
      const h = harness({ fake: { runFailures: [400] } });
      await fails(h.fal.run(V2V, { input: HDR_1080 }));
      return h.state(0);
    },
    'stream 400': async () => {
      const h = harness({ fake: { runFailures: [400] } });
      const stream = await h.fal.stream(V2V, { input: HDR_1080 });
      await fails(stream.done());
      await new Promise((resolve) => setTimeout(resolve, 5));
      return h.state(0);
    },
  },
  "an attempt the client retries after a 429, or a 502/503/504 with fal's JSON body (fal refused it); its retry is reserved as a new hold before it is sent": {
    'submit 429, then accepted': async () => {
      const h = harness({ fake: { submitFailures: [429] } });
      await h.fal.queue.submit(V2V, { input: HDR_1080 });
      expect(h.fake.submits()).toBe(2);
      // The retry's hold was reserved after the first attempt, before the second reached fal.
      expect(h.holds.map((hold) => hold.requestsBefore)).toEqual([0, 1]);
      expect(h.state(1)).toBe('held');
      return h.state(0);
    },
    'run 503, then succeeded': async () => {
      const h = harness({ fake: { runFailures: [503] } });
      await h.fal.run(V2V, { input: HDR_1080 });
      expect(h.holds.map((hold) => hold.requestsBefore)).toEqual([0, 1]);
      expect(h.state(1)).toBe('committed');
      return h.state(0);
    },
  },
  "an attempt the client retries after a broken connection, or a 502/503/504 without fal's body (fal may have started it); its retry is reserved as a new hold before it is sent": {
    'submit dropped after fal read it, then accepted': async () => {
      const h = harness({ overHttp: true });
      server!.dropPosts = 1;
      const before = server!.received.length;
      await h.fal.queue.submit(V2V, { input: HDR_1080 });
      expect(server!.received.length - before).toBe(2);
      expect(h.holds.map((hold) => hold.requestsBefore - before)).toEqual([0, 1]);
      expect(h.state(1)).toBe('held');
      return h.state(0);
    },
    "run 502 with a proxy's page, then succeeded": async () => {
      const h = harness({ fetch: htmlOnFirstPost(502) });
      await h.fal.run(V2V, { input: HDR_1080 });
      expect(h.state(1)).toBe('committed');
      return h.state(0);
    },
  },
  'a retry the budget cannot hold: not sent; the call fails with `BudgetExceededError` and the attempt before it settles by the rows above': {
    'run dropped after fal read it; no room for the retry': async () => {
      const h = harness({ overHttp: true, limit: '5.00' });
      server!.dropPosts = 1;
      const before = server!.received.length;
      expect(await fails(h.fal.run(V2V, { input: HDR_1080 }))).toBeInstanceOf(BudgetExceededError);
      expect(server!.received.length - before).toBe(1);
      expect(h.state(0)).toBe('held');
      return h.state(1);
    },
  },
  'an upload of the input\'s files failed (no request was sent)': {
    'storage answered 500': async () => {
      const h = harness({
        fetch: (fake) => (async (input: string | URL | Request, init?: RequestInit) => (String(input).includes('rest.fal.ai')
          ? new Response('{"detail":"storage down"}', { status: 500, headers: { 'content-type': 'application/json' } })
          : fake.fetch(input, init))),
      });
      await fails(h.fal.queue.submit(V2V, { input: { ...HDR_1080, video_url: new Blob([new Uint8Array(8)]) } }));
      expect(h.fake.submits()).toBe(0);
      return h.state(0);
    },
  },
  'a `queue.cancel` of a request that was `IN_QUEUE` just before, accepted, and afterwards neither running nor completed with an output': {
    'cancelled while queued': async () => {
      const h = harness({ fake: { fate: 'queued' } });
      const { request_id: requestId } = await h.fal.queue.submit(V2V, { input: HDR_1080 });
      await h.fal.queue.cancel(V2V, { requestId });
      return h.state(0);
    },
  },
  'no answer: the process died, the connection broke, a result never fetched, a status-wait timeout, a result 4xx such as "still in progress"': {
    'a result never fetched': async () => {
      const h = harness();
      await h.fal.queue.submit(V2V, { input: HDR_1080 });
      return h.state(0);
    },
    'a result 400 "still in progress"': async () => {
      const h = harness({ fake: { fate: 'running' } });
      const { request_id: requestId } = await h.fal.queue.submit(V2V, { input: HDR_1080 });
      await fails(h.fal.queue.result(V2V, { requestId }));
      return h.state(0);
    },
    'a run the caller aborted after fal received it': async () => {
      const controller = new AbortController();
      const h = harness({
        fetch: (fake) => (async (input: string | URL | Request, init?: RequestInit) => {
          await fake.fetch(input, init);
          controller.abort();
          throw new DOMException('This operation was aborted', 'AbortError');
        }),
      });
      await fails(h.fal.run(V2V, { input: HDR_1080, abortSignal: controller.signal }));
      return h.state(0);
    },
  },
};

beforeAll(async () => {
  server = await flakyServer(serverFake);
});
afterAll(async () => {
  await server?.close();
});

describe('docs/guard.md "What counts as spent": each row, against the real client', () => {
  const rows = readmeRows();

  it('the docs/guard.md table and this test have the same rows, in order', () => {
    expect(rows.map((row) => row.sees)).toEqual(Object.keys(SCENARIOS));
  });

  for (const row of rows) {
    describe(row.sees, () => {
      const expected = expectedState(row.hold);
      for (const [name, scenario] of Object.entries(SCENARIOS[row.sees] ?? {})) {
        it(`${name}: ${expected}`, async () => {
          expect(await scenario()).toBe(expected);
        });
      }
    });
  }
});
