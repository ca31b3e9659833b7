import { describe, expect, it } from 'vitest';
import { compileTableData } from '../../src/core/pricing/pricing-table.js';
import type { PricingTableData } from '../../src/core/pricing/schema.js';
import { bundledPriceBook } from '../../src/tables/bundled.js';
import { BUNDLED_TABLE_FILES } from '../../src/tables/bundled.generated.js';

// The bundled tables compile each card when it is first read (cardsOnFirstUse): npm run generate
// compiled them all already. The lazy tables must be the eager ones, card for card.
describe('bundled tables compile their cards on first use, to the same cards', () => {
  it.each(BUNDLED_TABLE_FILES.map((entry) => [entry.file, entry] as const))('%s', (_file, { file, text, sha256 }) => {
    const eager = compileTableData(JSON.parse(text) as PricingTableData, file, sha256);
    const lazy = compileTableData(JSON.parse(text) as PricingTableData, file, sha256, { cardsOnFirstUse: true });
    expect([...lazy.endpoints.keys()]).toEqual([...eager.endpoints.keys()]);
    for (const [endpoint, pricing] of lazy.endpoints) {
      const reference = eager.endpoints.get(endpoint)!;
      expect(Object.keys(pricing)).toEqual(Object.keys(reference));
      expect(pricing.card).toStrictEqual(reference.card);
      expect(pricing.card).toBe(pricing.card);
      expect({ ...pricing, card: undefined }).toStrictEqual({ ...reference, card: undefined });
    }
  });

  it('the bundled price book is made of them', () => {
    const pricing = bundledPriceBook().tables[0]!.endpoints.values().next().value!;
    expect(Object.getOwnPropertyDescriptor(pricing, 'card')?.get).toBeTypeOf('function');
  });

  it('a card that fails to compile on first use throws PricingTableError, naming its file and path', () => {
    const { file, text, sha256 } = BUNDLED_TABLE_FILES[0]!;
    const data = JSON.parse(text) as PricingTableData;
    const [endpoint, first] = Object.entries(data.endpoints)[0]!;
    const broken = { ...data, endpoints: { [endpoint]: { ...first, billing: { ...first.billing, rates: { sdr: { '9999p': { '5s': '1' } } } } } } } as PricingTableData;
    expect(() => compileTableData(broken, file, sha256)).toThrow('9999p');
    const lazy = compileTableData(broken, file, sha256, { cardsOnFirstUse: true });
    expect(() => lazy.endpoints.get(endpoint)!.card).toThrow(expect.objectContaining({ name: 'PricingTableError', message: expect.stringContaining('9999p') }));
  });
});
