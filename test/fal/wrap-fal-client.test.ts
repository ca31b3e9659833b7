import { createFalClient, type FalClient } from '@fal-ai/client';
import { describe, expect, it, vi } from 'vitest';
import type { Ledger, SettleResult } from '../../src/core/budget/ledger-types.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { BudgetExceededError, createBudgetGuard, guardedFetch, InvalidRequestError, UnknownEndpointError, type BudgetGuardOptions, type GuardWarning } from '../../src/index.js';
import { FakeFal, type FakeFalOptions } from './support/fake-fal.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const T0 = Date.parse('2026-11-24T12:00:00Z');
/** $4.32 */
const HDR_1080 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true };
/** $0.72 */
const SDR_540 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' };

/** The real @fal-ai/client, its fetch pointed at the fake; the guard on an injected clock. */
function setup(options: BudgetGuardOptions = { limit: '10.00' }, fakeOptions: FakeFalOptions = {}) {
  const fake = new FakeFal(fakeOptions);
  const clock = { now: T0 };
  const order: string[] = [];
  const inner = options.ledger ?? memoryLedger();
  // Records when the ledger is used, relative to the requests fal has seen.
  const ledger: Ledger = {
    reserve: async (request) => { order.push(`reserve@${fake.requests.length}`); return inner.reserve(request); },
    commit: async (holdId, now) => { order.push(`commit@${fake.requests.length}`); return inner.commit(holdId, now); },
    release: async (holdId, now) => { order.push(`release@${fake.requests.length}`); return inner.release(holdId, now); },
    usage: (keys, now) => inner.usage(keys, now),
    // A settle by request id moves money like commit/release: recorded the same way.
    settleRequest: async (requestId, settlement, now, app) => { order.push(`${settlement}@${fake.requests.length}`); return inner.settleRequest(requestId, settlement, now, app); },
    link: (request) => inner.link(request),
    linkOf: (requestId, now) => inner.linkOf(requestId, now),
    journal: (query) => inner.journal(query),
    inspect: (now) => inner.inspect(now),
  };
  const warnings: GuardWarning[] = [];
  const guard = createBudgetGuard({ now: () => clock.now, onWarning: (warning) => warnings.push(warning), ...options, ledger });
  const client = createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) });
  const fal = guard.wrap(client);
  return { fake, guard, fal, client, clock, order, warnings };
}

async function refusal(call: Promise<unknown>): Promise<BudgetExceededError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(BudgetExceededError);
  return error as BudgetExceededError;
}

