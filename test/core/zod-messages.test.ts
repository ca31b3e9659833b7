import { describe, expect, it } from 'vitest';
import type { RequestIssue } from '../../src/index.js';
import { runBundled } from '../support/bundle.js';

// The core validates with zod/mini, which sets no locale (its issues would all read "Invalid
// input"); src/core/english-messages.ts sets zod's English unless the app chose a locale. Checked
// in a bundle run in a context of its own: it has its own zod, which nothing here (no `zod`
// import, which sets English itself) has configured.
type Library = typeof import('../../src/index.js');
const ENDPOINT = 'luma/agent/ray/v3.2/video-to-video';
const AT = { at: '2026-11-24T00:00:00Z' };

function issuesOf(library: Library, input: Record<string, unknown>, options: { strict?: boolean } = {}) {
  try {
    library.quote(ENDPOINT, input, { ...AT, ...options });
  } catch (error) {
    // The bundle's errors come from its own realm: not instances of this one's Error.
    if (typeof error === 'object' && error !== null && 'issues' in error) return (error as { issues: RequestIssue[] }).issues;
    throw error;
  }
  throw new Error('the request was quoted');
}

describe("zod's messages in requests and tables", () => {
  it('are English when nothing configured zod', async () => {
    const library = await runBundled<Library>("export * from './src/index.ts';");
    expect(issuesOf(library, { resolution: '4k', hdr: 'yes' })).toEqual([
      { path: ['resolution'], code: 'invalid_value', message: 'Invalid option: expected one of "540p"|"720p"|"1080p"' },
      { path: ['hdr'], code: 'invalid_type', message: 'Invalid input: expected boolean, received string' },
    ]);
    expect(issuesOf(library, { video_url: 7 }, { strict: true })).toContainEqual({ path: ['video_url'], code: 'invalid_type', message: 'Invalid input: expected string, received number' });
    const table = JSON.stringify({ provider: 'mine', version: 'v1', effectiveFrom: '2026-11-24', currency: 'USD', checked: '2026-11-24', endpoints: { x: { request: 7 } } });
    expect(() => library.readPricingTable(table, 'mine.json')).toThrow(/mine\.json at \$\.endpoints\.x\.request: Invalid option: expected one of /);
  });

  it('are English from the exported pricingTableSchema, parsed directly before fal-budget parsed anything', async () => {
    const { pricingTableSchema } = await runBundled<Library>("export { pricingTableSchema } from './src/index.ts';");
    const result = pricingTableSchema.safeParse({ provider: 5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['provider'], message: 'Invalid input: expected string, received number' });
  });

  it("are the app's own when it configured a locale, before importing fal-budget or after", async () => {
    const french = 'Option invalide : une valeur parmi "540p"|"720p"|"1080p" attendue';
    const before = await runBundled<Library>(`
      import * as z from 'zod/mini';
      import fr from 'zod/v4/locales/fr.js';
      z.config(fr());
      export * from './src/index.ts';`);
    expect(issuesOf(before, { resolution: '4k' })).toEqual([{ path: ['resolution'], code: 'invalid_value', message: french }]);

    const after = await runBundled<Library & { configureFrench(): void }>(`
      import * as z from 'zod/mini';
      import fr from 'zod/v4/locales/fr.js';
      export const configureFrench = () => z.config(fr());
      export * from './src/index.ts';`);
    expect(issuesOf(after, { resolution: '4k' })[0]?.message).toBe('Invalid option: expected one of "540p"|"720p"|"1080p"');
    after.configureFrench();
    expect(issuesOf(after, { resolution: '4k' })).toEqual([{ path: ['resolution'], code: 'invalid_value', message: french }]);
  });
});
