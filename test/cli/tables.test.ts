import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AT, ensureBuilt, failureLine, ROOT, runCli } from './support/cli.js';

const NEXT = join(ROOT, 'test', 'fixtures', 'pricing-next');
const NEXT_FILE = join(NEXT, 'fal', '2026-12-01.json');
const LOCK = JSON.parse(readFileSync(join(ROOT, 'pricing', 'lock.json'), 'utf8')) as Record<string, string>;

beforeAll(() => ensureBuilt());

describe('prices', () => {
  it('the rate card as a matrix: tier x resolution x duration, "—" where not offered', async () => {
    const result = await runCli(['prices', 'luma/agent/ray/v3.2/video-to-video', '--at', AT]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Rate cards in effect at 2026-11-24T00:00:00.000Z (USD; — = not offered)

      luma/agent/ray/v3.2/video-to-video (fal 2026-11-21, effective 2026-11-21T00:00:00Z)
      ┌─────────┬────────────┬───────┬────────┐
      │ Tier    │ Resolution │    5s │    10s │
      ├─────────┼────────────┼───────┼────────┤
      │ SDR     │ 540p       │ $0.72 │  $1.44 │
      │ SDR     │ 720p       │ $1.08 │  $2.16 │
      │ SDR     │ 1080p      │ $2.16 │  $4.32 │
      │ HDR     │ 540p       │     — │      — │
      │ HDR     │ 720p       │ $2.16 │  $4.32 │
      │ HDR     │ 1080p      │ $4.32 │  $8.64 │
      │ HDR+EXR │ 540p       │     — │      — │
      │ HDR+EXR │ 720p       │ $3.24 │  $6.48 │
      │ HDR+EXR │ 1080p      │ $6.48 │ $12.96 │
      └─────────┴────────────┴───────┴────────┘
      sha256: 8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d
      "
    `);
  });

  it('the block-billed edit: tier x resolution x blocks, each column what a source up to that length costs', async () => {
    const card = JSON.parse((await runCli(['prices', 'luma-ray-3-2-edit', '--at', AT, '--json'])).stdout).cards[0];
    expect(card.columns).toEqual(['per 5 s block', '≤ 5 s', '≤ 10 s', '≤ 15 s', '≤ 20 s', '≤ 25 s', '≤ 30 s']);
    expect(card.rows.find((row: { tier: string; resolution: string }) => row.tier === 'HDR+EXR' && row.resolution === '1080p').prices).toEqual({
      'per 5 s block': '7.56', '≤ 5 s': '7.56', '≤ 10 s': '15.12', '≤ 15 s': '22.68', '≤ 20 s': '30.24', '≤ 25 s': '37.80', '≤ 30 s': '45.36',
    });
    expect(card.rows.find((row: { tier: string; resolution: string }) => row.tier === 'HDR' && row.resolution === '540p').prices['per 5 s block']).toBeNull();
  });

  it('every endpoint without one, for the version in effect at --at or pinned', async () => {
    const now = JSON.parse((await runCli(['prices', '--at', AT, '--json'])).stdout);
    expect(now.cards.map((card: { provider: string; endpoint: string }) => `${card.provider} ${card.endpoint}`)).toEqual([
      'fal luma/agent/ray/v3.2/video-to-video', 'fal luma/agent/ray/v3.2/image-to-video', 'fal luma/agent/ray/v3.2/text-to-video',
      'gmi luma-ray-3-2-edit', 'oxen luma-ray-v3-2-video-to-video',
    ]);
    const later = JSON.parse((await runCli(['prices', 'luma/agent/ray/v3.2/video-to-video', '--pricing', NEXT, '--at', '2026-12-01T12:00:00Z', '--json'])).stdout);
    expect(later.cards[0]).toMatchObject({ version: '2026-12-01' });
    expect(later.cards[0].rows[0]).toEqual({ tier: 'SDR', resolution: '540p', prices: { '5s': '0.72', '10s': null } });
    const pinned = JSON.parse((await runCli(['prices', 'luma/agent/ray/v3.2/video-to-video', '--pricing', NEXT, '--pricing-version', '2026-11-21', '--json'])).stdout);
    expect(pinned).not.toHaveProperty('at');
    expect(pinned).toMatchObject({ version: '2026-11-21', cards: [{ version: '2026-11-21' }] });
    expect(pinned.cards[0].rows[0].prices).toEqual({ '5s': '0.72', '10s': '1.44' });
  });

  it('markdown', async () => {
    const result = await runCli(['prices', 'luma/agent/ray/v3.2/image-to-video', '--at', AT, '--format', 'markdown']);
    expect(result.stdout).toMatchInlineSnapshot(`
      "### Rate cards in effect at 2026-11-24T00:00:00.000Z (USD; — = not offered)

      #### \`luma/agent/ray/v3.2/image-to-video\` (fal 2026-11-21, effective 2026-11-21T00:00:00Z)

      | Tier | Resolution | 5s | 10s |
      | --- | --- | ---: | ---: |
      | SDR | 540p | $0.50 | $1.00 |
      | SDR | 720p | $1.00 | $2.00 |
      | SDR | 1080p | $2.00 | $4.00 |

      sha256 \`8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d\`
      "
    `);
  });

  it('an unknown endpoint or a date before every table exits 2', async () => {
    expect(failureLine(await runCli(['prices', 'nope', '--at', AT]))).toMatch(/^fal-budget: unknown endpoint "nope"/);
    expect(failureLine(await runCli(['prices', '--at', '2020-01-01']))).toBe('fal-budget: no pricing table is in effect at 2020-01-01T00:00:00.000Z');
  });
});

