import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PricingTableError, readPricingTable } from '../../src/index.js';
import { BILLING_KINDS, billingKind } from '../../src/core/billing/index.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.generated.ts') ? [join(dir, entry.name)] : [],
  );
}

function problemsOf(billing: unknown, request = 'fal/luma-ray-3.2/video-to-video') {
  const text = JSON.stringify({
    provider: 'acme', version: 'v1', effectiveFrom: '2026-01-01', currency: 'USD', checked: '2026-01-01',
    endpoints: { 'acme/x': { request, source: 'https://example.com', notes: 'test', verified: true, billing } },
  });
  try {
    readPricingTable(text, 'acme.json');
  } catch (error) {
    expect(error).toBeInstanceOf(PricingTableError);
    return (error as PricingTableError).problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`);
  }
  return [];
}

describe('billing kinds are modules in one registry', () => {
  it('every kind is found by its id, and nothing else is', () => {
    for (const kind of BILLING_KINDS) expect(billingKind(kind.id)).toBe(kind);
    expect(billingKind('per_minute')).toBeUndefined();
  });

  it('a table with a kind the registry does not have is refused at billing.kind', () => {
    expect(problemsOf({ kind: 'per_minute', rates: {} })[0]).toMatch(/^endpoints\.acme\/x\.billing\.kind: /);
  });

  it('no module outside src/core/billing tests a billing kind by its name', () => {
    const ids = BILLING_KINDS.map((kind) => kind.id);
    const offences: string[] = [];
    for (const file of sources(SRC)) {
      const where = relative(SRC, file);
      if (where.startsWith(`core${'/'}billing/`)) continue;
      for (const [line, text] of readFileSync(file, 'utf8').split('\n').entries()) {
        // A request model says which kind bills it, once: `billing: 'per_clip'`. Nothing else may.
        if (/^\s*billing: '[a-z_]+',$/.test(text) && where.startsWith('core/endpoints/')) continue;
        // Comments may name kinds as examples.
        if (/^\s*(\/\/|\/\*|\*)/.test(text)) continue;
        for (const id of ids) if (text.includes(`'${id}'`) || text.includes(`"${id}"`)) offences.push(`${where}:${line + 1}: ${text.trim()}`);
      }
    }
    expect(offences).toEqual([]);
  });
});

describe('a card is checked against its own request model, not global enums', () => {
  it('names a duration or resolution the model does not take, with what it does take', () => {
    expect(problemsOf({ kind: 'per_clip', rates: { sdr: { '540p': { '7s': '1.00' }, '4k': { '5s': '1.00' } } } })).toEqual([
      'endpoints.acme/x.billing.rates.sdr.540p.7s: request model fal/luma-ray-3.2/video-to-video has no duration 7s (it takes 5s, 10s)',
      'endpoints.acme/x.billing.rates.sdr.4k: request model fal/luma-ray-3.2/video-to-video has no resolution 4k (it takes 540p, 720p, 1080p)',
    ]);
  });

  it('a tier the model cannot ask for is refused on every kind', () => {
    expect(problemsOf({ kind: 'per_clip', rates: { hdr: { '720p': { '5s': '1.00' } } } }, 'fal/luma-ray-3.2/image-to-video')).toEqual([
      'endpoints.acme/x.billing.rates.hdr: request model fal/luma-ray-3.2/image-to-video cannot ask for tier hdr',
    ]);
    expect(problemsOf({ kind: 'per_block', blockSeconds: '5', maxSourceSeconds: '30', rates: { ultra: { '720p': '1.00' } } }, 'gmi/luma-ray-3.2/edit')).toEqual([
      'endpoints.acme/x.billing.rates.ultra: request model gmi/luma-ray-3.2/edit cannot ask for tier ultra',
    ]);
  });
});
