import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFalClient } from '@fal-ai/client';
import { describe, expect, it } from 'vitest';
import { createBudgetGuard, guardedFetch, memoryLedger, quote } from '../../src/index.js';
import { probeInlineMp4 } from '../../src/mp4.js';
import { FakeFal } from '../fal/support/fake-fal.js';

// review3 item 2: fal bills the inline file's real length, whatever sourceSeconds claims.
const EDIT = 'luma-ray-3-2-edit';
const T0 = Date.parse('2026-11-24T12:00:00Z');
const tenSeconds = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'source-10s.mp4')).toString('base64');
const inline = (source_data: string) => ({ model: EDIT, prompt: 'x', source_data, source_media_type: 'video/mp4', resolution: '1080p' });
const guardOf = (probe: boolean) => createBudgetGuard({
  ledger: memoryLedger(), budgets: [{ limit: '100' }], now: () => T0, onWarning: () => {}, ...(probe ? { probeSource: probeInlineMp4 } : {}),
});

describe('a guard never reserves an inline source below what fal bills for it', () => {
  it('without probeSource, a claimed 1 s for a 10 s file is reserved at the 30 s maximum, saying how to price it exactly', async () => {
    const probed = await guardOf(true).check(EDIT, inline(tenSeconds), { provider: 'gmi', sourceSeconds: '1' });
    expect(probed.quote).toMatchObject({ total: '4.32', upperBound: false, params: { sourceSeconds: '10', sourceSecondsFrom: 'mp4' } });

    const guard = guardOf(false);
    const unprobed = await guard.check(EDIT, inline(tenSeconds), { provider: 'gmi', sourceSeconds: '1' });
    expect(unprobed.quote).toMatchObject({ total: '12.96', upperBound: true, params: { blocks: 6, sourceSeconds: '30', sourceSecondsFrom: 'maximum' } });
    expect(unprobed.quote!.warnings).toContainEqual({
      code: 'upper_bound',
      message: "sourceSeconds says 1 s but no probeSource was given to measure source_data, and fal bills the file's real length: quoted at the 30 s maximum; pass probeSource: probeInlineMp4 (from fal-budget/mp4) to price it exactly",
      path: ['source_data'],
    });
    // What is reserved is what was quoted.
    const hold = await guard.reserve(EDIT, inline(tenSeconds), { provider: 'gmi', sourceSeconds: '1' });
    expect(hold.amount).toBe('12.96');
    expect(await guard.status()).toMatchObject({ reserved: '12.96' });
  });

  it('with probeSource but a file it cannot read, a claimed length is not trusted either', async () => {
    const unreadable = Buffer.from('not a video at all').toString('base64');
    const checked = await guardOf(true).check(EDIT, inline(unreadable), { provider: 'gmi', sourceSeconds: '1' });
    expect(checked.quote).toMatchObject({ total: '12.96', upperBound: true });
    expect(checked.quote!.warnings).toContainEqual(expect.objectContaining({ code: 'upper_bound', message: expect.stringMatching(/^sourceSeconds says 1 s but the probe could not read source_data \(/) }));
  });

  it('a claim for a source the request only names is still the price (nothing inline to contradict it)', async () => {
    const checked = await guardOf(false).check(EDIT, { model: EDIT, prompt: 'x', source_generation_id: 'gen-1', resolution: '1080p' }, { provider: 'gmi', sourceSeconds: '1' });
    expect(checked.quote).toMatchObject({ total: '2.16', upperBound: false, warnings: [] });
  });
});

describe('quote(), a pre-flight estimate, keeps the claimed length and says it is unchecked', () => {
  it('without probeSource: the claim, with source_seconds_unchecked', () => {
    const quoted = quote(EDIT, inline(tenSeconds), { at: T0, sourceSeconds: '1' });
    expect(quoted).toMatchObject({ total: '2.16', upperBound: false, params: { sourceSeconds: '1', sourceSecondsFrom: 'given' } });
    expect(quoted.warnings).toEqual([{
      code: 'source_seconds_unchecked',
      message: "sourceSeconds says 1 s but no probeSource was given to measure source_data, and fal bills the file's real length: quoted at 1 s unchecked; pass probeSource: probeInlineMp4 (from fal-budget/mp4) to price it exactly",
      path: ['sourceSeconds'],
    }]);
  });

  it('with probeSource the bytes win, as before: the guard and quote() agree', async () => {
    const quoted = quote(EDIT, inline(tenSeconds), { at: T0, sourceSeconds: '1', probeSource: probeInlineMp4 });
    expect(quoted.total).toBe('4.32');
    expect((await guardOf(true).check(EDIT, inline(tenSeconds), { provider: 'gmi', sourceSeconds: '1' })).quote!.total).toBe(quoted.total);
  });
});

// review3 item 13: fal receives JSON.stringify(input), its own enumerable properties only.
const V2V = 'luma/agent/ray/v3.2/video-to-video';
const sdr540 = () => {
  // hdr and 1080p ($4.32) only on the prototype; the body fal receives is the $0.72 540p SDR clip.
  const input = Object.create({ hdr: true, resolution: '1080p' }) as Record<string, unknown>;
  input.prompt = 'a cat surfing';
  input.video_url = 'https://example.com/in.mp4';
  Object.defineProperty(input, 'duration', { value: '10s', enumerable: false });
  return input;
};

describe('only the fields fal is sent are priced', () => {
  it('quote() ignores inherited and non-enumerable fields', () => {
    const input = sdr540();
    expect(JSON.parse(JSON.stringify(input))).toEqual({ prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' });
    expect(quote(V2V, input, { at: T0 })).toMatchObject({ total: '0.72', params: { tier: 'sdr', resolution: '540p' } });
  });

  it('a guard prices what its check is given and what the wrapped client sends the same', async () => {
    const fake = new FakeFal();
    const guard = createBudgetGuard({ limit: '10.00', now: () => T0, onWarning: () => {} });
    expect((await guard.check(V2V, sdr540())).quote!.total).toBe('0.72');
    const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) }));
    await fal.subscribe(V2V, { input: sdr540(), pollInterval: 1 });
    const post = fake.requests.find((request) => request.method === 'POST')!;
    expect(JSON.parse(post.body!)).toEqual({ prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' });
    expect(await guard.status()).toMatchObject({ spent: '0.72', reserved: '0.00' });
  });
});
