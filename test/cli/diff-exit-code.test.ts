import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, failureLine, ROOT, runCli } from './support/cli.js';

const NEXT = join(ROOT, 'test', 'fixtures', 'pricing-next');

beforeAll(() => ensureBuilt());

describe('diff --exit-code: 3 when the tables differ, 0 when not (1 stays "a bug")', () => {
  it('a changed price is 3, in every format, with the report still printed', async () => {
    for (const format of ['table', 'json', 'markdown']) {
      const result = await runCli(['diff', 'fal/2026-11-21', 'fal/2026-12-01', '--pricing', NEXT, '--exit-code', '--format', format]);
      expect(result.code).toBe(3);
      expect(result.stdout).toContain('2.40');
      expect(result.stderr).toBe('');
    }
  });

  it('the same table is 0; without --exit-code a difference is 0 as before', async () => {
    expect((await runCli(['diff', 'fal/2026-11-21', 'fal/2026-11-21', '--exit-code'])).code).toBe(0);
    const same = await runCli(['diff', 'fal/2026-11-21', join(ROOT, 'pricing', 'fal', '2026-11-21.json'), '--exit-code', '--json']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ changed: [], added: [], removed: [], billingChanges: [] });
    expect((await runCli(['diff', 'fal/2026-11-21', 'fal/2026-12-01', '--pricing', NEXT])).code).toBe(0);
  });

  it('only added cells, or only a billing term, differ too', async () => {
    // 2026-12-02 adds the reframe endpoint: every old cell is unchanged, some are new.
    const added = await runCli(['diff', 'fal/2026-11-21', 'fal/2026-12-02', '--exit-code', '--json']);
    expect(JSON.parse(added.stdout)).toMatchObject({ changed: [], removed: [], billingChanges: [] });
    expect(added.code).toBe(3);
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-diff-exit-'));
    const table = JSON.parse(readFileSync(join(ROOT, 'pricing', 'gmi', '2026-11-21.json'), 'utf8'));
    table.endpoints['luma-ray-3-2-edit'].billing.maxSourceSeconds = '60';
    writeFileSync(join(dir, 'gmi-next.json'), JSON.stringify(table));
    const billing = await runCli(['diff', 'gmi/2026-11-21', join(dir, 'gmi-next.json'), '--exit-code', '--json']);
    expect(JSON.parse(billing.stdout)).toMatchObject({ changed: [], added: [], removed: [], billingChanges: [{ field: 'maxSourceSeconds', old: '30', new: '60' }] });
    expect(billing.code).toBe(3);
  });

  it('a table that cannot be read is 2, as without the flag', async () => {
    expect(failureLine(await runCli(['diff', 'fal/2026-11-21', 'nope.json', '--exit-code']))).toBe('fal-budget: diff <new> nope.json: cannot read (no such file)');
  });
});
