import { createFalClient } from '@fal-ai/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/budget/ledger-types.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { createBudgetGuard, InvalidOptionError, guardedFetch } from '../../src/index.js';
import { webhookHandler, type WebhookEvent, type WebhookOptions } from '../../src/fetch.js';
import { FakeFal } from './support/fake-fal.js';
import { JwksServer, webhookBody, WebhookSigner } from './support/fal-webhooks.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const SDR_540 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' }; // $0.72
const SDR_720 = { ...SDR_540, resolution: '720p' }; // $1.08
const SDR_1080 = { ...SDR_540, resolution: '1080p' }; // $2.16
const T0 = Date.parse('2026-11-24T12:00:00Z');
const WEBHOOK_URL = 'https://app.example/fal/webhook';

const signer = new WebhookSigner();
const jwks = new JwksServer();

beforeAll(async () => {
  await jwks.start();
});
afterAll(() => jwks.stop());

/**
 * The real @fal-ai/client (fetch pointed at the fake fal), wrapped by a guard on an injected
 * clock, and a webhookHandler on the same ledger; its JWKS is served on 127.0.0.1.
 */
function setup(options: Partial<WebhookOptions> = {}, ledger: Ledger = memoryLedger()) {
  jwks.keys = [signer.jwk];
  jwks.failWith = undefined;
  jwks.hits = 0;
  const clock = { now: T0 };
  const fake = new FakeFal({ fate: 'running' });
  const guard = createBudgetGuard({ limit: '10.00', now: () => clock.now, ledger, onWarning: () => {} });
  const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) }));
  const events: WebhookEvent[] = [];
  const handle = webhookHandler(guard, { jwksUrl: jwks.url, onEvent: (event) => { events.push(event); }, ...options });
  const submit = async (input: Record<string, unknown>) => (await fal.queue.submit(V2V, { input, webhookUrl: WEBHOOK_URL })).request_id;
  const deliver = async (body: string, delivery: { requestId: string; timestamp?: number }, headers: Record<string, string> = {}) => {
    const signed = signer.headers(body, { requestId: delivery.requestId, timestamp: delivery.timestamp ?? Math.floor(clock.now / 1000) });
    const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers: { ...signed, ...headers }, body }));
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  };
  return { clock, fake, guard, fal, handle, events, submit, deliver };
}

