import { describe, expect, it } from 'vitest';
import { createFalClient } from '@fal-ai/client';
import { createBudgetGuard, memoryLedger, guardedFetch } from '../../src/index.js';
import { FakeFal } from '../fal/support/fake-fal.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const HDR_1080 = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true };

/**
 * Two guards on one ledger stand for two instances behind a load balancer: the link from a fal
 * request id to its hold lives in the ledger, so the instance that did not submit settles it.
 * (The same across OS processes on Redis and on a file: test/redis, test/guard/file-ledger*.)
 */
describe('a hold settles from any instance that shares the ledger', () => {
  function instances() {
    const ledger = memoryLedger();
    const fake = new FakeFal();
    const make = () => {
      const guard = createBudgetGuard({ limit: '10.00', ledger, onWarning: () => {} });
      return { guard, fal: guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) })) };
    };
    return { ledger, fake, a: make(), b: make() };
  }

  it('submit on one, result on the other: committed, and journaled with the request id', async () => {
    const { ledger, a, b } = instances();
    const { request_id: requestId } = await a.fal.queue.submit(V2V, { input: HDR_1080 });
    expect(await b.guard.status()).toMatchObject({ spent: '0.00', reserved: '4.32' });
    await b.fal.queue.result(V2V, { requestId });
    expect(await a.guard.status()).toMatchObject({ spent: '4.32', reserved: '0.00' });
    const entries = [];
    for await (const entry of ledger.journal()) entries.push(entry);
    expect(entries).toMatchObject([{ outcome: 'committed', amount: '4.32', requestId, endpoint: V2V, provider: 'fal', pricingVersion: expect.any(String) }]);
  });

  it('a settle by request id names the guard\'s own result: unknown for a request nobody linked', async () => {
    const { b } = instances();
    await expect(b.guard.settleRequest('never-submitted', 'commit')).resolves.toBe('unknown');
  });
});
