import { build } from 'esbuild';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';

const ENTRY = join(import.meta.dirname, '..', '..', 'src', 'universal.ts');

it('fal-budget/universal bundles for the browser (no node:* import), quotes and guards with no filesystem', async () => {
  // platform 'browser' makes any node:* import (fs, path, crypto, ...) a build error.
  const result = await build({ entryPoints: [ENTRY], bundle: true, platform: 'browser', format: 'iife', globalName: 'falBudget', write: false, logLevel: 'silent' });
  const code = result.outputFiles[0]!.text;
  // A bare context: no require, process, Buffer or fs; only what a browser or edge runtime has.
  const context: Record<string, unknown> = { TextEncoder, URL, atob, console, crypto: globalThis.crypto };
  runInNewContext(`${code}\nthis.falBudget = falBudget;`, context);
  const library = context.falBudget as typeof import('../../src/universal.js');
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