describe('a verified delivery settles the hold its submit linked', () => {
  it('queue.submit with webhookUrl sends fal_webhook and links the hold; status OK commits it', async () => {
    const { fake, guard, submit, deliver, events } = setup();
    const requestId = await submit(SDR_540);
    const sent = new URL(fake.requests[0]!.url);
    expect(sent.searchParams.get('fal_webhook')).toBe(WEBHOOK_URL);
    expect(await guard.linkOf(requestId)).toMatchObject({ requestId, status: 'held' });
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });

    const answer = await deliver(webhookBody(requestId, 'OK'), { requestId });
    expect(answer).toEqual({ status: 200, body: { ok: true, request_id: requestId, settlement: 'commit', result: 'committed' } });
    expect(await guard.status()).toMatchObject({ spent: '0.72', reserved: '0.00' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ requestId, userId: 'user-1', status: 'OK', settlement: 'commit', result: 'committed' });
    const journal = [];
    for await (const entry of guard.ledger.journal()) journal.push(entry);
    expect(journal).toEqual([expect.objectContaining({ outcome: 'committed', requestId, amount: '0.72', endpoint: V2V })]);
    // Nothing but the submit reached fal: the webhook replaced every poll.
    expect(fake.requests).toHaveLength(1);
  });

  it('a replayed delivery answers 200 and changes nothing', async () => {
    const { guard, submit, deliver, events } = setup();
    const requestId = await submit(SDR_540);
    const body = webhookBody(requestId, 'OK');
    await deliver(body, { requestId });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await deliver(body, { requestId })).toMatchObject({ status: 200, body: { result: 'already_committed' } });
    }
    expect(await guard.status()).toMatchObject({ spent: '0.72', reserved: '0.00' });
    expect(events.map((event) => event.result)).toEqual(['committed', 'already_committed', 'already_committed', 'already_committed']);
  });

  it('reordered deliveries: each request settles once, by its first delivery, whatever the order', async () => {
    const { guard, submit, deliver } = setup();
    const a = await submit(SDR_540); // $0.72
    const b = await submit(SDR_720); // $1.08
    const c = await submit(SDR_1080); // $2.16
    expect(await guard.status()).toMatchObject({ reserved: '3.96' });
    // c finishes first, a failed with a 5xx, b succeeds; then a stale retry of a's delivery that
    // claims success, and c again.
    expect((await deliver(webhookBody(c, 'OK'), { requestId: c })).body).toMatchObject({ result: 'committed' });
    expect((await deliver(webhookBody(a, 'ERROR', 'Invalid status code: 500'), { requestId: a })).body).toMatchObject({ settlement: 'release', result: 'released' });
    expect((await deliver(webhookBody(b, 'OK'), { requestId: b })).body).toMatchObject({ result: 'committed' });
    expect((await deliver(webhookBody(a, 'OK'), { requestId: a })).body).toMatchObject({ settlement: 'commit', result: 'already_released' });
    expect((await deliver(webhookBody(c, 'ERROR', 'Invalid status code: 500'), { requestId: c })).body).toMatchObject({ result: 'already_committed' });
    expect(await guard.status()).toMatchObject({ spent: '3.24', reserved: '0.00' });
  });

  it('a request the ledger does not know: 200, reported through onEvent, nothing changes', async () => {
    const { guard, submit, deliver, events } = setup();
    await submit(SDR_540);
    const answer = await deliver(webhookBody('not-ours', 'OK'), { requestId: 'not-ours' });
    expect(answer).toMatchObject({ status: 200, body: { request_id: 'not-ours', result: 'unknown' } });
    expect(events).toEqual([expect.objectContaining({ requestId: 'not-ours', result: 'unknown' })]);
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
  });

  // The README's table of what an ERROR delivery does, row by row.
  const errors: [string | null, 'commit' | 'release', string][] = [
    ['Invalid status code: 500', 'release', '0.00'],
    ['Invalid status code: 503', 'release', '0.00'],
    ['Invalid status code: 422', 'commit', '0.72'],
    ['Invalid status code: 400', 'commit', '0.72'],
    ['Request timed out', 'commit', '0.72'],
    // A status named any other way is the app's text, not fal's: counted.
    ['Upstream replied with status code 503 (retry)', 'commit', '0.72'],
    ['Invalid status code: 503 (retry)', 'commit', '0.72'],
    ['error: Invalid status code: 500', 'commit', '0.72'],
    ['invalid status code: 500', 'commit', '0.72'],
    [null, 'commit', '0.72'],
  ];
  for (const [error, settlement, spent] of errors) {
    it(`status ERROR with error ${JSON.stringify(error)}: ${settlement}`, async () => {
      const { guard, submit, deliver } = setup();
      const requestId = await submit(SDR_540);
      const answer = await deliver(webhookBody(requestId, 'ERROR', error ?? undefined), { requestId });
      expect(answer.body).toMatchObject({ settlement, result: settlement === 'commit' ? 'committed' : 'released' });
      expect(await guard.status()).toMatchObject({ spent, reserved: '0.00' });
    });
  }

  it('status OK with a payload_error (the output exists, fal could not serialise it) commits', async () => {
    const { guard, submit, deliver } = setup();
    const requestId = await submit(SDR_540);
    const body = JSON.stringify({ request_id: requestId, status: 'OK', payload: null, payload_error: 'Response payload is not JSON serializable' });
    expect((await deliver(body, { requestId })).body).toMatchObject({ result: 'committed' });
    expect(await guard.status()).toMatchObject({ spent: '0.72' });
  });
});

