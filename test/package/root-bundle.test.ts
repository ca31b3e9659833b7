import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundle, runBundled } from '../support/bundle.js';

/**
 * The root's budget for quote + guard + memory ledger, minified. Issue 12's target is 250 KB; the
 * budget sits close above today's 212.8 KB, so that growth is a decision: raise it only on purpose.
 */
const BUDGET_BYTES = 220_000;

/** The files with code in the output (metafile.inputs also lists what tree-shaking dropped). */
function shipped(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, used]) => used.bytesInOutput > 0).map(([input]) => input));
}

function packagesIn(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const input of shipped(metafile)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) names.add(match[1]!);
  }
  return [...names].sort();
}

describe('the root (fal-budget) runs in any runtime', () => {
  it('bundles with no node:* import, and quotes and guards in a bare context with no filesystem', async () => {
    const library = await runBundled<typeof import('../../src/index.js')>("export * from './src/index.ts';");
    const quoted = library.quote('luma/agent/ray/v3.2/video-to-video', { resolution: '1080p', hdr: true }, { at: '2026-11-24T00:00:00Z' });
    expect(quoted.total).toBe('4.32');
    expect(quoted.pricing.sha256).toBe('8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d');

    const guard = library.createBudgetGuard({ limit: '5.00', now: () => Date.parse('2026-11-24T00:00:00Z') });
    const input = { prompt: 'p', video_url: 'https://example.com/v.mp4', resolution: '1080p', hdr: true };
    const hold = await guard.reserve('luma/agent/ray/v3.2/video-to-video', input);
    await hold.commit();
    await expect(guard.reserve('luma/agent/ray/v3.2/video-to-video', input)).rejects.toMatchObject({ code: 'budget_exceeded', remaining: '0.68' });
    expect(await guard.status()).toMatchObject({ limit: '5.00', spent: '4.32', reserved: '0.00', remaining: '0.68' });
  });

  it.each(['fetch', 'mp4'])('fal-budget/%s runs in any runtime too (no node:* import)', async (entry) => {
    await expect(bundle(`export * from './src/${entry}.ts';`)).resolves.toMatchObject({ code: expect.any(String) });
  });

  it('fal-budget/node does import node:* (so the check above can fail)', async () => {
    await expect(bundle("export * from './src/node.ts';")).rejects.toThrow(/Could not resolve/);
  });
});

describe('the root bundle stays small', () => {
  it(`quote + guard + memory ledger minify to at most ${BUDGET_BYTES.toLocaleString('en-US')} bytes: zod/mini with its English messages only, no mp4box`, async () => {
    const { bytes, metafile } = await bundle("export { quote, createBudgetGuard, memoryLedger } from './src/index.ts';");
    const inputs = shipped(metafile);
    // zod/mini's `locales` export names all 40; only the English file, imported by itself, may ship.
    expect(inputs.filter((input) => /zod\/v4\/locales\/(?!en\.js)/.test(input))).toEqual([]);
    // `zod`'s schemas carry every method, so every schema kind and the JSON Schema processors: zod/mini's do not.
    expect(inputs.filter((input) => input.includes('zod/v4/classic/'))).toEqual([]);
    // The runtime dependencies the root needs, and no more: mp4box is fal-budget/mp4's.
    expect(packagesIn(metafile)).toEqual(['decimal.js', 'zod']);
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