describe('versions', () => {
  it('every table: provider, version, effective dates, checked, sha256 (the lock\'s), endpoints', async () => {
    const result = await runCli(['versions', '--pricing', NEXT, '--at', '2026-12-01T12:00:00Z', '--json']);
    expect(result.code).toBe(0);
    const { tables } = JSON.parse(result.stdout);
    expect(tables.map((table: { provider: string; version: string; inEffect: boolean }) => `${table.provider} ${table.version} ${table.inEffect}`)).toEqual([
      'fal 2026-11-21 false', 'fal 2026-12-01 true', 'fal 2026-12-02 false', 'gmi 2026-11-21 true', 'oxen 2026-11-21 true',
    ]);
    expect(tables[0]).toEqual({
      provider: 'fal', version: '2026-11-21', effectiveFrom: '2026-11-21T00:00:00Z', checked: '2026-11-24',
      sha256: LOCK['fal/2026-11-21.json'], file: 'fal/2026-11-21.json',
      endpoints: ['luma/agent/ray/v3.2/video-to-video', 'luma/agent/ray/v3.2/image-to-video', 'luma/agent/ray/v3.2/text-to-video'],
      inEffect: false,
    });
  });

  it('a table for people and markdown', async () => {
    const table = await runCli(['versions', '--at', AT]);
    expect(table.stdout).toMatchInlineSnapshot(`
      "Pricing tables (in effect at 2026-11-24T00:00:00.000Z marked *)

      fal 2026-11-21 * in effect
      ┌─────────────────┬──────────────────────────────────────────────────────────────────┐
      │ effective from  │ 2026-11-21T00:00:00Z                                             │
      │ effective until │ (until a later version)                                          │
      │ checked         │ 2026-11-24                                                       │
      │ sha256          │ 8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d │
      │ file            │ fal/2026-11-21.json                                              │
      │ endpoints       │ luma/agent/ray/v3.2/video-to-video                               │
      │                 │ luma/agent/ray/v3.2/image-to-video                               │
      │                 │ luma/agent/ray/v3.2/text-to-video                                │
      └─────────────────┴──────────────────────────────────────────────────────────────────┘

      fal 2026-12-02
      ┌─────────────────┬──────────────────────────────────────────────────────────────────┐
      │ effective from  │ 2026-12-02T00:00:00Z                                             │
      │ effective until │ (until a later version)                                          │
      │ checked         │ 2026-12-02                                                       │
      │ sha256          │ afb1b2ec63f7adb6e673b5c0f879cd512686727ccdea51fa6eef80c31c20460c │
      │ file            │ fal/2026-12-02.json                                              │
      │ endpoints       │ luma/agent/ray/v3.2/video-to-video                               │
      │                 │ luma/agent/ray/v3.2/image-to-video                               │
      │                 │ luma/agent/ray/v3.2/text-to-video                                │
      │                 │ luma/agent/ray/v3.2/reframe                                      │
      └─────────────────┴──────────────────────────────────────────────────────────────────┘

      gmi 2026-11-21 * in effect
      ┌─────────────────┬──────────────────────────────────────────────────────────────────┐
      │ effective from  │ 2026-11-21T00:00:00Z                                             │
      │ effective until │ (until a later version)                                          │
      │ checked         │ 2026-11-24                                                       │
      │ sha256          │ 40a74bc40e4f047ea43efa4b9b5cb2c44bd96d1273be33c3d1a6cf031d31bd0a │
      │ file            │ gmi/2026-11-21.json                                              │
      │ endpoints       │ luma-ray-3-2-edit                                                │
      └─────────────────┴──────────────────────────────────────────────────────────────────┘

      oxen 2026-11-21 * in effect
      ┌─────────────────┬──────────────────────────────────────────────────────────────────┐
      │ effective from  │ 2026-11-21T00:00:00Z                                             │
      │ effective until │ (until a later version)                                          │
      │ checked         │ 2026-11-24                                                       │
      │ sha256          │ 2cdc6595f2b2b36cb37e35a0a1681742abfed740b86359bc610a14b5a74cae33 │
      │ file            │ oxen/2026-11-21.json                                             │
      │ endpoints       │ luma-ray-v3-2-video-to-video                                     │
      └─────────────────┴──────────────────────────────────────────────────────────────────┘
      "
    `);
    const markdown = await runCli(['versions', '--at', AT, '--format', 'markdown']);
    expect(markdown.stdout).toMatchInlineSnapshot(`
      "### Pricing tables (\\* in effect at 2026-11-24T00:00:00.000Z)

      | Provider | Version | Effective from | Until | Checked | sha256 | Endpoints |
      | --- | --- | --- | --- | --- | --- | --- |
      | fal | 2026-11-21 * | 2026-11-21T00:00:00Z |  | 2026-11-24 | \`8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d\` | \`luma/agent/ray/v3.2/video-to-video\`<br>\`luma/agent/ray/v3.2/image-to-video\`<br>\`luma/agent/ray/v3.2/text-to-video\` |
      | fal | 2026-12-02 | 2026-12-02T00:00:00Z |  | 2026-12-02 | \`afb1b2ec63f7adb6e673b5c0f879cd512686727ccdea51fa6eef80c31c20460c\` | \`luma/agent/ray/v3.2/video-to-video\`<br>\`luma/agent/ray/v3.2/image-to-video\`<br>\`luma/agent/ray/v3.2/text-to-video\`<br>\`luma/agent/ray/v3.2/reframe\` |
      | gmi | 2026-11-21 * | 2026-11-21T00:00:00Z |  | 2026-11-24 | \`40a74bc40e4f047ea43efa4b9b5cb2c44bd96d1273be33c3d1a6cf031d31bd0a\` | \`luma-ray-3-2-edit\` |
      | oxen | 2026-11-21 * | 2026-11-21T00:00:00Z |  | 2026-11-24 | \`2cdc6595f2b2b36cb37e35a0a1681742abfed740b86359bc610a14b5a74cae33\` | \`luma-ray-v3-2-video-to-video\` |
      "
    `);
  });
});