describe('refused deliveries: 401 or 400 with a JSON error, and nothing changes', () => {
  async function refused(run: (context: ReturnType<typeof setup>, requestId: string) => Promise<{ status: number; body: unknown }>) {
    const context = setup();
    const requestId = await context.submit(SDR_540);
    const answer = await run(context, requestId);
    expect(await context.guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
    expect(await context.guard.linkOf(requestId)).toMatchObject({ status: 'held' });
    expect(context.events).toEqual([]);
    return answer;
  }

  it('signed by a key that is not in the JWKS (forged)', async () => {
    const answer = await refused(async ({ handle, clock }, requestId) => {
      const body = webhookBody(requestId, 'OK');
      const forged = new WebhookSigner().headers(body, { requestId, timestamp: Math.floor(clock.now / 1000) });
      const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers: forged, body }));
      return { status: response.status, body: await response.json() };
    });
    expect(answer).toEqual({ status: 401, body: { error: { code: 'invalid_signature', message: "no key of fal's JWKS verifies the signature over this body" } } });
  });

  it('a body other than the one signed (one byte changed)', async () => {
    const answer = await refused(async ({ handle, clock }, requestId) => {
      const body = webhookBody(requestId, 'ERROR', 'Invalid status code: 500');
      const headers = signer.headers(body, { requestId, timestamp: Math.floor(clock.now / 1000) });
      // The same JSON re-serialised with a space: a parsed-and-rewritten body fails too.
      const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers, body: body.replace('"status":', '"status": ') }));
      return { status: response.status, body: await response.json() };
    });
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
  });

  it('a signature made for another request id', async () => {
    const answer = await refused(async ({ handle, clock }, requestId) => {
      const body = webhookBody(requestId, 'OK');
      const headers = { ...signer.headers(body, { requestId: 'other', timestamp: Math.floor(clock.now / 1000) }), 'x-fal-webhook-request-id': requestId };
      const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers, body }));
      return { status: response.status, body: await response.json() };
    });
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
  });

  for (const header of ['x-fal-webhook-signature', 'x-fal-webhook-timestamp', 'x-fal-webhook-request-id', 'x-fal-webhook-user-id']) {
    it(`no ${header} header`, async () => {
      const answer = await refused(async ({ handle, clock }, requestId) => {
        const body = webhookBody(requestId, 'OK');
        const headers = signer.headers(body, { requestId, timestamp: Math.floor(clock.now / 1000) });
        delete headers[header];
        const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers, body }));
        return { status: response.status, body: await response.json() };
      });
      expect(answer).toEqual({ status: 401, body: { error: { code: 'missing_signature', message: `not a signed fal webhook: no ${header} header` } } });
    });
  }

  it('a signature that is not 128 hex digits', async () => {
    const answer = await refused(({ deliver }, requestId) => deliver(webhookBody(requestId, 'OK'), { requestId }, { 'x-fal-webhook-signature': 'zz' }));
    expect(answer).toEqual({ status: 401, body: { error: { code: 'invalid_signature', message: 'x-fal-webhook-signature must be 128 hex digits' } } });
  });

  for (const [label, offset] of [['301 s old', -301], ['301 s in the future', 301]] as const) {
    it(`a correctly signed delivery whose timestamp is ${label} (a replay after the tolerance)`, async () => {
      const answer = await refused(({ deliver, clock }, requestId) => deliver(webhookBody(requestId, 'OK'), { requestId, timestamp: Math.floor(clock.now / 1000) + offset }));
      expect(answer).toEqual({ status: 401, body: { error: { code: 'stale_timestamp', message: "the delivery's timestamp is 301 s from now; at most 300 s is accepted" } } });
    });
  }

  it('a timestamp that is not unix seconds', async () => {
    const answer = await refused(({ deliver }, requestId) => deliver(webhookBody(requestId, 'OK'), { requestId }, { 'x-fal-webhook-timestamp': '2026-11-24T12:00:00Z' }));
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'invalid_timestamp' } } });
  });

  it('exactly at the tolerance is accepted; toleranceSeconds moves it', async () => {
    const { submit, deliver, clock } = setup();
    const first = await submit(SDR_540);
    expect((await deliver(webhookBody(first, 'OK'), { requestId: first, timestamp: Math.floor(clock.now / 1000) - 300 })).status).toBe(200);
    const strict = setup({ toleranceSeconds: 10 });
    const second = await strict.submit(SDR_540);
    expect((await strict.deliver(webhookBody(second, 'OK'), { requestId: second, timestamp: Math.floor(clock.now / 1000) - 11 })).status).toBe(401);
  });

  const malformed: [string, (requestId: string) => string | Uint8Array, string][] = [
    ['not JSON', () => '{"request_id": ', 'malformed_body'],
    ['not UTF-8', () => new Uint8Array([0x7b, 0xff, 0x7d]), 'malformed_body'],
    ['a status fal does not send', (id) => JSON.stringify({ request_id: id, status: 'DONE' }), 'malformed_body'],
    ['no status', (id) => JSON.stringify({ request_id: id }), 'malformed_body'],
    ['an array', () => '[]', 'malformed_body'],
    ['a request_id other than the signed header', () => webhookBody('someone-else', 'OK'), 'request_id_mismatch'],
  ];
  for (const [label, bodyOf, code] of malformed) {
    it(`a signed body that is ${label}: 400`, async () => {
      const answer = await refused(async ({ handle, clock }, requestId) => {
        const body = bodyOf(requestId);
        const headers = signer.headers(body, { requestId, timestamp: Math.floor(clock.now / 1000) });
        const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers, body }));
        return { status: response.status, body: await response.json() };
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { code } });
    });
  }

  it('the 400 names the field', async () => {
    const { submit, deliver } = setup();
    const requestId = await submit(SDR_540);
    const answer = await deliver(JSON.stringify({ request_id: requestId, status: 'DONE' }), { requestId });
    expect(answer.body).toMatchObject({ error: { message: 'not a fal webhook body: status: status must be "OK" or "ERROR"', issues: [{ path: ['status'] }] } });
  });

  it('a GET: 405', async () => {
    const { handle } = setup();
    expect((await handle(new Request(WEBHOOK_URL))).status).toBe(405);
  });

  it('a body over maxBodyBytes: 413, before it is verified', async () => {
    const { handle, submit, clock } = setup({ maxBodyBytes: 64 });
    const requestId = await submit(SDR_540);
    const body = webhookBody(requestId, 'OK');
    const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers: signer.headers(body, { requestId, timestamp: Math.floor(clock.now / 1000) }), body }));
    expect(response.status).toBe(413);
    expect(jwks.hits).toBe(0);
  });
});

