import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { targetOf, type GuardedMethod } from '../../src/fal/client-target.js';

/*
 * targetOf keeps the URL of a plain call per endpoint and subdomain, and where a URL lands per
 * method (client-target.ts). Whatever calls came before, a call's target (or its refusal) must be
 * what a fresh copy of the module, with nothing kept, works out for it.
 */

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const spelling = fc.constantFrom(
  V2V, 'luma/agent', `https://fal.run/${V2V}`, `https://queue.fal.run/${V2V}`, `https://queue.fal.run/${V2V}?fal_webhook=x`,
  `${V2V}/stream`, `https://fal.run/${V2V}/stream`, '123-app', `https://rest.fal.ai/${V2V}`, `https://queue.fal.run/luma/agent/requests/r1`,
);
const options = fc.record({
  path: fc.constantFrom(undefined, '', '/stream'),
  subdomain: fc.constantFrom(undefined, 'queue', 'ws'),
  webhookUrl: fc.constantFrom(undefined, 'https://hook.example/x'),
  url: fc.constantFrom(undefined, `https://fal.run/${V2V}/stream`, `https://queue.fal.run/${V2V}`),
}, { requiredKeys: [] });
const FOR: Record<GuardedMethod, readonly string[]> = {
  run: ['path', 'subdomain'],
  submit: ['path', 'webhookUrl'],
  subscribe: ['path', 'webhookUrl'],
  stream: ['url'],
};

type Outcome = { readonly target: unknown } | { readonly refused: string };

function outcomeOf(target: typeof targetOf, method: GuardedMethod, endpointId: string, picked: Record<string, unknown>): Outcome {
  try {
    return { target: target(method, endpointId, picked) };
  } catch (error) {
    return { refused: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

describe('targetOf with what it keeps', () => {
  it('gives each call what a fresh module gives it, whatever came before (fast-check)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.constantFrom<GuardedMethod>('run', 'submit', 'subscribe', 'stream'), spelling, options), { minLength: 2, maxLength: 8 }),
      async (calls) => {
        for (const [method, endpointId, all] of calls) {
          const picked = Object.fromEntries(Object.entries(all).filter(([key, value]) => FOR[method].includes(key) && value !== undefined));
          vi.resetModules();
          const fresh = (await import('../../src/fal/client-target.js')).targetOf;
          expect(outcomeOf(targetOf, method, endpointId, picked)).toEqual(outcomeOf(fresh, method, endpointId, picked));
        }
      },
    ), { numRuns: 60 });
  });

  it('one endpoint through each method in turn lands where that method sends it', () => {
    expect(targetOf('run', V2V, {}).url).toBe(`https://fal.run/${V2V}`);
    expect(targetOf('submit', V2V, {}).url).toBe(`https://queue.fal.run/${V2V}`);
    expect(targetOf('run', `https://queue.fal.run/${V2V}`, {}).phase).toBe('submit');
    expect(() => targetOf('stream', `https://queue.fal.run/${V2V}`, {})).toThrow(/is not a fal.run endpoint/);
    expect(targetOf('subscribe', `https://queue.fal.run/${V2V}`, {}).app).toBe('luma/agent');
  });
});
