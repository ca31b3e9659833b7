import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanComparer, signedMoney } from '../../src/cli/compare-plans.js';
import { Decimal } from '../../src/index.js';

const noStdin: AsyncIterable<string> = { async *[Symbol.asyncIterator]() {} };

function savedFile(document: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fal-budget-comparer-')), 'saved.json');
  writeFileSync(file, JSON.stringify(document));
  return file;
}

describe('signedMoney', () => {
  it('signs every amount, and a negative zero is +0.00', () => {
    expect(signedMoney(new Decimal('1.08'))).toBe('+1.08');
    expect(signedMoney(new Decimal('-0.5'))).toBe('-0.50');
    expect(signedMoney(new Decimal('0').negated())).toBe('+0.00');
    expect(signedMoney(new Decimal('0.000000001'))).toBe('+0.000000001');
  });
});

describe('PlanComparer', () => {
  const saved = savedFile({
    currency: 'USD', total: '3.16', itemsOmitted: 0,
    items: [{ line: 1, id: 'a', total: '1.08' }, { line: 2, total: '0.72' }, { line: 3, id: 9, total: '0.36', count: 2 }, { line: 4, id: 'gone', total: '1.00' }],
  });

  it('keys by id (9 and "9" meet), else by line number; sums a repeated id; counts jobs', async () => {
    const comparer = await PlanComparer.start(saved, '0.50', noStdin);
    comparer.add(1, 'a', 1, '1.08');
    comparer.add(2, undefined, 1, '0.72');
    comparer.add(3, '9', 1, '0.18');
    comparer.add(4, '9', 1, '0.18');
    comparer.add(5, 'new', 1, '0.72');
    const result = comparer.finish('2.88', [{ line: 6, id: 'gone' }]);
    expect(result.changes).toEqual([
      { change: 'added', key: 'new', new: { total: '0.72', count: 1 }, delta: '+0.72' },
      { change: 'invalid', key: 'gone', old: { total: '1.00', count: 1 } },
    ]);
    expect(result.unchanged).toBe(3);
    expect(result.delta).toBe('-0.28');
    expect(result.maxIncrease).toEqual({ max: '0.50', within: true, over: undefined });
  });

  it('an id whose jobs changed but not its total is still a change', async () => {
    const comparer = await PlanComparer.start(saved, undefined, noStdin);
    comparer.add(3, 9, 4, '0.36');
    const result = comparer.finish('0.36', []);
    expect(result.changes[0]).toEqual({ change: 'changed', key: '9', old: { total: '0.36', count: 2 }, new: { total: '0.36', count: 4 }, delta: '+0.00' });
    expect(result.changes.slice(1).map((change) => `${change.change} ${change.key}`)).toEqual(['removed a', 'removed line 2', 'removed gone']);
    expect(result.maxIncrease).toBeUndefined();
  });
});