describe('cheap checks first: no body is read until the four headers are there and the timestamp is fresh', () => {
  /** 17 chunks of 1 MiB (over the 16 MiB default), none made until read: `pulled` counts the reads. */
  function countedBody() {
    const counter = { pulled: 0 };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        counter.pulled += 1;
        if (counter.pulled > 17) controller.close();
        else controller.enqueue(new Uint8Array(1 << 20));
      },
    }, { highWaterMark: 0 });
    return { counter, stream };
  }

  const fresh = () => Math.floor(T0 / 1000);
  const headerCases: [string, (headers: Record<string, string>) => Record<string, string>, string][] = [
    ['no X-Fal-Webhook-* header at all', () => ({ 'content-type': 'application/json' }), 'missing_signature'],
    ['no signature header', ({ 'x-fal-webhook-signature': _, ...rest }) => rest, 'missing_signature'],
    ['no user id header', ({ 'x-fal-webhook-user-id': _, ...rest }) => rest, 'missing_signature'],
    ['a timestamp that is not unix seconds', (headers) => ({ ...headers, 'x-fal-webhook-timestamp': 'soon' }), 'invalid_timestamp'],
    ['a timestamp 301 s old', (headers) => ({ ...headers, 'x-fal-webhook-timestamp': String(fresh() - 301) }), 'stale_timestamp'],
    ['a signature that is not 128 hex digits', (headers) => ({ ...headers, 'x-fal-webhook-signature': 'zz' }), 'invalid_signature'],
  ];
  for (const [label, change, code] of headerCases) {
    it(`${label}: 401 ${code}, and not a byte of the body read`, async () => {
      const { handle } = setup();
      const { counter, stream } = countedBody();
      const headers = change(signer.headers('{}', { requestId: 'req-1', timestamp: fresh() }));
      const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers, body: stream, duplex: 'half' }));
      expect({ status: response.status, body: await response.json() }).toMatchObject({ status: 401, body: { error: { code } } });
      expect(counter.pulled).toBe(0);
      expect(jwks.hits).toBe(0);
    });
  }

  it('with the four headers and a fresh timestamp, the body is read (here: to 413 over the limit), still before any key is fetched', async () => {
    const { handle } = setup();
    const { counter, stream } = countedBody();
    const headers = signer.headers('{}', { requestId: 'req-1', timestamp: fresh() });
    const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers, body: stream, duplex: 'half' }));
    expect(response.status).toBe(413);
    expect(counter.pulled).toBe(17);
    expect(jwks.hits).toBe(0);
  });
});