describe('over budget: BudgetExceededError and not one request', () => {
  const calls: Record<string, (fal: FalClient, input: Record<string, unknown>) => Promise<unknown>> = {
    subscribe: (fal, input) => fal.subscribe(V2V, { input, pollInterval: 1 }),
    run: (fal, input) => fal.run(V2V, { input }),
    'queue.submit': (fal, input) => fal.queue.submit(V2V, { input }),
    stream: (fal, input) => fal.stream(V2V, { input }),
    'streaming.stream': (fal, input) => fal.streaming.stream(V2V, { input }),
  };
  for (const [name, call] of Object.entries(calls)) {
    it(`${name}`, async () => {
      const { fake, fal, guard } = setup({ limit: '4.00' });
      const error = await refusal(call(fal, HDR_1080));
      expect(error.amount).toBe('4.32');
      expect(error.remaining).toBe('4.00');
      expect(error.quote?.total).toBe('4.32');
      expect(fake.requests).toEqual([]);
      expect(await guard.status()).toMatchObject({ limit: '4.00', spent: '0.00', reserved: '0.00', remaining: '4.00' });
    });
  }

  it('an input holding a Blob uploads nothing', async () => {
    const { fake, fal } = setup({ limit: '4.00' });
    const video = new Blob([new Uint8Array(64)], { type: 'video/mp4' });
    await refusal(fal.subscribe(V2V, { input: { ...HDR_1080, video_url: video } }));
    await refusal(fal.queue.submit(V2V, { input: { ...HDR_1080, video_url: video } }));
    expect(fake.requests).toEqual([]);
  });

  it('once earlier calls have spent the budget', async () => {
    const { fake, fal, guard } = setup({ limit: '5.00' });
    await fal.subscribe(V2V, { input: HDR_1080, pollInterval: 1 });
    const before = fake.requests.length;
    const error = await refusal(fal.run(V2V, { input: SDR_540 }));
    expect(fake.requests.length).toBe(before);
    expect(error).toMatchObject({ limit: '5.00', spent: '4.32', reserved: '0.00', remaining: '0.68', amount: '0.72' });
    expect((await guard.status()).spent).toBe('4.32');
  });

  it('invalid input and unknown endpoints are refused before sending', async () => {
    const { fake, fal } = setup();
    await expect(fal.subscribe(V2V, { input: { ...HDR_1080, resolution: '4k' } })).rejects.toBeInstanceOf(InvalidRequestError);
    // Strict: the provider requires a prompt, so the guard does too.
    await expect(fal.queue.submit(V2V, { input: { video_url: 'https://example.com/in.mp4' } })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(fal.run('fal-ai/flux/dev', { input: { prompt: 'x' } })).rejects.toBeInstanceOf(UnknownEndpointError);
    await expect(fal.run(V2V, {})).rejects.toBeInstanceOf(InvalidRequestError);
    // A Blob where the client would send it as text is not a media URL: refused, nothing uploaded.
    await expect(fal.subscribe(V2V, { input: { ...HDR_1080, prompt: new Blob(['a cat']) } })).rejects.toBeInstanceOf(InvalidRequestError);
    expect(fake.requests).toEqual([]);
  });

  it('the message says what the call needs and what is left, for whom and when', async () => {
    const { guard, fake } = setup({
      budgets: [{ name: 'per-user daily', limit: '25.00', window: 'day', scope: 'user', timeZone: 'America/New_York' }],
    });
    const i2v = 'luma/agent/ray/v3.2/image-to-video';
    const client = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) }), { context: { user: 42 } });
    for (let index = 0; index < 5; index += 1) {
      await client.subscribe(i2v, { input: { prompt: 'p', image_url: 'https://example.com/i.png', resolution: '1080p', duration: '10s' }, pollInterval: 1 });
    }
    const error = await refusal(client.subscribe(V2V, { input: { ...HDR_1080, duration: '10s' } }));
    expect(error.message).toMatchInlineSnapshot(`"needs $8.64; $5.00 left of $25.00 today for user 42 (spent $20.00, reserved $0.00; budget "per-user daily"; luma/agent/ray/v3.2/video-to-video)"`);
    expect(error.code).toBe('budget_exceeded');
    expect(error.budget).toEqual({
      name: 'per-user daily',
      key: 'per-user%20daily/user=42/day=2026-11-24@America%2FNew_York',
      scope: { kind: 'user', id: '42' },
      window: { period: 'day', id: '2026-11-24', timeZone: 'America/New_York', endsAt: '2026-11-25T05:00:00.000Z' },
    });
  });
});

