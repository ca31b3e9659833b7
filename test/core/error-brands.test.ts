import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { BudgetExceededError, bundledPriceBook, createBudgetGuard, FalBudgetError, InvalidOptionError, isBudgetExceededError, isFalBudgetError, isInvalidOptionError, isLedgerUnavailableError, isPriceBook, LedgerUnavailableError, PriceBook, quote, RedisEvictionPolicyError, type FalBudgetErrorCode, type RequestIssue } from '../../src/index.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const AT = '2026-11-24T12:00:00Z';

/** A second copy of the package, as two versions in one node_modules would be: classes of its own. */
async function secondCopy() {
  vi.resetModules();
  const copy = await import('../../src/index.js');
  vi.resetModules();
  return copy;
}

/** An error class written elsewhere that carries the brand, as an older or newer copy's would. */
class ForeignError extends Error {
  override name = 'BudgetExceededError';
  readonly code: FalBudgetErrorCode = 'budget_exceeded';
}
Object.defineProperty(ForeignError.prototype, Symbol.for('fal-budget.error'), { value: true });

describe('is...Error guards work across copies of the package', () => {
  it('a second copy is a different class, so instanceof fails where the guards do not', async () => {
    const copy = await secondCopy();
    expect(copy.FalBudgetError).not.toBe(FalBudgetError);
    const option = new copy.InvalidOptionError('limit', 'must be a decimal string');
    expect(option).not.toBeInstanceOf(InvalidOptionError);
    expect(isFalBudgetError(option)).toBe(true);
    expect(isInvalidOptionError(option)).toBe(true);
    expect(isBudgetExceededError(option)).toBe(false);
    const unavailable = new copy.RedisEvictionPolicyError('evicting', { location: 'redis://127.0.0.1:1', risk: 'evicting', policy: 'allkeys-lru' } as never);
    expect(isLedgerUnavailableError(unavailable)).toBe(true);
  });

  it('an object made by another class with the same brand passes; one without it does not', () => {
    const foreign = new ForeignError('needs $1.00');
    expect(isFalBudgetError(foreign)).toBe(true);
    expect(isBudgetExceededError(foreign)).toBe(true);
    expect(isLedgerUnavailableError(foreign)).toBe(false);
    const lookalike = Object.assign(new Error('needs $1.00'), { name: 'BudgetExceededError', code: 'budget_exceeded' });
    expect(isFalBudgetError(lookalike)).toBe(false);
    expect(isBudgetExceededError(lookalike)).toBe(false);
    expect(isFalBudgetError({ code: 'budget_exceeded' })).toBe(false);
    expect(isFalBudgetError(null)).toBe(false);
  });

  it('this copy\'s own errors pass, and the brand is not an enumerable property', () => {
    const error = new LedgerUnavailableError('down', { ledger: 'file' });
    expect(isLedgerUnavailableError(error)).toBe(true);
    expect(isLedgerUnavailableError(new RedisEvictionPolicyError('x', { location: 'l', risk: 'unverified' } as never))).toBe(true);
    expect(Object.keys(error)).not.toContain(Symbol.for('fal-budget.error'));
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect(isBudgetExceededError(new InvalidOptionError('x', 'y'))).toBe(false);
    expect(BudgetExceededError).toBeDefined();
  });
});

describe('a PriceBook from another copy is a PriceBook', () => {
  it('quote() and createBudgetGuard() take it, and price from it', async () => {
    const copy = await secondCopy();
    const book = copy.bundledPriceBook();
    expect(book).not.toBeInstanceOf(PriceBook);
    expect(isPriceBook(book)).toBe(true);
    expect(isPriceBook(bundledPriceBook())).toBe(true);
    expect(isPriceBook({ tables: [] })).toBe(false);
    expect(quote(V2V, { resolution: '720p' }, { at: AT, book }).total).toBe('1.08');
    const guard = createBudgetGuard({ limit: '5.00', book, pricingAt: AT });
    await expect(guard.check(V2V, { prompt: 'a', video_url: 'https://example.com/a.mp4', resolution: '720p' })).resolves.toMatchObject({ quote: { total: '1.08' } });
  });
});

describe('error codes are a closed union', () => {
  it('FalBudgetError.code is FalBudgetErrorCode, and a made-up code does not typecheck', () => {
    expectTypeOf<FalBudgetError['code']>().toEqualTypeOf<FalBudgetErrorCode>();
    expectTypeOf<InvalidOptionError['code']>().toEqualTypeOf<FalBudgetErrorCode>();
    // @ts-expect-error: not a code of ours
    const madeUp = new FalBudgetError('made_up', 'x');
    expect(madeUp.code).toBe('made_up');
  });
});

describe('issue codes are ours or zod\'s', () => {
  it('a made-up issue code does not typecheck; zod\'s pass through', () => {
    const zods: RequestIssue = { path: ['prompt'], code: 'too_small', message: 'too short' };
    // @ts-expect-error: neither ours nor zod's
    const madeUp: RequestIssue = { path: [], code: 'made_up', message: 'x' };
    expect([zods.code, madeUp.code]).toEqual(['too_small', 'made_up']);
  });
});