describe('the JWKS: cached, refetched once when no key verifies, never hammered', () => {
  it('many deliveries, one fetch', async () => {
    const { submit, deliver } = setup();
    for (let index = 0; index < 5; index += 1) {
      const requestId = await submit(SDR_540);
      expect((await deliver(webhookBody(requestId, 'OK'), { requestId })).status).toBe(200);
    }
    expect(jwks.hits).toBe(1);
  });

  it('a rotated key: the first delivery it signs refetches the JWKS and verifies', async () => {
    const { submit, deliver, clock, handle } = setup();
    const first = await submit(SDR_540);
    await deliver(webhookBody(first, 'OK'), { requestId: first });
    const rotated = new WebhookSigner();
    jwks.keys = [signer.jwk, rotated.jwk];
    clock.now += 120_000;
    const second = await submit(SDR_540);
    const body = webhookBody(second, 'OK');
    const headers = rotated.headers(body, { requestId: second, timestamp: Math.floor(clock.now / 1000) });
    const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers, body }));
    expect(await response.json()).toMatchObject({ result: 'committed' });
    expect(jwks.hits).toBe(2);
  });

  it('a flood of forged deliveries fetches the JWKS at most once per refetch interval', async () => {
    const { submit, handle, clock, guard } = setup({ jwksRefetchIntervalMs: 60_000 });
    const requestId = await submit(SDR_540);
    const forger = new WebhookSigner();
    const body = webhookBody(requestId, 'OK');
    const flood = async () => {
      const answers = await Promise.all(Array.from({ length: 50 }, () =>
        handle(new Request(WEBHOOK_URL, { method: 'POST', headers: forger.headers(body, { requestId, timestamp: Math.floor(clock.now / 1000) }), body }))));
      return answers.map((answer) => answer.status);
    };
    expect(new Set(await flood())).toEqual(new Set([401]));
    // The keys were fetched for the first delivery: refetching them at once would change nothing.
    expect(jwks.hits).toBe(1);
    clock.now += 59_000;
    await flood();
    expect(jwks.hits).toBe(1);
    // Past the interval: one refetch for the whole flood.
    clock.now += 2_000;
    expect(new Set(await flood())).toEqual(new Set([401]));
    expect(jwks.hits).toBe(2);
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
  });

  it('keys are used 24 hours at most, then fetched again', async () => {
    const { submit, deliver, clock } = setup();
    const first = await submit(SDR_540);
    await deliver(webhookBody(first, 'OK'), { requestId: first });
    clock.now += 24 * 60 * 60 * 1000 - 1;
    const second = await submit(SDR_540);
    await deliver(webhookBody(second, 'OK'), { requestId: second });
    expect(jwks.hits).toBe(1);
    clock.now += 1;
    const third = await submit(SDR_540);
    await deliver(webhookBody(third, 'OK'), { requestId: third });
    expect(jwks.hits).toBe(2);
  });

  it('a key whose x carries base64 padding verifies', async () => {
    const { submit, deliver } = setup();
    jwks.keys = [{ kty: 'OKP', crv: 'Ed25519', x: `${signer.jwk.x}=` }, { kty: 'RSA', n: 'x', e: 'AQAB' }];
    const requestId = await submit(SDR_540);
    expect((await deliver(webhookBody(requestId, 'OK'), { requestId })).status).toBe(200);
  });

  // x of 5 characters (4n+1: atob throws on it), of 1, not base64url, a number; not an object at all.
  const malformed = [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAAA' }, { kty: 'OKP', crv: 'Ed25519', x: 'A' }, { kty: 'OKP', crv: 'Ed25519', x: 'AA+/' }, { kty: 'OKP', crv: 'Ed25519', x: 42 }, null, 'key'] as object[];

  it('a malformed key is skipped, and the rest of the set verifies', async () => {
    const { submit, deliver, guard } = setup();
    jwks.keys = [...malformed, signer.jwk];
    const requestId = await submit(SDR_540);
    expect(await deliver(webhookBody(requestId, 'OK'), { requestId })).toMatchObject({ status: 200, body: { result: 'committed' } });
    expect(await guard.status()).toMatchObject({ spent: '0.72', reserved: '0.00' });
  });

  it('a set of malformed keys alone verifies nothing: 401, not a 503 (the JWKS answered)', async () => {
    const { submit, deliver, guard } = setup();
    jwks.keys = malformed;
    const requestId = await submit(SDR_540);
    expect(await deliver(webhookBody(requestId, 'OK'), { requestId })).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
  });

  it('JWKS unreachable: 503 (fal delivers again), nothing changes, one attempt per interval', async () => {
    const { submit, deliver, guard, clock } = setup();
    jwks.failWith = 502;
    const requestId = await submit(SDR_540);
    const answer = await deliver(webhookBody(requestId, 'OK'), { requestId });
    expect(answer).toMatchObject({ status: 503, body: { error: { code: 'jwks_unavailable' } } });
    expect((answer.body.error as { message: string }).message).toContain(`${jwks.url}: HTTP 502`);
    for (let index = 0; index < 10; index += 1) expect((await deliver(webhookBody(requestId, 'OK'), { requestId })).status).toBe(503);
    expect(jwks.hits).toBe(1);
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
    jwks.failWith = undefined;
    clock.now += 60_000;
    expect((await deliver(webhookBody(requestId, 'OK'), { requestId })).body).toMatchObject({ result: 'committed' });
  });
});

