import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { draftTable } from '../../src/cli/commands/pricing-check/draft-table.js';
import type { PricingCheckReport } from '../../src/cli/commands/pricing-check/pricing-check-report.js';
import { readPricingTable } from '../../src/index.js';
import { FakePlatform } from '../fal/support/fake-platform.js';
import { ensureBuilt, failureLine, ROOT, runCli } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const I2V = 'luma/agent/ray/v3.2/image-to-video';
const T2V = 'luma/agent/ray/v3.2/text-to-video';
const platform = new FakePlatform('pricing-key-s3cr3t');
let dir: string;

const price = (endpoint: string, unitPrice: string, unit = 'video', currency = 'USD') =>
  `{"endpoint_id":${JSON.stringify(endpoint)},"unit_price":${unitPrice},"unit":${JSON.stringify(unit)},"currency":${JSON.stringify(currency)}}`;

/** fal's answer as the 2026-11-21 table has it: every base cell unchanged. */
function falAsPublished(): void {
  platform.prices.clear();
  platform.prices.set(V2V, price(V2V, '0.72'));
  platform.prices.set(I2V, price(I2V, '0.5'));
  platform.prices.set(T2V, price(T2V, '0.50'));
}

beforeAll(async () => {
  ensureBuilt();
  await platform.start();
  dir = mkdtempSync(join(tmpdir(), 'fal-budget-pricing-check-'));
});
afterAll(async () => {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(falAsPublished);

const env = { FAL_KEY: platform.key };
const check = (...extra: string[]) => runCli(['pricing', 'check', '--at', '2026-11-24', '--api-url', platform.url, ...extra], { env });

describe('fal-budget pricing check', () => {
  it('every base cell as fal prices it: exit 0, each endpoint unchanged', async () => {
    const result = await check('--json');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as PricingCheckReport;
    expect(report.table).toMatchObject({ provider: 'fal', version: '2026-11-21' });
    expect(report.endpoints.map((row) => [row.endpoint, row.status, row.cell, row.tablePrice, row.falPrice])).toEqual([
      [V2V, 'unchanged', 'sdr 540p 5s', '0.72', '0.72'],
      [I2V, 'unchanged', 'sdr 540p 5s', '0.50', '0.50'],
      [T2V, 'unchanged', 'sdr 540p 5s', '0.50', '0.50'],
    ]);
    // One request: three ids, comma-separated, with the key.
    expect(platform.calls.at(-1)).toMatchObject({ path: '/v1/models/pricing', query: { endpoint_id: [V2V, I2V, T2V].join(',') }, authorization: `Key ${platform.key}` });
  });

  it('a changed price: exit 3, the row says old → new, stderr names it', async () => {
    platform.prices.set(V2V, price(V2V, '0.80'));
    const result = await check();
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(new RegExp(`│ ${V2V.replace(/\//g, '\\/').replace(/\./g, '\\.')}\\s*│ changed \\$0\\.72 → \\$0\\.80\\s*│ sdr 540p 5s\\s*│ \\$0\\.72 per clip\\s*│ \\$0\\.80 per video`));
    expect(result.stderr).toBe(`fal-budget: 1 fal price changed: ${V2V} $0.72 → $0.80\n`);
    expect(result.stdout).not.toContain(platform.key);
  });

  it('a unit the card cannot be compared in, or no price from fal: exit 2, the report still printed', async () => {
    platform.prices.set(T2V, price(T2V, '0.10', 'video_second'));
    platform.prices.delete(I2V);
    const result = await check('--json');
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as PricingCheckReport;
    expect(report.counts).toEqual({ unchanged: 1, changed: 0, unknown_unit: 1, missing: 1 });
    expect(report.endpoints.find((row) => row.endpoint === T2V)).toMatchObject({ status: 'unknown_unit', reason: "fal prices it per video_second; the table's base cell is a price per clip" });
    expect(result.stderr).toBe(`fal-budget: 2 endpoints could not be compared: ${I2V} (fal's pricing API has no price for it (for this key's account)), ${T2V} (fal prices it per video_second; the table's base cell is a price per clip)\n`);
  });

  it('a price in another currency is not compared', async () => {
    platform.prices.set(V2V, price(V2V, '0.72', 'video', 'EUR'));
    const report = JSON.parse((await check('--json')).stdout) as PricingCheckReport;
    expect(report.endpoints[0]).toMatchObject({ status: 'unknown_unit', reason: 'fal prices it in EUR; the tables are USD' });
  });

  it('--format markdown', async () => {
    platform.prices.set(V2V, price(V2V, '0.80'));
    const result = await check('--format', 'markdown');
    expect(result.stdout).toContain(`| \`${V2V}\` | **changed $0.72 → $0.80** | sdr 540p 5s | $0.72 per clip | $0.80 per video |  |`);
  });

  it('a key fal refuses: exit 2, one line, never the key', async () => {
    const result = await runCli(['pricing', 'check', '--at', '2026-11-24', '--api-url', platform.url], { env: { FAL_KEY: 'nope-s3cr3t' } });
    expect(failureLine(result)).toBe('fal-budget: GET /v1/models/pricing answered 401 (check FAL_KEY): Invalid authentication credentials');
    expect(result.stderr).not.toContain('s3cr3t');
  });

  it('pricing with another action is a usage error', async () => {
    expect(failureLine(await runCli(['pricing', 'fix'], { env }))).toBe('fal-budget: unknown command "pricing fix" (pricing takes check) (see fal-budget --help)');
  });
});

describe('--write: a new table version drafted for review', () => {
  it('the changed card scaled by new / old, the rest as published; valid, and quotes the new price', async () => {
    platform.prices.set(V2V, price(V2V, '0.80'));
    const out = join(dir, 'drafts');
    const result = await check('--write', out, '--json');
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as PricingCheckReport;
    expect(report.draft).toMatchObject({ version: expect.stringMatching(/^\d{4}-\d{2}-\d{2}(\.\d+)?$/) });
    const { file, version } = report.draft as { file: string; version: string };
    expect(readdirSync(join(out, 'fal'))).toEqual([`${version}.json`]);
    const draft = JSON.parse(readFileSync(file, 'utf8')) as { effectiveFrom: string; endpoints: Record<string, { verified: boolean; notes: string; billing: { rates: unknown } }> };
    expect(draft.endpoints[V2V]!.billing.rates).toEqual({
      sdr: { '540p': { '5s': '0.80', '10s': '1.60' }, '720p': { '5s': '1.20', '10s': '2.40' }, '1080p': { '5s': '2.40', '10s': '4.80' } },
      hdr: { '720p': { '5s': '2.40', '10s': '4.80' }, '1080p': { '5s': '4.80', '10s': '9.60' } },
      hdr_exr: { '720p': { '5s': '3.60', '10s': '7.20' }, '1080p': { '5s': '7.20', '10s': '14.40' } },
    });
    expect(draft.endpoints[V2V]!.verified).toBe(false);
    expect(draft.endpoints[V2V]!.notes).toMatch(/^Drafted by `fal-budget pricing check` on \d{4}-\d{2}-\d{2}: fal's pricing API gave \$0\.80 per clip for the base cell, which this table had at \$0\.72; every cell is scaled by 0\.80\/0\.72/);
    const published = JSON.parse(readFileSync(join(ROOT, 'pricing', 'fal', '2026-11-21.json'), 'utf8')) as typeof draft;
    expect(draft.endpoints[I2V]).toEqual(published.endpoints[I2V]);
    expect(draft.endpoints[T2V]).toEqual(published.endpoints[T2V]);

    // Validated like any user table, and used like one.
    expect((await runCli(['validate', out])).code).toBe(0);
    const after = new Date(Date.parse(draft.effectiveFrom) + 1000).toISOString().replace('.000Z', 'Z');
    const quoted = await runCli(['quote', V2V, '--resolution', '1080p', '--duration', '10s', '--hdr', '--pricing', out, '--at', after, '--json']);
    expect(JSON.parse(quoted.stdout)).toMatchObject({ total: '9.60', pricing: { version } });

    // A second draft would land on the same file: refused, the first left as it was.
    const before = readFileSync(file, 'utf8');
    const again = await check('--write', out);
    expect(failureLine(again)).toBe(`fal-budget: --write ${out}: ${file} exists; a draft never replaces a table`);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a cell the scaling cannot give exactly: no file, and each such cell named', async () => {
    // A fal table of our own whose 10 s clip is not a whole multiple of its 5 s base.
    const tables = join(dir, 'odd-tables');
    mkdirSync(join(tables, 'fal'), { recursive: true });
    const published = JSON.parse(readFileSync(join(ROOT, 'pricing', 'fal', '2026-11-21.json'), 'utf8')) as { endpoints: Record<string, unknown> };
    writeFileSync(join(tables, 'fal', '2026-11-30.json'), JSON.stringify({
      provider: 'fal', version: '2026-11-30', effectiveFrom: '2026-11-30', currency: 'USD', checked: '2026-11-30',
      endpoints: {
        [T2V]: {
          ...(published.endpoints[T2V] as object),
          billing: { kind: 'per_clip', rates: { sdr: { '540p': { '5s': '0.30', '10s': '1.00' } } } },
        },
      },
    }));
    platform.prices.set(T2V, price(T2V, '0.40'));
    const out = join(dir, 'odd-drafts');
    const result = await runCli(['pricing', 'check', '--at', '2026-12-01', '--pricing', tables, '--api-url', platform.url, '--write', out], { env });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(`Draft not written: 1 cell cannot be derived from fal's answer:\n  ${T2V} sdr.540p.10s: 1.00 x 0.40 / 0.30 is not a terminating decimal`);
    expect(result.stderr).toBe(`fal-budget: 1 fal price changed: ${T2V} $0.30 → $0.40; no draft written: 1 cell cannot be derived\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('draftTable: a price finer than a nano-USD is not drafted', () => {
    const table = readPricingTable(readFileSync(join(ROOT, 'pricing', 'fal', '2026-11-21.json'), 'utf8'), 'fal/2026-11-21.json');
    const drafted = draftTable(table.data, [{ endpoint: I2V, old: '0.50', new: '0.0000000003', unit: 'clip' }], { version: 'v', effectiveFrom: '2026-12-02', checked: '2026-12-02' });
    expect(drafted).toEqual({ refused: [{ endpoint: I2V, cell: 'sdr.540p.5s', reason: '0.50 x 0.0000000003 / 0.50 = 0.0000000003 has more than 9 decimals' }, expect.anything(), expect.anything(), expect.anything(), expect.anything(), expect.anything()] });
  });
});
