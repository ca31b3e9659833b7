import { describe, expect, it } from 'vitest';
import type { HoldDetails, Ledger, ReserveRequest } from '../../src/core/budget/ledger-types.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { createBudgetGuard } from '../../src/index.js';
import { journalOf } from '../support/journal.js';

/*
 * The guard hands the ledger the details of each hold (what the journal says it paid for). A call
 * no scope applies to reuses its endpoint's last frozen details, since the ledger keeps them with
 * every hold; a scoped call, another endpoint or another provider gets its own.
 */

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const HDR_1080 = { prompt: 'p', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true }; // $4.32

/** A memory ledger that also records what each reserve was asked. */
function recordingLedger(): { ledger: Ledger; asked: ReserveRequest[] } {
  const inner = memoryLedger();
  const asked: ReserveRequest[] = [];
  return { asked, ledger: { ...inner, reserve: (request) => (asked.push(request), inner.reserve(request)) } };
}

describe('the details of a hold', () => {
  it('a call no scope applies to: the same frozen details as the last such call of its endpoint', async () => {
    const { ledger, asked } = recordingLedger();
    const guard = createBudgetGuard({ limit: '100.00', ledger, now: () => 1_800_000_000_000 });
    for (let call = 0; call < 3; call += 1) await (await guard.reserve(V2V, HDR_1080)).commit();
    const [first, ...rest] = asked.map((request) => request.details!);
    expect(first).toEqual({ endpoint: V2V, provider: 'fal', pricingVersion: expect.any(String), pricingSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Object.isFrozen(first)).toBe(true);
    for (const details of rest) expect(details).toBe(first);
    const journal = await journalOf(ledger);
    expect(journal).toHaveLength(3);
    for (const entry of journal) expect(entry).toMatchObject({ ...first, outcome: 'committed', amount: '4.32' });
  });

  it('a scoped call: its own details, with whose call it was', async () => {
    const { ledger, asked } = recordingLedger();
    const guard = createBudgetGuard({ budgets: [{ limit: '100.00', scope: 'user' }], ledger });
    await guard.reserve(V2V, HDR_1080, { context: { user: 'ann' } });
    await guard.reserve(V2V, HDR_1080, { context: { user: 'bob' } });
    await guard.reserve(V2V, HDR_1080, { context: { user: 'ann' } });
    const details = asked.map((request) => request.details as HoldDetails);
    expect(details.map((each) => each.scope)).toEqual([{ user: 'ann' }, { user: 'bob' }, { user: 'ann' }]);
    expect(details[2]).not.toBe(details[0]);
  });

  it('another provider or an endpoint admitted at a declared price: details of its own, never a neighbour\'s', async () => {
    const { ledger, asked } = recordingLedger();
    const warnings: string[] = [];
    const guard = createBudgetGuard({ limit: '100.00', ledger, allowUnknownEndpoints: { 'acme/new-model': '0.50' }, onWarning: (warning) => warnings.push(warning.code) });
    await guard.reserve(V2V, HDR_1080);
    await guard.reserve('acme/new-model', {});
    await guard.reserve('acme/new-model', {}, { provider: 'acme' });
    await guard.reserve(V2V, HDR_1080);
    const details = asked.map((request) => request.details);
    expect(details[1]).toEqual({ endpoint: 'acme/new-model', provider: 'fal' });
    expect(details[2]).toEqual({ endpoint: 'acme/new-model', provider: 'acme' });
    expect(details[3]).toBe(details[0]);
    expect(warnings).toEqual(['unknown_endpoint_admitted', 'unknown_endpoint_admitted']);
  });
});
