import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBudgetGuard, type BudgetGuard } from '../../src/index.js';
import { withBudget } from '../../src/fetch.js';
import { browserClient, fetchStyleProxy, startExpressProxy, useFakeFal } from './support/proxy-harness.js';

/**
 * The proxy's rows of docs/guard.md's "What counts as spent" table, each run as a scenario through
 * the real @fal-ai/server-proxy (Express on 127.0.0.1, or its fetch-style route) in front of the
 * fake fal. A row without a scenario, or a scenario without a row, fails.
 */
const GUARD_DOC = readFileSync(fileURLToPath(new URL('../../docs/guard.md', import.meta.url)), 'utf8');
const V2V = 'luma/agent/ray/v3.2/video-to-video';
const SDR_540 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' }; // $0.72

type Word = 'held' | 'committed' | 'released' | 'unchanged';

function proxyRows(): { readonly sees: string; readonly word: Word }[] {
  const start = GUARD_DOC.indexOf('\n## What counts as spent\n');
  if (start < 0) throw new Error('docs/guard.md has no "What counts as spent" section');
  const section = GUARD_DOC.slice(start, GUARD_DOC.indexOf('\n## ', start + 1));
  return section.split('\n').filter((line) => line.startsWith('| proxy')).map((line) => {
    const [, sees = '', hold = ''] = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const word = /^\**(held|committed|released|unchanged)\b/.exec(hold)?.[1];
    if (!word) throw new Error(`docs/guard.md row without an outcome word: ${line}`);
    return { sees, word: word as Word };
  });
}

const { fake, sent, realFetch } = useFakeFal();
let guard: BudgetGuard;
let express: { url: string; close(): Promise<void> };
let fetchStyle: ReturnType<typeof fetchStyleProxy>;

beforeEach(async () => {
  fake.requests.length = 0;
  sent.length = 0;
  fake.fate = 'success';
  fake.submitFailures = [];
  fake.runFailures = [];
  guard = createBudgetGuard({ budgets: [{ name: 'per-user', limit: '5.00', scope: 'user' }], onWarning: () => {} });
  express = await startExpressProxy(guard);
  fetchStyle = fetchStyleProxy(guard);
});
afterEach(() => express.close());

const client = {
  express: (user: string) => browserClient(express.url, user, realFetch),
  fetchStyle: (user: string) => fetchStyle.client(user),
};
const position = async (user: string) => {
  const { spent, reserved } = await guard.status({ user });
  return { spent, reserved };
};
type Position = Awaited<ReturnType<typeof position>>;

/** A raw request to the fetch-style route (no client, so no client retries). */
const viaFetchStyle = (target: string, init: { method?: string; body?: unknown } = {}) => fetchStyle.handler(new Request('http://app.local/api/fal/proxy', {
  method: init.method ?? 'GET',
  headers: { 'content-type': 'application/json', 'x-user': 'alice', 'x-fal-target-url': target },
  body: init.body === undefined ? undefined : JSON.stringify(init.body),
}));
const viaExpress = (target: string, method = 'GET') => realFetch(express.url, { method, headers: { 'x-user': 'mallory', 'x-fal-target-url': target } });
const submitRequest = () => new Request('http://app.local/api/fal/proxy', {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-fal-target-url': `https://queue.fal.run/${V2V}` },
  body: JSON.stringify(SDR_540),
});

/**
 * Each scenario does what its row says, once per user, each user making one $0.72 call, and
 * returns each user's position before the step the row is about (for "unchanged") and after it.
 */
