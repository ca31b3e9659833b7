import { createFalClient } from '@fal-ai/client';
import type { Ledger } from '../../../src/core/budget/ledger-types.js';
import { createBudgetGuard, guardedFetch } from '../../../src/index.js';
import { FakeFal } from '../../fal/support/fake-fal.js';

export const V2V = 'luma/agent/ray/v3.2/video-to-video';
const BASE = { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' };
/** Inputs by their price on the fal 2026-11-21 table. */
export const INPUTS = {
  '0.72': BASE,
  '1.08': { ...BASE, resolution: '720p' },
  '2.16': { ...BASE, resolution: '1080p' },
} as const;

/**
 * Fills a ledger the way an app does: the real @fal-ai/client wrapped by a guard (submits link
 * their holds; settlements come by request id, as a webhook or a poll settles them; a run has
 * no request id), each step at the instant the test names.
 */
export function ledgerSeeder(ledger: Ledger) {
  const clock = { now: 0 };
  const guard = createBudgetGuard({ limit: '1000.00', ledger, now: () => clock.now, holdTtlMs: 24 * 60 * 60 * 1000, onWarning: () => {} });
  const fake = new FakeFal({ fate: 'running' });
  const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) }));
  return {
    async submit(price: keyof typeof INPUTS, at: string): Promise<string> {
      clock.now = Date.parse(at);
      return (await fal.queue.submit(V2V, { input: INPUTS[price], webhookUrl: 'https://app.example/fal/webhook' })).request_id;
    },
    async settle(requestId: string, settlement: 'commit' | 'release', at: string): Promise<void> {
      clock.now = Date.parse(at);
      const result = await guard.settleRequest(requestId, settlement);
      if (result !== (settlement === 'commit' ? 'committed' : 'released')) throw new Error(`settling ${requestId}: ${result}`);
    },
    /** A synchronous run: settled by its own answer, journaled without a request id. */
    async run(price: keyof typeof INPUTS, at: string): Promise<void> {
      clock.now = Date.parse(at);
      fake.fate = 'success';
      await fal.run(V2V, { input: INPUTS[price] });
    },
  };
}
