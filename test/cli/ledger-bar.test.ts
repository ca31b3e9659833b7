import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nanoToMoney } from '../../src/core/budget/nano-usd.js';
import { BAR_WIDTH, usageBar } from '../../src/cli/render/ledger-bar.js';

const count = (bar: string, cell: string) => [...bar].filter((c) => c === cell).length;

describe('the usage bar of `ledger status`', () => {
  it('examples: spent, then reserved, then free; full at the limit; a zero limit is full', () => {
    expect(usageBar('4.00', '1.00', '10.00')).toEqual({ bar: '████████▒▒··········', percent: '50.0%', level: 'ok' });
    expect(usageBar('4.00', '1.00', '5.00')).toEqual({ bar: '████████████████▒▒▒▒', percent: '100.0%', level: 'full' });
    expect(usageBar('7.99', '0.00', '10.00')).toEqual({ bar: '███████████████·····', percent: '79.9%', level: 'ok' });
    expect(usageBar('8.00', '0.00', '10.00')).toMatchObject({ level: 'high' });
    expect(usageBar('12.00', '0.00', '10.00')).toEqual({ bar: '████████████████████', percent: '120.0%', level: 'full' });
    expect(usageBar('0.00', '0.00', '0.00')).toEqual({ bar: '█'.repeat(BAR_WIDTH), percent: '100.0%', level: 'full' });
  });

  describe('properties', () => {
    const nano = fc.bigInt({ min: 0n, max: 9_000_000_000_000_000n });

    it('always BAR_WIDTH cells; each kind rounds down; "100.0%" and "full" exactly when nothing is left', () => {
      fc.assert(fc.property(nano, nano, nano.filter((limit) => limit > 0n), (spent, reserved, limit) => {
        const { bar, percent, level } = usageBar(nanoToMoney(spent), nanoToMoney(reserved), nanoToMoney(limit));
        expect([...bar]).toHaveLength(BAR_WIDTH);
        const width = BigInt(BAR_WIDTH);
        const cap = (cells: bigint) => Number(cells > width ? width : cells);
        expect(count(bar, '█')).toBe(cap((spent * width) / limit));
        expect(count(bar, '█') + count(bar, '▒')).toBe(cap(((spent + reserved) * width) / limit));
        // Rounded down to 0.1%: tenths of a percent = floor(used * 1000 / limit), in BigInt.
        const tenths = ((spent + reserved) * 1000n) / limit;
        expect(percent).toBe(`${tenths / 10n}.${tenths % 10n}%`);
        const full = spent + reserved >= limit;
        expect(level === 'full').toBe(full);
        expect(Number(percent.slice(0, -1)) >= 100).toBe(full);
      }));
    });
  });
});
