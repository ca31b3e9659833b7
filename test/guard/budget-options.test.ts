import { describe, expect, it } from 'vitest';
import { createBudgetGuard, InvalidOptionError, type BudgetGuardOptions } from '../../src/index.js';
import { fileLedger } from '../../src/node.js';

function optionError(options: unknown): InvalidOptionError {
  try {
    createBudgetGuard(options as BudgetGuardOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('guard options are checked up front, each error naming the option', () => {
  it('a limit as a JS number is refused: money is never a float', () => {
    const error = optionError({ limit: 25 });
    expect(error.option).toBe('limit');
    expect(error.code).toBe('invalid_option');
    expect(error.message).toMatchInlineSnapshot(`"limit: must be a decimal string like "25.00", not the number 25: a JS number cannot hold money exactly"`);
  });

  it.each([
    ['25,00'], ['-5'], ['1e3'], [' '], ['25.'], ['.5'], ['$25'], ['NaN'], ['0x10'],
  ])('a malformed limit %j is refused', (limit) => {
    expect(optionError({ limit }).message).toContain(`limit: must be a non-negative decimal string like "25.00" (got ${JSON.stringify(limit)})`);
  });

  it('a limit no ledger can hold exactly is refused up front: over 9 decimals, or over $9,000,000', () => {
    expect(optionError({ limit: `1.${'0'.repeat(63)}1` }).message).toContain('limit: must have at most 9 decimals and be at most $9000000.00');
    expect(optionError({ budgets: [{ limit: '9000000.01' }] }).option).toBe('budgets[0].limit');
    expect(() => createBudgetGuard({ limit: '9000000.000000000' })).not.toThrow();
    expect(() => createBudgetGuard({ limit: '0.000000001' })).not.toThrow();
  });

  it('names the budget and field that is wrong', () => {
    expect(optionError({ budgets: [{ limit: '5.00' }, { limit: 5 }] }).option).toBe('budgets[1].limit');
    expect(optionError({ budgets: [{ limit: '5.00', window: 'year' }] }).message).toBe('budgets[0].window: must be one of day, week, month (got "year")');
    expect(optionError({ budgets: [{ limit: '5.00', window: 'day', timeZone: 'Mars/Olympus' }] }).option).toBe('budgets[0].timeZone');
    expect(optionError({ timeZone: 'EST5EDT-ish' }).option).toBe('timeZone');
    expect(optionError({ budgets: [{ limit: '5.00', windw: 'day' }] }).option).toBe('budgets[0].windw');
    expect(optionError({ budgets: [{ limit: '5.00', scope: 42 }] }).option).toBe('budgets[0].scope');
    expect(optionError({ limit: '1.00', budgets: [{ limit: '5.00' }] }).message).toContain('two budgets are named "global"');
    expect(optionError({}).option).toBe('limit');
    expect(optionError({ budgets: 'lots' }).option).toBe('budgets');
  });

  it('checks the other options too', () => {
    expect(optionError({ limit: '1.00', holdTtlMs: -1 }).option).toBe('holdTtlMs');
    expect(optionError({ limit: '1.00', allowUnknownEndpoints: { 'a/b': 0.5 } }).option).toBe('allowUnknownEndpoints["a/b"]');
    expect(optionError({ limit: '1.00', thresholds: ['80%'] }).option).toBe('thresholds[0]');
    expect(optionError({ limit: '1.00', thresholds: ['1.5'] }).option).toBe('thresholds[0]');
    expect(optionError({ limit: '1.00', onThreshold: () => {}, thresholds: ['0'] }).option).toBe('thresholds[0]');
    expect(() => fileLedger({ path: '' })).toThrow(InvalidOptionError);
  });

  it('accepts a limit alone: one global budget on the in-memory ledger', async () => {
    const guard = createBudgetGuard({ limit: '25.00' });
    expect(await guard.status()).toEqual({
      limit: '25.00', spent: '0.00', reserved: '0.00', remaining: '25.00',
      budget: { name: 'global', key: 'global', scope: undefined, window: undefined },
      budgets: [{ limit: '25.00', spent: '0.00', reserved: '0.00', remaining: '25.00', budget: { name: 'global', key: 'global', scope: undefined, window: undefined } }],
    });
  });

  it('refuses to wrap something that is not a fal client', () => {
    const guard = createBudgetGuard({ limit: '1.00' });
    expect(() => guard.wrap({ subscribe: () => {} })).toThrow(/client: is not a fal client/);
  });
});

describe('options the guard could only fail on later are refused at once', () => {
  it('onWarning, book and pricingAt', async () => {
    const { createBudgetGuard, InvalidOptionError } = await import('../../src/index.js');
    expect(() => createBudgetGuard({ limit: '1.00', onWarning: 'x' as never })).toThrow(InvalidOptionError);
    expect(() => createBudgetGuard({ limit: '1.00', book: {} as never })).toThrow('book: must be a PriceBook');
    expect(() => createBudgetGuard({ limit: '1.00', pricingAt: 'x' })).toThrow('pricingAt: must be a Date');
    expect(() => createBudgetGuard({ limit: '1.00', pricingAt: '2026-02-30' })).toThrow(InvalidOptionError);
    expect(createBudgetGuard({ limit: '1.00', pricingAt: '2026-11-24' })).toBeDefined();
  });
});
