import { createFalClient } from '@fal-ai/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/budget/ledger-types.js';
import { Decimal } from '../../src/core/money.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { BudgetExceededError, createBudgetGuard, guardedFetch, quote } from '../../src/index.js';
import { FakeFal, type Fate } from './support/fake-fal.js';

/*
 * A model test of the whole guard: the real @fal-ai/client against the fake fal, with
 * fast-check's scheduler answering fal's requests in random orders while batches of calls run
 * concurrently. Random limits, two users, submits that fal accepts, refuses (500) or counts
 * (422), subscribes, results, status polls, cancels, outcomes that change, and the clock
 * moving past hold expiries. Laws: committed + reserved never exceeds any limit; once all
 * settles, spent equals the sum of the calls the model says were charged; no hold resolves twice.
 */

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const I2V = 'luma/agent/ray/v3.2/image-to-video';
const VARIANTS = [
  { endpoint: V2V, input: { video_url: 'https://e.com/v.mp4' } },
  { endpoint: V2V, input: { video_url: 'https://e.com/v.mp4', resolution: '720p' } },
  { endpoint: V2V, input: { video_url: 'https://e.com/v.mp4', resolution: '1080p', hdr: true } },
  { endpoint: I2V, input: { image_url: 'https://e.com/i.png' } },
  { endpoint: I2V, input: { image_url: 'https://e.com/i.png', resolution: '1080p', duration: '10s' } },
];
const T0 = Date.parse('2026-11-24T12:00:00Z');
const TTL = 60_000;
const USERS = ['a', 'b'] as const;

type User = (typeof USERS)[number];
type Op =
  | { kind: 'submit'; user: User; variant: number; directive: 'accept' | 'submit:500' | 'submit:422'; fate: Fate }
  | { kind: 'subscribe'; user: User; variant: number; fate: 'success' | 'fail_500' | 'fail_422' }
  | { kind: 'result' | 'status' | 'cancel'; pick: number }
  | { kind: 'finish'; pick: number; fate: 'success' | 'fail_500' | 'fail_422' };
type Step = { kind: 'batch'; ops: Op[] } | { kind: 'tick'; ms: number };

const user = fc.constantFrom(...USERS);
const variant = fc.integer({ min: 0, max: VARIANTS.length - 1 });
const pick = fc.nat();
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('submit' as const), user, variant,
    directive: fc.constantFrom('accept' as const, 'accept' as const, 'accept' as const, 'submit:500' as const, 'submit:422' as const),
    fate: fc.constantFrom<Fate>('success', 'fail_500', 'fail_422', 'queued', 'queued', 'running'),
  }),
  fc.record({ kind: fc.constant('subscribe' as const), user, variant, fate: fc.constantFrom('success' as const, 'fail_500' as const, 'fail_422' as const) }),
  fc.record({ kind: fc.constantFrom('result' as const, 'status' as const, 'cancel' as const), pick }),
  fc.record({ kind: fc.constant('finish' as const), pick, fate: fc.constantFrom('success' as const, 'fail_500' as const, 'fail_422' as const) }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('batch' as const), ops: fc.array(op, { minLength: 1, maxLength: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: TTL }) }) },
);
const cents = (max: number) => fc.integer({ min: 0, max }).map((value) => new Decimal(value).div(100).toFixed(2));
/** Tight limits (most calls refused), roomy ones, and ones that never bind. */
const limit = fc.oneof(cents(500), cents(3000), fc.constant('1000.00'));

const PRICES = VARIANTS.map((entry) => quote(entry.endpoint, { ...entry.input, prompt: 'p' }, { at: T0 }).total);

interface Accepted {
  readonly requestId: string;
  readonly user: User;
  readonly variant: number;
  readonly expiresAt: number;
  /** The model's view: open (held), charged (counted), free (released). */
  state: 'open' | 'charged' | 'free';
}