describe('diff', () => {
  it('every changed cell with old, new, the change and percent (half-even, 2 places), plus removed cells', async () => {
    const result = await runCli(['diff', 'fal/2026-11-21', 'fal/2026-12-01', '--pricing', NEXT]);
    expect(result.code).toBe(0);
    expect(result.stdout.replace(/[0-9a-f]{64}/g, '<sha256>').replace(ROOT, '<root>')).toMatchInlineSnapshot(`
      "fal 2026-11-21 → fal 2026-12-01
      old: fal/2026-11-21.json (sha256 <sha256>)
      new: <root>/test/fixtures/pricing-next/fal/2026-12-01.json (sha256 <sha256>)
      Changed (3; % rounded half-even to 2 places):
      ┌────────────────────────────────────┬──────┬────────────┬──────┬───────┬───────┬────────┬─────────┐
      │ Endpoint                           │ Tier │ Resolution │ Unit │   Old │   New │ Change │       % │
      ├────────────────────────────────────┼──────┼────────────┼──────┼───────┼───────┼────────┼─────────┤
      │ luma/agent/ray/v3.2/video-to-video │ SDR  │ 1080p      │ 5s   │ $2.16 │ $2.40 │  +0.24 │ +11.11% │
      │ luma/agent/ray/v3.2/video-to-video │ SDR  │ 1080p      │ 10s  │ $4.32 │ $4.80 │  +0.48 │ +11.11% │
      │ luma/agent/ray/v3.2/video-to-video │ HDR  │ 1080p      │ 10s  │ $8.64 │ $7.99 │  -0.65 │  -7.52% │
      └────────────────────────────────────┴──────┴────────────┴──────┴───────┴───────┴────────┴─────────┘
      Removed (1):
      ┌────────────────────────────────────┬──────┬────────────┬──────┬───────┐
      │ Endpoint                           │ Tier │ Resolution │ Unit │ Price │
      ├────────────────────────────────────┼──────┼────────────┼──────┼───────┤
      │ luma/agent/ray/v3.2/video-to-video │ SDR  │ 540p       │ 10s  │ $1.44 │
      └────────────────────────────────────┴──────┴────────────┴──────┴───────┘
      22 cells unchanged.
      "
    `);
  });

  it('accepts paths to table files, and reports the reverse direction as added cells', async () => {
    const result = await runCli(['diff', NEXT_FILE, join(ROOT, 'pricing', 'fal', '2026-11-21.json'), '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ percentRounding: 'half-even', unchanged: 22, removed: [], billingChanges: [] });
    expect(report.new.sha256).toBe(LOCK['fal/2026-11-21.json']);
    expect(report.changed).toEqual([
      { endpoint: 'luma/agent/ray/v3.2/video-to-video', tier: 'SDR', resolution: '1080p', unit: '5s', old: '2.40', new: '2.16', change: '-0.24', percent: '-10.00' },
      { endpoint: 'luma/agent/ray/v3.2/video-to-video', tier: 'SDR', resolution: '1080p', unit: '10s', old: '4.80', new: '4.32', change: '-0.48', percent: '-10.00' },
      // 0.65 / 7.99 = 8.1351...% rounds to 8.14
      { endpoint: 'luma/agent/ray/v3.2/video-to-video', tier: 'HDR', resolution: '1080p', unit: '10s', old: '7.99', new: '8.64', change: '+0.65', percent: '+8.14' },
    ]);
    expect(report.added).toEqual([{ endpoint: 'luma/agent/ray/v3.2/video-to-video', tier: 'SDR', resolution: '540p', unit: '10s', price: '1.44' }]);
  });

  it('rounds an exact half to even and reports block-billing changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-diff-'));
    const gmi = JSON.parse(readFileSync(join(ROOT, 'pricing', 'gmi', '2026-11-21.json'), 'utf8'));
    gmi.version = '2026-12-01';
    gmi.effectiveFrom = '2026-12-01';
    // Exact halves: 0.0009 / 0.72 = +0.125% and 0.001566 / 1.08 = +0.145%. Half-even gives
    // 0.12 and 0.14, where half-up would give 0.13 and 0.15.
    gmi.endpoints['luma-ray-3-2-edit'].billing.rates.sdr['540p'] = '0.7209';
    gmi.endpoints['luma-ray-3-2-edit'].billing.rates.sdr['720p'] = '1.081566';
    gmi.endpoints['luma-ray-3-2-edit'].billing.maxSourceSeconds = '60';
    writeFileSync(join(dir, 'gmi-next.json'), JSON.stringify(gmi));
    const report = JSON.parse((await runCli(['diff', 'gmi/2026-11-21', join(dir, 'gmi-next.json'), '--json'])).stdout);
    expect(report.changed.map((cell: { resolution: string; change: string; percent: string }) => `${cell.resolution} ${cell.change} ${cell.percent}`)).toEqual([
      '540p +0.0009 +0.12',
      '720p +0.001566 +0.14',
    ]);
    expect(report.billingChanges).toEqual([{ endpoint: 'luma-ray-3-2-edit', field: 'maxSourceSeconds', old: '30', new: '60' }]);
  });

  it('an unknown version or an unreadable file exits 2', async () => {
    expect(failureLine(await runCli(['diff', 'fal/2026-11-21', 'fal/2027-01-01']))).toBe('fal-budget: no pricing version "2027-01-01" for fal (known: 2026-11-21, 2026-12-02)');
    expect(failureLine(await runCli(['diff', 'fal/2026-11-21', 'nope.json']))).toBe('fal-budget: diff <new> nope.json: cannot read (no such file)');
    expect(failureLine(await runCli(['diff', 'fal', 'fal/2026-11-21']))).toBe('fal-budget: diff <old>: expected <provider>/<version> (e.g. fal/2026-11-21) or a path to a .json table (got "fal")');
  });
});