describe('failures after verification', () => {
  it('onEvent throws: 500 so fal delivers again; the repeat settles nothing twice and calls onEvent again', async () => {
    let calls = 0;
    const { submit, deliver, guard } = setup({ onEvent: () => { calls += 1; if (calls === 1) throw new Error('database down'); } });
    const requestId = await submit(SDR_540);
    const body = webhookBody(requestId, 'OK');
    const first = await deliver(body, { requestId });
    expect(first).toEqual({ status: 500, body: { error: { code: 'on_event_failed', message: 'onEvent threw after the hold was settled (committed); fal will deliver again: database down' } } });
    expect(await deliver(body, { requestId })).toMatchObject({ status: 200, body: { result: 'already_committed' } });
    expect(calls).toBe(2);
    expect(await guard.status()).toMatchObject({ spent: '0.72', reserved: '0.00' });
  });

  it('the ledger fails: 503 and nothing changes', async () => {
    const inner = memoryLedger();
    let broken = false;
    const ledger: Ledger = {
      ...inner,
      settleRequest: async (...args) => {
        if (broken) throw new Error('connection refused');
        return inner.settleRequest(...args);
      },
      journal: (query) => inner.journal(query),
    };
    const { submit, deliver, guard } = setup({}, ledger);
    const requestId = await submit(SDR_540);
    broken = true;
    const answer = await deliver(webhookBody(requestId, 'OK'), { requestId });
    expect(answer).toMatchObject({ status: 503, body: { error: { code: 'ledger_unavailable' } } });
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.72' });
  });
});

describe('options are checked when the handler is made', () => {
  const guard = createBudgetGuard({ limit: '1.00' });
  const bad: [string, Partial<Record<keyof WebhookOptions, unknown>>, string][] = [
    ['toleranceSeconds', { toleranceSeconds: 0 }, 'toleranceSeconds: must be a whole number from 1 to 9007199254740991 (got 0)'],
    ['jwksMaxAgeMs', { jwksMaxAgeMs: 25 * 60 * 60 * 1000 }, 'jwksMaxAgeMs: must be a whole number from 1 to 86400000 (got 90000000)'],
    ['jwksUrl', { jwksUrl: 'file:///etc/keys' }, 'jwksUrl: must be http(s) URLs (got "file:///etc/keys")'],
    ['onEvent', { onEvent: 'log' }, 'onEvent: must be a function'],
  ];
  for (const [name, options, message] of bad) {
    it(name, () => {
      expect(() => webhookHandler(guard, options as WebhookOptions)).toThrow(new InvalidOptionError(name, message.slice(name.length + 2)));
    });
  }
});

describe('fal-budget/fetch', () => {
  it('webhookHandler bundles for the browser and verifies with WebCrypto alone (no Buffer, no node:crypto)', async () => {
    const { build } = await import('esbuild');
    const { runInNewContext } = await import('node:vm');
    const root = new URL('../..', import.meta.url).pathname;
    const entry = { contents: "export { createBudgetGuard } from './src/index.ts'; export { webhookHandler } from './src/fetch.ts';", resolveDir: root, loader: 'ts' as const };
    const result = await build({ stdin: entry, bundle: true, platform: 'browser', format: 'iife', globalName: 'falBudget', write: false, logLevel: 'silent' });
    // What a worker has: web globals only.
    const context: Record<string, unknown> = {
      TextEncoder, TextDecoder, URL, atob, console, crypto: globalThis.crypto, Request, Response, Headers, AbortSignal, ReadableStream, fetch: globalThis.fetch,
    };
    runInNewContext(`${result.outputFiles[0]!.text}\nthis.falBudget = falBudget;`, context);
    const library = context.falBudget as typeof import('../../src/index.js') & typeof import('../../src/fetch.js');
    jwks.keys = [signer.jwk];
    const guard = library.createBudgetGuard({ limit: '5.00', now: () => T0 });
    const hold = await guard.reserve(V2V, SDR_540);
    await hold.attachRequest('req-universal');
    const handle = library.webhookHandler(guard, { jwksUrl: jwks.url });
    const body = webhookBody('req-universal', 'OK');
    const response = await handle(new Request(WEBHOOK_URL, { method: 'POST', headers: signer.headers(body, { requestId: 'req-universal', timestamp: Math.floor(T0 / 1000) }), body }));
    expect(await response.json()).toMatchObject({ result: 'committed' });
    expect(await guard.status()).toMatchObject({ spent: '0.72' });
  });
});