describe('guard model (fast-check): concurrent calls, random outcomes, random orders', () => {
  it('never exceeds a limit, counts exactly what was charged, resolves each hold once', async () => {
    await fc.assert(fc.asyncProperty(limit, limit, fc.array(step, { minLength: 1, maxLength: 12 }), fc.scheduler(), async (globalLimit, userLimit, steps, s) => {
      const clock = { now: T0 };
      const settled = new Map<string, string[]>();
      const inner = memoryLedger();
      const record = (holdId: string, result: string) => {
        if (result === 'committed' || result === 'released') settled.set(holdId, [...(settled.get(holdId) ?? []), result]);
        return result;
      };
      const ledger: Ledger = {
        reserve: (request) => inner.reserve(request),
        commit: async (holdId, now) => record(holdId, await inner.commit(holdId, now)) as never,
        release: async (holdId, now) => record(holdId, await inner.release(holdId, now)) as never,
        usage: (keys, now) => inner.usage(keys, now),
        settleRequest: async (requestId, settlement, now, app) => {
          const link = await inner.linkOf(requestId, now);
          const result = await inner.settleRequest(requestId, settlement, now, app);
          if (link) record(link.holdId, result);
          return result;
        },
        link: (request) => inner.link(request),
        linkOf: (requestId, now) => inner.linkOf(requestId, now),
        journal: (query) => inner.journal(query),
        inspect: (now) => inner.inspect(now),
      };
      const guard = createBudgetGuard({
        budgets: [{ name: 'global', limit: globalLimit }, { name: 'per-user', limit: userLimit, scope: 'user' }],
        ledger, now: () => clock.now, holdTtlMs: TTL, onWarning: () => {},
      });
      let overLimit = '';
      const checkLimits = async () => {
        for (const name of USERS) {
          for (const budget of (await guard.status({ user: name })).budgets) {
            if (new Decimal(budget.spent).plus(budget.reserved).gt(budget.limit)) overLimit = `${budget.budget.key}: ${budget.spent}+${budget.reserved} > ${budget.limit}`;
          }
        }
      };
      const fake = new FakeFal({ beforeAnswer: async () => { await checkLimits(); await s.schedule(Promise.resolve()); } });
      const client = createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) });
      const clients = Object.fromEntries(USERS.map((name) => [name, guard.wrap(client, { context: { user: name } })]));
      const accepted: Accepted[] = [];
      const charged: Array<{ user: User; amount: string }> = [];
      let spendingCalls = 0;
      let refused = 0;

      const charge = (entry: { user: User; variant: number }) => charged.push({ user: entry.user, amount: PRICES[entry.variant]! });
      /** An outcome seen for an open request: after its expiry the ledger has counted it already. */
      const observe = (entry: Accepted, outcome: 'charged' | 'free') => {
        if (entry.state !== 'open') return;
        entry.state = clock.now >= entry.expiresAt ? 'charged' : outcome;
        if (entry.state === 'charged') charge(entry);
      };
      const refusedOrThrow = (error: unknown) => {
        if (!(error instanceof BudgetExceededError)) throw error;
        refused += 1;
        expect(new Decimal(error.amount).gt(error.remaining)).toBe(true);
      };

      async function run(step: Op, fates: ReadonlyMap<string, Fate>, picked: readonly Accepted[]): Promise<void> {
        if (step.kind === 'submit' || step.kind === 'subscribe') {
          spendingCalls += 1;
          const { endpoint, input } = VARIANTS[step.variant]!;
          const prompt = step.kind === 'submit' ? (step.directive === 'accept' ? `fate:${step.fate}` : step.directive) : `fate:${step.fate}`;
          const fal = clients[step.user]!;
          if (step.kind === 'subscribe') {
            try {
              await fal.subscribe(endpoint, { input: { ...input, prompt }, pollInterval: 1 });
              charge(step);
            } catch (error) {
              if (error instanceof BudgetExceededError) return refusedOrThrow(error);
              const status = (error as { status?: number }).status;
              if (status === 422) charge(step);
              else if (status !== 500) throw error;
            }
            return;
          }
          try {
            const { request_id: requestId } = await fal.queue.submit(endpoint, { input: { ...input, prompt } });
            accepted.push({ requestId, user: step.user, variant: step.variant, expiresAt: clock.now + TTL, state: 'open' });
          } catch (error) {
            if (error instanceof BudgetExceededError) return refusedOrThrow(error);
            const status = (error as { status?: number }).status;
            if (status === 422) charge(step);
            else if (status !== 500) throw error;
          }
          return;
        }
        const entry = picked[step.pick % Math.max(picked.length, 1)];
        if (!entry || step.kind === 'finish') return;
        const fate = fates.get(entry.requestId)!;
        const fal = clients[entry.user]!;
        if (step.kind === 'result') {
          try {
            await fal.queue.result(V2V, { requestId: entry.requestId });
            observe(entry, 'charged');
          } catch (error) {
            const status = (error as { status?: number }).status;
            if (status === 500) observe(entry, 'free');
            else if (status === 422) observe(entry, 'charged');
            else if (status !== 400 && status !== 499) throw error;
          }
        } else if (step.kind === 'status') {
          const answer = await fal.queue.status(V2V, { requestId: entry.requestId });
          if (answer.status === 'COMPLETED' && !('error' in answer)) observe(entry, 'charged');
        } else {
          await fal.queue.cancel(V2V, { requestId: entry.requestId }).catch((error: { status?: number }) => {
            if (error.status !== 400) throw error;
          });
          if (fate === 'queued' && !fake.queued.get(entry.requestId)!.cancelled) throw new Error('the fake did not cancel');
          if (fate === 'queued') observe(entry, 'free');
        }
      }

      for (const item of steps) {
        if (item.kind === 'tick') {
          clock.now += item.ms;
          continue;
        }
        const picked = [...accepted];
        // Outcomes change before the batch starts, so every call in it sees the same fates.
        for (const change of item.ops) {
          if (change.kind !== 'finish' || picked.length === 0) continue;
          const target = fake.queued.get(picked[change.pick % picked.length]!.requestId)!;
          if ((target.fate === 'queued' || target.fate === 'running') && !target.cancelled) target.fate = change.fate;
        }
        const fates = new Map(picked.map((entry) => [entry.requestId, fake.queued.get(entry.requestId)!.fate]));
        const batch = Promise.all(item.ops.map((entry) => run(entry, fates, picked)));
        await s.waitFor(batch);
      }

      // Let every hold expire: what was never seen counts as spent.
      clock.now += 2 * TTL;
      for (const entry of accepted) if (entry.state === 'open') { entry.state = 'charged'; charge(entry); }
      await checkLimits();
      expect(overLimit).toBe('');
      const sum = (entries: typeof charged) => entries.reduce((total, entry) => total.plus(entry.amount), new Decimal(0)).toFixed(2);
      const statuses = await Promise.all(USERS.map((name) => guard.status({ user: name })));
      expect(statuses[0]!.budgets[0]).toMatchObject({ spent: sum(charged), reserved: '0.00' });
      USERS.forEach((name, index) => {
        expect(statuses[index]!.budgets[1]).toMatchObject({ spent: sum(charged.filter((entry) => entry.user === name)), reserved: '0.00' });
      });
      for (const [holdId, results] of settled) expect(results, holdId).toHaveLength(1);
      // A refused call sent nothing: fal saw one submit per call the guard let through.
      expect(fake.submits()).toBe(spendingCalls - refused);
    }), { numRuns: 200 });
  });
});