describe('validate', () => {
  it('exit 0 and the tables when every table is valid', async () => {
    const result = await runCli(['validate', 'pricing', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      path: 'pricing', valid: true, problems: [],
      tables: ['fal/2026-11-21', 'fal/2026-12-02', 'gmi/2026-11-21', 'oxen/2026-11-21'].map((name) => {
        const [provider, version] = name.split('/');
        return { provider, version, sha256: LOCK[`${name}.json`], file: `pricing/${name}.json` };
      }),
    });
  });

  it('exit 2 and every problem with its file and JSON path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-validate-'));
    mkdirSync(join(dir, 'fal'));
    const table = JSON.parse(readFileSync(NEXT_FILE, 'utf8'));
    const malformed = structuredClone(table);
    malformed.endpoints['luma/agent/ray/v3.2/video-to-video'].billing.rates.sdr['720p']['5s'] = 1.08;
    malformed.colour = 'red';
    writeFileSync(join(dir, 'fal', '2026-12-01.json'), JSON.stringify(malformed, null, 2));
    // Well-formed, but image-to-video has no hdr field, so no request can reach an HDR price.
    const impossible = { ...structuredClone(table), version: '2026-12-05', effectiveFrom: '2026-12-05' };
    impossible.endpoints['luma/agent/ray/v3.2/image-to-video'].billing.rates.hdr = { '720p': { '5s': '2.00' } };
    writeFileSync(join(dir, 'fal', '2026-12-05.json'), JSON.stringify(impossible, null, 2));
    writeFileSync(join(dir, 'fal', 'broken.json'), '{ "provider": ');
    // Run inside the directory so file names (and so column widths) do not depend on the temp path.
    const result = await runCli(['validate', '.'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('fal-budget: 4 problems in .\n');
    expect(result.stdout).toMatchInlineSnapshot(`
      "✗ 4 problems in .
      ┌─────────────────────┬───────────────────────────────────────────────────────────────────────────────────┬────────────────────────────────────────────────────────────────────────┐
      │ File                │ JSON path                                                                         │ Problem                                                                │
      ├─────────────────────┼───────────────────────────────────────────────────────────────────────────────────┼────────────────────────────────────────────────────────────────────────┤
      │ fal/2026-12-01.json │ $.endpoints["luma/agent/ray/v3.2/video-to-video"].billing.rates.sdr["720p"]["5s"] │ a price must be a decimal string like "2.16", not a JSON number or     │
      │                     │                                                                                   │ other value                                                            │
      │ fal/2026-12-01.json │ $.colour                                                                          │ unknown key "colour"                                                   │
      │ fal/2026-12-05.json │ $.endpoints["luma/agent/ray/v3.2/image-to-video"].billing.rates.hdr               │ request model fal/luma-ray-3.2/image-to-video cannot ask for tier hdr  │
      │ fal/broken.json     │ $                                                                                 │ not valid JSON: Unexpected end of JSON input                           │
      └─────────────────────┴───────────────────────────────────────────────────────────────────────────────────┴────────────────────────────────────────────────────────────────────────┘
      "
    `);
    const json = JSON.parse((await runCli(['validate', '.', '--json'], { cwd: dir })).stdout);
    expect(json.problems.map((problem: { file: string; path: unknown[] }) => [problem.file, problem.path])).toEqual([
      ['fal/2026-12-01.json', ['endpoints', 'luma/agent/ray/v3.2/video-to-video', 'billing', 'rates', 'sdr', '720p', '5s']],
      ['fal/2026-12-01.json', ['colour']],
      ['fal/2026-12-05.json', ['endpoints', 'luma/agent/ray/v3.2/image-to-video', 'billing', 'rates', 'hdr']],
      ['fal/broken.json', []],
    ]);
  });

  it('two valid tables that contradict each other are a problem too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-validate-'));
    const table = JSON.parse(readFileSync(NEXT_FILE, 'utf8'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(table));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ ...table, version: '2026-12-02' }));
    const report = JSON.parse((await runCli(['validate', dir, '--json'])).stdout);
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([{ file: join(dir, 'b.json'), path: ['effectiveFrom'], message: `takes effect at the same instant as ${join(dir, 'a.json')}` }]);
  });

  it('a published table changed in place fails against lock.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-validate-'));
    cpSync(join(ROOT, 'pricing'), dir, { recursive: true });
    const file = join(dir, 'gmi', '2026-11-21.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"2.16"', '"2.15"'));
    const report = JSON.parse((await runCli(['validate', dir, '--json'])).stdout);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0].file).toBe(file);
    expect(report.problems[0].message).toMatch(new RegExp(`^changed since it was published \\(lock.json pins sha256 ${LOCK['gmi/2026-11-21.json']}, the file hashes to [0-9a-f]{64}\\)`));
  });

  it('a path that does not exist exits 2 with nothing on stdout', async () => {
    expect(failureLine(await runCli(['validate', 'no-such-dir']))).toBe('fal-budget: validate no-such-dir: cannot read (no such file)');
  });
});