describe('within budget', () => {
  it('subscribe: one submit, reserved before any request, spent exact', async () => {
    const { fake, fal, guard, order } = setup();
    const result = await fal.subscribe(V2V, { input: HDR_1080, pollInterval: 1 });
    expect(result.requestId).toBe('req-1');
    expect(fake.submits()).toBe(1);
    expect(order).toEqual(['reserve@0', 'commit@3']);
    expect(await guard.status()).toMatchObject({ limit: '10.00', spent: '4.32', reserved: '0.00', remaining: '5.68' });
  });

  it('run and stream commit on success', async () => {
    const { fal, guard } = setup();
    await fal.run(V2V, { input: SDR_540 });
    expect((await guard.status()).spent).toBe('0.72');
    const stream = await fal.stream(V2V, { input: HDR_1080 });
    await stream.done();
    await vi.waitFor(async () => expect((await guard.status()).spent).toBe('5.04'));
  });

  it('a Blob is uploaded only after the reservation, and its URL is what fal receives', async () => {
    const { fake, fal, order, guard } = setup();
    const video = new File([new Uint8Array(64)], 'in.mp4', { type: 'video/mp4' });
    await fal.subscribe(V2V, { input: { ...HDR_1080, video_url: video }, pollInterval: 1 });
    expect(order[0]).toBe('reserve@0');
    expect(fake.uploads()).toBe(2);
    const submit = fake.requests.find((request) => new URL(request.url).host === 'queue.fal.run');
    expect(JSON.parse(submit!.body!).video_url).toBe('https://v3.fal.media/files/fake/1.bin');
    expect((await guard.status()).spent).toBe('4.32');
  });

  it('queue.submit keeps the hold by request id; queue.result settles it', async () => {
    const { fal, guard } = setup();
    const { request_id: requestId } = await fal.queue.submit(V2V, { input: HDR_1080 });
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '4.32' });
    expect(await guard.linkOf(requestId)).toMatchObject({ requestId, status: 'held' });
    await fal.queue.result(V2V, { requestId });
    expect(await guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00' });
    // Reading the result again settles nothing twice.
    await fal.queue.result(V2V, { requestId });
    expect(await guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00' });
  });

  it('a COMPLETED status without an error commits', async () => {
    const { fal, guard } = setup();
    const { request_id: requestId } = await fal.queue.submit(V2V, { input: HDR_1080 });
    await fal.queue.status(V2V, { requestId });
    expect(await guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00' });
  });

  it('subscribeToStatus settles what it sees', async () => {
    const { fal, guard } = setup();
    const { request_id: requestId } = await fal.queue.submit(V2V, { input: SDR_540 });
    await fal.queue.subscribeToStatus(V2V, { requestId, pollInterval: 1 });
    expect(await guard.status()).toMatchObject({ spent: '0.72', reserved: '0.00' });
  });
});

describe('outcomes', () => {
  it('a failed result (500) releases: fal does not bill a 5xx', async () => {
    const { fal, guard, fake } = setup({ limit: '10.00' }, { fate: 'fail_500' });
    await expect(fal.subscribe(V2V, { input: HDR_1080, pollInterval: 1 })).rejects.toMatchObject({ status: 500 });
    expect(fake.submits()).toBe(1);
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.00', remaining: '10.00' });
  });

  it('a 422 result is counted: fal may bill it', async () => {
    const { fal, guard } = setup({ limit: '10.00' }, { fate: 'fail_422' });
    await expect(fal.subscribe(V2V, { input: HDR_1080, pollInterval: 1 })).rejects.toMatchObject({ name: 'ValidationError', status: 422 });
    expect(await guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00' });
  });

  it('a 422 at submit is counted; a 500 at submit is released', async () => {
    const { fal, guard } = setup({ limit: '10.00' }, { submitFailures: [422, 500] });
    await expect(fal.queue.submit(V2V, { input: HDR_1080 })).rejects.toMatchObject({ status: 422 });
    await expect(fal.queue.submit(V2V, { input: HDR_1080 })).rejects.toMatchObject({ status: 500 });
    expect(await guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00' });
  });

  it('a 5xx the client retries: the refused attempt is released, the retry reserved anew', async () => {
    const { fal, guard, fake, order } = setup({ limit: '5.00' }, { submitFailures: [503] });
    const result = await fal.subscribe(V2V, { input: HDR_1080, pollInterval: 1 });
    expect(result.data).toEqual({ video: { url: 'https://v3.fal.media/files/fake/req-1.mp4' } });
    // fal saw two submits (503, then accepted).
    expect(fake.submits()).toBe(2);
    // The 503 came with fal's JSON error: that attempt is released, the retry reserved anew.
    expect(order).toEqual(['reserve@0', 'release@1', 'reserve@1', 'commit@4']);
    expect(await guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00', remaining: '0.68' });
  });

  it('run: a 401 refused at the door releases; a 400 from the app is counted', async () => {
    const { fal, guard } = setup({ limit: '10.00' }, { runFailures: [401, 400] });
    await expect(fal.run(V2V, { input: SDR_540 })).rejects.toMatchObject({ status: 401 });
    expect((await guard.status()).spent).toBe('0.00');
    await expect(fal.run(V2V, { input: SDR_540 })).rejects.toMatchObject({ status: 400 });
    expect((await guard.status()).spent).toBe('0.72');
  });

  it('a cancel that took effect while queued releases; one while running keeps the hold', async () => {
    const { fal, guard, fake } = setup({ limit: '10.00' }, { fate: 'queued' });
    const queued = await fal.queue.submit(V2V, { input: HDR_1080 });
    const running = await fal.queue.submit(V2V, { input: SDR_540 });
    fake.setFate(running.request_id, 'running');
    expect(await guard.status()).toMatchObject({ reserved: '5.04' });
    await fal.queue.cancel(V2V, { requestId: queued.request_id });
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
    await fal.queue.cancel(V2V, { requestId: running.request_id });
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
    // The running one finished after all: its result commits it.
    fake.setFate(running.request_id, 'success');
    await fal.queue.result(V2V, { requestId: running.request_id });
    expect(await guard.status()).toMatchObject({ spent: '0.72', reserved: '0.00' });
  });

  it('an outcome never looked at counts as spent when its hold expires', async () => {
    const { fal, guard, clock, fake } = setup({ limit: '10.00', holdTtlMs: 60_000 }, { fate: 'queued' });
    const { request_id: requestId } = await fal.queue.submit(V2V, { input: HDR_1080 });
    clock.now += 59_999;
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '4.32' });
    clock.now += 1;
    expect(await guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00' });
    // A 5xx seen after expiry changes nothing: the guard may over-count, never under-count.
    fake.setFate(requestId, 'fail_500');
    await expect(fal.queue.result(V2V, { requestId })).rejects.toMatchObject({ status: 500 });
    expect(await guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00' });
  });

  it('a 5xx that is not fal\'s answer (a proxy\'s HTML page) stays held', async () => {
    const { guard, fake } = setup();
    const client = createFalClient({
      credentials: 'test',
      fetch: guardedFetch(guard, (async (input: string | URL | Request, init?: RequestInit) => (init?.method === 'POST'
        ? new Response('<html>500 Internal Server Error</html>', { status: 500, headers: { 'content-type': 'text/html' } })
        : fake.fetch(input, init)))),
    });
    await expect(guard.wrap(client).queue.submit(V2V, { input: HDR_1080 })).rejects.toMatchObject({ status: 500 });
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '4.32' });
  });

  it('a failed upload releases: nothing was submitted', async () => {
    const { guard, fake } = setup();
    // Storage answers 500 to the upload's initiate call.
    const original = fake.fetch;
    const client = createFalClient({
      credentials: 'test',
      fetch: guardedFetch(guard, (async (input: string | URL | Request, init?: RequestInit) => (String(input).includes('rest.fal.ai')
        ? new Response('{"detail":"storage down"}', { status: 500, headers: { 'content-type': 'application/json' } })
        : original(input, init)))),
    });
    const guarded = guard.wrap(client);
    await expect(guarded.subscribe(V2V, { input: { ...HDR_1080, video_url: new Blob([new Uint8Array(8)]) } })).rejects.toMatchObject({ status: 500 });
    expect(fake.submits()).toBe(0);
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.00' });
  });
});

describe('budgets', () => {
  it('a call must fit every budget that applies, reserved in all of them at once', async () => {
    const { guard, fake } = setup({
      budgets: [
        { name: 'global', limit: '10.00' },
        { name: 'per-user', limit: '5.00', scope: 'user' },
      ],
    });
    const client = createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) });
    const alice = guard.wrap(client, { context: { user: 'alice' } });
    const bob = guard.wrap(client, { context: { user: 'bob' } });
    await alice.queue.submit(V2V, { input: HDR_1080 });
    // Alice's own budget refuses; the global one would have fitted.
    const error = await refusal(alice.queue.submit(V2V, { input: HDR_1080 }));
    expect(error.budget.name).toBe('per-user');
    await bob.queue.submit(V2V, { input: HDR_1080 });
    // Global: 8.64 of 10.00 reserved; Bob still has 0.68 of his own, but not the 1.08 asked.
    const global = await refusal(bob.queue.submit(V2V, { input: { ...SDR_540, resolution: '720p' } }));
    expect(global.budget.name).toBe('per-user');
    const carol = guard.wrap(client, { context: { user: 'carol' } });
    const byGlobal = await refusal(carol.queue.submit(V2V, { input: { ...HDR_1080, resolution: '720p' } }));
    expect(byGlobal).toMatchObject({ budget: { name: 'global' }, remaining: '1.36', amount: '2.16' });
    expect(await guard.status({ user: 'alice' })).toMatchObject({ budget: { name: 'per-user' }, reserved: '4.32', remaining: '0.68' });
    expect((await guard.status({ user: 'alice' })).budgets.map((budget) => budget.reserved)).toEqual(['8.64', '4.32']);
  });

  it('a per-user budget refuses a call whose context names no user', async () => {
    const { guard, fake } = setup({ budgets: [{ limit: '5.00', scope: 'user' }] });
    const anonymous = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) }));
    await expect(anonymous.subscribe(V2V, { input: SDR_540 })).rejects.toThrow(/context\.user: budget "per-user" is per user/);
    expect(fake.requests).toEqual([]);
  });

  it('a scope function may leave a budget out, and the context may be read at each call', async () => {
    let current: Record<string, unknown> = { project: 'p1' };
    const { guard, fake } = setup({
      budgets: [{ name: 'project', limit: '1.00', scope: (context) => (typeof context.project === 'string' ? { kind: 'project', id: context.project } : undefined) }],
    });
    const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) }), { context: () => current });
    await fal.run(V2V, { input: SDR_540 });
    await refusal(fal.run(V2V, { input: SDR_540 }));
    current = { project: 'p2' };
    await fal.run(V2V, { input: SDR_540 });
    current = {};
    await fal.run(V2V, { input: HDR_1080 });
    expect((await guard.status({ project: 'p1' })).spent).toBe('0.72');
    expect((await guard.status({ project: 'p2' })).spent).toBe('0.72');
  });

  it('check quotes and says whether it fits, without reserving', async () => {
    const { guard } = setup({ limit: '5.00' });
    const fits = await guard.check(V2V, HDR_1080);
    expect(fits).toMatchObject({ amount: '4.32', fits: true, refusal: undefined, declared: false });
    expect(fits.quote?.total).toBe('4.32');
    const tooMuch = await guard.check(V2V, { ...HDR_1080, duration: '10s' });
    expect(tooMuch).toMatchObject({ amount: '8.64', fits: false, refusal: { limit: '5.00', remaining: '5.00' } });
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.00', remaining: '5.00' });
  });

  it('soft thresholds call back once per window and budget', async () => {
    const events: string[] = [];
    const { fal, clock } = setup({
      budgets: [{ name: 'daily', limit: '10.00', window: 'day' }],
      thresholds: ['0.5', '0.8'],
      onThreshold: (event) => events.push(`${event.threshold} ${event.budget.window?.id} ${event.spent}+${event.reserved}`),
    });
    await fal.run(V2V, { input: HDR_1080 }); // 4.32
    expect(events).toEqual([]);
    await fal.run(V2V, { input: { ...SDR_540, resolution: '720p' } }); // 5.40
    await fal.run(V2V, { input: SDR_540 }); // 6.12
    expect(events).toEqual(['0.5 2026-11-24 4.32+1.08']);
    await fal.run(V2V, { input: { ...SDR_540, resolution: '1080p' } }); // 8.28
    await fal.run(V2V, { input: SDR_540 }); // 9.00
    expect(events).toEqual(['0.5 2026-11-24 4.32+1.08', '0.8 2026-11-24 6.12+2.16']);
    clock.now += 24 * 3_600_000;
    await fal.run(V2V, { input: { ...HDR_1080, duration: '10s' } }); // 8.64 the next day
    expect(events.slice(2)).toEqual(['0.5 2026-11-25 0.00+8.64', '0.8 2026-11-25 0.00+8.64']);
  });

  it('admits an unknown endpoint only at a declared price, with a warning', async () => {
    const { fal, guard, warnings } = setup({ limit: '1.00', allowUnknownEndpoints: { 'fal-ai/flux/dev': '0.40' } });
    await fal.run('fal-ai/flux/dev', { input: { prompt: 'x' } });
    await fal.run('fal-ai/flux/dev', { input: { prompt: 'x' } });
    const error = await refusal(fal.run('fal-ai/flux/dev', { input: { prompt: 'x' } }));
    expect(error).toMatchObject({ quote: undefined, amount: '0.40', remaining: '0.20' });
    expect(warnings.map((warning) => warning.code)).toEqual(['unknown_endpoint_admitted', 'unknown_endpoint_admitted', 'unknown_endpoint_admitted']);
    await expect(fal.run('fal-ai/other', { input: {} })).rejects.toBeInstanceOf(UnknownEndpointError);
    expect((await guard.status()).spent).toBe('0.80');
  });
});