type Outcome = { readonly before?: Position; readonly after: Position };
const scenarios: Record<string, () => Promise<Outcome[]>> = {
  'proxy: a submit answered 2xx with a `request_id`': async () => {
    const outcomes: Outcome[] = [];
    for (const [user, adapter] of [['alice', client.express], ['bob', client.fetchStyle]] as const) {
      const { request_id: requestId } = await adapter(user).queue.submit(V2V, { input: SDR_540 });
      expect(await guard.linkOf(requestId)).toMatchObject({ app: 'luma/agent', status: 'held' });
      outcomes.push({ after: await position(user) });
    }
    return outcomes;
  },
  'proxy: a status `COMPLETED` without `error`, or a result answered 2xx, polled under the submit\'s app path': async () => {
    const alice = client.express('alice');
    const { request_id: first } = await alice.queue.submit(V2V, { input: SDR_540 });
    expect(await alice.queue.status(V2V, { requestId: first })).toMatchObject({ status: 'COMPLETED' });
    const bob = client.fetchStyle('bob');
    const { request_id: second } = await bob.queue.submit(V2V, { input: SDR_540 });
    await bob.queue.result(V2V, { requestId: second });
    return [{ after: await position('alice') }, { after: await position('bob') }];
  },
  'proxy: a status or result poll under any other app path': async () => {
    const { request_id: requestId } = await client.fetchStyle('alice').queue.submit(V2V, { input: SDR_540 });
    const before = await position('alice');
    fake.setFate(requestId, 'fail_500');
    await viaFetchStyle(`https://queue.fal.run/someone/else/requests/${requestId}`);
    fake.setFate(requestId, 'success');
    await viaExpress(`https://queue.fal.run/luma/other/requests/${requestId}/status`);
    await viaExpress(`https://queue.fal.run/workflows/luma/agent/requests/${requestId}`);
    return [{ before, after: await position('alice') }];
  },
  'proxy, Express: a result answered with fal\'s 5xx (server-proxy 1.2.1\'s Express adapter answers every status as 200)': async () => {
    fake.fate = 'fail_500';
    const alice = client.express('alice');
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: SDR_540 });
    expect((await alice.queue.result(V2V, { requestId })).data).toMatchObject({ error_type: 'runner_server_error' });
    return [{ after: await position('alice') }];
  },
  'proxy, Express: a run (`fal.run`) answered, whatever fal said': async () => {
    fake.runFailures = [500];
    expect((await client.express('alice').run(V2V, { input: SDR_540 })).data).toMatchObject({ error_type: 'runner_server_error' });
    return [{ after: await position('alice') }];
  },
  'proxy, Express: a submit answered without a `request_id` (a 429, a 5xx, any error: the status is lost)': async () => {
    fake.submitFailures = [429, 503];
    expect(await client.express('alice').queue.submit(V2V, { input: SDR_540 })).toMatchObject({ detail: 'fake error 429' });
    expect(await client.express('bob').queue.submit(V2V, { input: SDR_540 })).toMatchObject({ detail: 'fake error 503' });
    return [{ after: await position('alice') }, { after: await position('bob') }];
  },
  'proxy, fetch-style: a result answered with fal\'s 5xx': async () => {
    fake.fate = 'fail_500';
    const alice = client.fetchStyle('alice');
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: SDR_540 });
    await expect(alice.queue.result(V2V, { requestId })).rejects.toMatchObject({ status: 500 });
    return [{ after: await position('alice') }];
  },
  'proxy, fetch-style: a submit answered 429, or a 5xx with fal\'s JSON error': async () => {
    fake.submitFailures = [429, 503];
    expect((await viaFetchStyle(`https://queue.fal.run/${V2V}`, { method: 'POST', body: SDR_540 })).status).toBe(429);
    const afterRateLimit = await position('alice');
    expect((await viaFetchStyle(`https://queue.fal.run/${V2V}`, { method: 'POST', body: SDR_540 })).status).toBe(503);
    expect(fake.submits()).toBe(2);
    return [{ after: afterRateLimit }, { after: await position('alice') }];
  },
  'proxy: a submit answered 5xx without fal\'s body (a proxy\'s error page), or the exchange broke (in Express, the `handler` failed: 502 `proxy_failed`)': async () => {
    const errorPage = withBudget(async (_request: Request) => new Response('<html>502 Bad Gateway</html>', { status: 502 }), guard, { context: () => ({ user: 'alice' }) });
    expect((await errorPage(submitRequest())).status).toBe(502);
    const broken = withBudget(async (_request: Request): Promise<Response> => { throw new TypeError('fetch failed'); }, guard, { context: () => ({ user: 'bob' }) });
    await expect(broken(submitRequest())).rejects.toThrow('fetch failed');
    const failing = await startExpressProxy(guard, { guardOptions: { handler: async () => { throw new TypeError('fetch failed'); } } });
    try {
      const answer = await realFetch(failing.url, { method: 'POST', headers: { ...Object.fromEntries(submitRequest().headers), 'x-user': 'carol' }, body: JSON.stringify(SDR_540) });
      expect({ status: answer.status, body: await answer.json() }).toMatchObject({ status: 502, body: { error: { code: 'proxy_failed' } } });
    } finally {
      await failing.close();
    }
    return [{ after: await position('alice') }, { after: await position('bob') }, { after: await position('carol') }];
  },
  'proxy: a HEAD, a cancel, a status stream': async () => {
    fake.fate = 'queued';
    const alice = client.fetchStyle('alice');
    const { request_id: requestId } = await alice.queue.submit(V2V, { input: SDR_540 });
    fake.setFate(requestId, 'success');
    const before = await position('alice');
    expect((await viaExpress(`https://queue.fal.run/luma/agent/requests/${requestId}/status`, 'HEAD')).status).toBe(200);
    expect((await viaFetchStyle(`https://queue.fal.run/luma/agent/requests/${requestId}`, { method: 'HEAD' })).status).toBe(200);
    await viaFetchStyle(`https://queue.fal.run/luma/agent/requests/${requestId}/status/stream`);
    fake.setFate(requestId, 'queued');
    await alice.queue.cancel(V2V, { requestId });
    return [{ before, after: await position('alice') }];
  },
};

describe('docs/guard.md\'s "What counts as spent" table: the proxy\'s rows', () => {
  const rows = proxyRows();

  it('every proxy row has a scenario, and every scenario a row', () => {
    expect(rows.map((row) => row.sees).sort()).toEqual(Object.keys(scenarios).sort());
  });

  const expected: Record<Exclude<Word, 'unchanged'>, Position> = {
    held: { spent: '0.00', reserved: '0.72' },
    committed: { spent: '0.72', reserved: '0.00' },
    released: { spent: '0.00', reserved: '0.00' },
  };

  for (const row of rows) {
    it(`${row.sees} => ${row.word}`, async () => {
      const scenario = scenarios[row.sees];
      expect(scenario, 'a scenario for this row').toBeDefined();
      for (const { before, after } of await scenario!()) {
        if (row.word === 'unchanged') {
          expect(before).toEqual(expected.held);
          expect(after).toEqual(before);
        } else {
          expect(after).toEqual(expected[row.word]);
        }
      }
    });
  }
});