describe('everything else passes through untouched', () => {
  it('keeps the client’s own storage, realtime and queue readers', () => {
    const { fal, client } = setup();
    expect(fal.storage).toBe(client.storage);
    expect(fal.realtime).toBe(client.realtime);
    expect(fal.queue.streamStatus).toBe(client.queue.streamStatus);
  });

  it('settles each hold once, even when several readers see the outcome', async () => {
    const results: SettleResult[] = [];
    const inner = memoryLedger();
    const ledger: Ledger = {
      ...inner,
      commit: async (id, now) => { const result = await inner.commit(id, now); results.push(result); return result; },
      settleRequest: async (id, settlement, now, app) => { const result = await inner.settleRequest(id, settlement, now, app); results.push(result); return result; },
    };
    const { fal, guard } = setup({ limit: '10.00', ledger });
    const { request_id: requestId } = await fal.queue.submit(V2V, { input: HDR_1080 });
    await Promise.all([fal.queue.status(V2V, { requestId }), fal.queue.result(V2V, { requestId }), fal.queue.result(V2V, { requestId })]);
    expect(results.filter((result) => result === 'committed')).toHaveLength(1);
    expect((await guard.status()).spent).toBe('4.32');
  });
});

describe('what is priced is what is sent', () => {
  it('a caller that changes its input while the reservation is awaited sends what was priced', async () => {
    const { fake, fal, guard } = setup({ limit: '3.00' });
    const input: Record<string, unknown> = { ...SDR_540 };
    const submitted = fal.queue.submit(V2V, { input });
    // The guard awaits the ledger before calling the client: change everything that sets the price.
    Object.assign(input, { resolution: '1080p', hdr: true, exr_export: true, duration: '10s' });
    const { request_id: requestId } = await submitted;
    expect(JSON.parse(fake.requests[0]!.body!)).toEqual(SDR_540);
    await fal.queue.result(V2V, { requestId });
    expect(await guard.status()).toMatchObject({ spent: '0.72', reserved: '0.00' });
  });

  it('getters are read once and toJSON is applied before the quote', async () => {
    const { fake, fal } = setup({ limit: '3.00' });
    let reads = 0;
    const input = {
      ...SDR_540,
      get resolution() {
        reads += 1;
        return reads === 1 ? '540p' : '1080p';
      },
    };
    await fal.queue.submit(V2V, { input });
    expect(reads).toBe(1);
    expect(JSON.parse(fake.requests[0]!.body!).resolution).toBe('540p');

    // What JSON.stringify would send is what is priced: $8.64, over the $2.28 left.
    const sneaky = { ...SDR_540, toJSON: () => ({ ...SDR_540, resolution: '1080p', hdr: true, duration: '10s' }) };
    const error = await refusal(fal.queue.submit(V2V, { input: sneaky }));
    expect(error.amount).toBe('8.64');
    expect(fake.requests).toHaveLength(1);
  });

  it('a function or bigint in the input is refused before sending', async () => {
    const { fake, fal } = setup();
    await expect(fal.queue.submit(V2V, { input: { ...SDR_540, seed: 1n } })).rejects.toThrow(InvalidRequestError);
    await expect(fal.run(V2V, { input: { ...SDR_540, extra: { hook: () => 1 } } })).rejects.toThrow('extra.hook: a function is not a JSON value');
    expect(fake.requests).toEqual([]);
  });
});
