import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { quote } from '../../src/index.js';
import { AT, CLI, ensureBuilt, failureLine, FIXTURES, ROOT, runCli } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const I2V = 'luma/agent/ray/v3.2/image-to-video';
const T2V = 'luma/agent/ray/v3.2/text-to-video';
const EDIT = 'luma-ray-3-2-edit';

beforeAll(() => ensureBuilt());

describe('quote: golden output', () => {
  it('prints a table for people: line item, unit price, quantity, amount, total, pricing, warnings', async () => {
    const result = await runCli(['quote', V2V, '--resolution', '1080p', '--hdr', '--duration', '10s', '--at', AT]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatchInlineSnapshot(`
      "luma/agent/ray/v3.2/video-to-video (fal)
      ┌────────────────────────────────────────────────────────┬──────────────┬──────────┬────────┐
      │ Line item                                              │   Unit price │ Quantity │ Amount │
      ├────────────────────────────────────────────────────────┼──────────────┼──────────┼────────┤
      │ luma/agent/ray/v3.2/video-to-video · 1080p · HDR · 10s │ $8.64 / clip │   1 clip │  $8.64 │
      │ Total (USD)                                            │              │          │  $8.64 │
      └────────────────────────────────────────────────────────┴──────────────┴──────────┴────────┘
      Pricing: fal 2026-11-21 (effective 2026-11-21T00:00:00Z; priced at 2026-11-24T00:00:00.000Z)
      sha256:  8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d
      Warnings:
        ! incomplete request: prompt, video_url are required by the provider but not needed for the price
      "
    `);
  });

  it('prints one JSON document with money as decimal strings (--json)', async () => {
    const result = await runCli(['quote', EDIT, '--resolution', '1080p', '--source-seconds', '22.5', '--at', AT, '--json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "{
        "endpoint": "luma-ray-3-2-edit",
        "provider": "gmi",
        "currency": "USD",
        "total": "10.80",
        "upperBound": false,
        "lines": [
          {
            "description": "luma-ray-3-2-edit · 1080p · SDR · 5 s blocks of a 22.5 s source",
            "quantity": "5",
            "unit": "block",
            "unitPrice": "2.16",
            "amount": "10.80"
          }
        ],
        "pricing": {
          "provider": "gmi",
          "version": "2026-11-21",
          "sha256": "40a74bc40e4f047ea43efa4b9b5cb2c44bd96d1273be33c3d1a6cf031d31bd0a",
          "file": "gmi/2026-11-21.json",
          "effectiveFrom": "2026-11-21T00:00:00Z",
          "pricedAt": "2026-11-24T00:00:00.000Z"
        },
        "params": {
          "billing": "per_block",
          "tier": "sdr",
          "resolution": "1080p",
          "blocks": 5,
          "blockSeconds": "5",
          "sourceSeconds": "22.5",
          "sourceSecondsFrom": "given"
        },
        "warnings": [
          {
            "code": "incomplete_request",
            "message": "incomplete request: model, prompt, source_generation_id are required by the provider but not needed for the price"
          }
        ]
      }
      "
    `);
  });

  it('--format json is the same document as --json', async () => {
    const args = ['quote', V2V, '--resolution', '720p', '--at', AT];
    const [json, format] = await Promise.all([runCli([...args, '--json']), runCli([...args, '--format', 'json'])]);
    expect(format.stdout).toBe(json.stdout);
    expect(JSON.parse(json.stdout)).toMatchObject({ total: '1.08', currency: 'USD' });
  });

  it('prints markdown for a pull request (--format markdown), with the budget', async () => {
    const result = await runCli(['quote', I2V, '--resolution', '1080p', '--duration', '10s', '--max', '5', '--at', AT, '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "### Quote: \`luma/agent/ray/v3.2/image-to-video\` (fal)

      | Line item | Unit price | Quantity | Amount |
      | --- | ---: | ---: | ---: |
      | luma/agent/ray/v3.2/image-to-video · 1080p · SDR · 10s | $4.00 / clip | 1 clip | $4.00 |
      | **Total (USD)** |  |  | **$4.00** |

      Pricing: fal 2026-11-21 (effective 2026-11-21T00:00:00Z; priced at 2026-11-24T00:00:00.000Z), sha256 \`8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d\`

      Budget: within --max $5.00 ($1.00 to spare)

      > ⚠️ incomplete request: prompt, image_url are required by the provider but not needed for the price
      "
    `);
  });

  it('colours the table only when asked: FORCE_COLOR on a pipe, never with NO_COLOR', async () => {
    const args = ['quote', V2V, '--max', '0.50', '--at', AT];
    const plain = await runCli(args);
    const forced = await runCli(args, { env: { FORCE_COLOR: '1' } });
    const vetoed = await runCli(args, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
    expect(vetoed.stdout).toBe(plain.stdout);
    expect(forced.stdout).toContain('\u001b[31mOVER --max $0.50 by $0.22\u001b[39m');
    expect(forced.stdout).toContain('\u001b[1mTotal (USD)\u001b[22m');
    // eslint-disable-next-line no-control-regex -- matching the terminal's ESC byte is the point: strip the colour codes
    expect(forced.stdout.replace(/\u001b\[\d+m/g, '')).toBe(plain.stdout);
  });
});

/** Runs the CLI on a real pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function runOnTty(args: string[], env: Record<string, string | undefined>) {
  const command = [process.execPath, CLI, ...args].map((part) => `'${part}'`).join(' ');
  const cleanEnv = Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env }).filter(([, value]) => value !== undefined));
  return spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: cleanEnv, encoding: 'utf8' });
}

describe.skipIf(!existsSync('/usr/bin/script'))('quote: colour on a real terminal', () => {
  it('is on when stdout is a TTY, and off there too with NO_COLOR', () => {
    const args = ['quote', V2V, '--max', '0.50', '--at', AT];
    const tty = runOnTty(args, {});
    expect(tty.status).toBe(3);
    expect(tty.stdout).toContain('\u001b[31mOVER --max $0.50 by $0.22\u001b[39m');
    const noColor = runOnTty(args, { NO_COLOR: '1' });
    expect(noColor.stdout).toContain('OVER --max $0.50 by $0.22');
    expect(noColor.stdout).not.toContain('\u001b[');
  });
});

describe('quote: flags map onto the endpoint\'s fields', () => {
  it('--exr sets exr_export, --loop sets loop, --no-hdr sets hdr false', async () => {
    const exr = JSON.parse((await runCli(['quote', V2V, '--resolution', '1080p', '--hdr', '--exr', '--at', AT, '--json'])).stdout);
    expect(exr.params).toEqual({ billing: 'per_clip', tier: 'hdr_exr', resolution: '1080p', duration: '5s' });
    expect(exr.total).toBe('6.48');
    const noHdr = JSON.parse((await runCli(['quote', V2V, '--resolution', '1080p', '--no-hdr', '--at', AT, '--json'])).stdout);
    expect(noHdr.params.tier).toBe('sdr');
    const loop = await runCli(['quote', I2V, '--loop', '--duration', '10s', '--at', AT]);
    expect(failureLine(loop)).toBe(`fal-budget: invalid request for ${I2V}: loop: loop is not supported with duration 10s`);
  });

  it('refuses a flag for a field the endpoint does not have, naming the flag and endpoint', async () => {
    expect(failureLine(await runCli(['quote', I2V, '--hdr', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --hdr: luma/agent/ray/v3.2/image-to-video has no hdr field (its fields: prompt, image_url, aspect_ratio, resolution, duration, loop, reference_image_urls)"`);
    expect(failureLine(await runCli(['quote', V2V, '--loop', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --loop: luma/agent/ray/v3.2/video-to-video has no loop field (its fields: prompt, video_url, start_image_url, resolution, duration, edit_strength, auto_controls, hdr, exr_export)"`);
    expect(failureLine(await runCli(['quote', EDIT, '--duration', '5s', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --duration: luma-ray-3-2-edit has no duration field (it is billed per block of the source: use --source-seconds or --source)"`);
    expect(failureLine(await runCli(['quote', V2V, '--source-seconds', '12', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --source-seconds: luma/agent/ray/v3.2/video-to-video is priced per clip; the source length does not apply to it"`);
    expect(failureLine(await runCli(['quote', T2V, '--source', join(FIXTURES, 'source-7.2s.mp4'), '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --source: luma/agent/ray/v3.2/text-to-video is priced per clip; the source length does not apply to it"`);
  });

  it('checks a flag value against the endpoint\'s options', async () => {
    expect(failureLine(await runCli(['quote', V2V, '--resolution', '4k', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --resolution: luma/agent/ray/v3.2/video-to-video takes resolution 540p | 720p | 1080p (got "4k")"`);
    expect(failureLine(await runCli(['quote', V2V, '--duration', '7s', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --duration: luma/agent/ray/v3.2/video-to-video takes duration 5s | 10s (got "7s")"`);
  });

  it('--set sets any other field, as JSON when it parses and as text otherwise', async () => {
    const result = await runCli(['quote', V2V, '--set', 'prompt=a red fox', '--set', 'video_url=https://example.com/a.mp4', '--set', 'auto_controls=false', '--set', 'edit_strength="flex_2"', '--strict', '--at', AT, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).warnings).toEqual([]);
    // auto_controls=true with edit_strength is refused: proof that "true" arrived as a boolean.
    const both = await runCli(['quote', V2V, '--set', 'auto_controls=true', '--set', 'edit_strength=flex_2', '--at', AT]);
    expect(failureLine(both)).toBe(`fal-budget: invalid request for ${V2V}: edit_strength: edit_strength cannot be combined with auto_controls`);
  });

  it('refuses --set for a field the endpoint does not have, a malformed --set, and a clash with a named flag', async () => {
    expect(failureLine(await runCli(['quote', V2V, '--set', 'resolutoin=1080p', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --set resolutoin: luma/agent/ray/v3.2/video-to-video has no field "resolutoin"; did you mean resolution? (its fields: prompt, video_url, start_image_url, resolution, duration, edit_strength, auto_controls, hdr, exr_export)"`);
    expect(failureLine(await runCli(['quote', V2V, '--set', 'prompt', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --set "prompt": expected key=value, e.g. --set prompt="a red fox""`);
    expect(failureLine(await runCli(['quote', V2V, '--set', 'resolution=720p', '--resolution', '1080p', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --resolution and --set resolution= both set resolution: give one"`);
  });

  it('--strict demands the complete request; without it the quote says what is missing', async () => {
    const loose = JSON.parse((await runCli(['quote', V2V, '--at', AT, '--json'])).stdout);
    expect(loose.warnings.map((warning: { code: string }) => warning.code)).toEqual(['incomplete_request']);
    expect(failureLine(await runCli(['quote', V2V, '--strict', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: invalid request for luma/agent/ray/v3.2/video-to-video: prompt: required; video_url: required"`);
  });
});

describe('quote: --input reads the exact request body; flags override it', () => {
  const body = { prompt: 'a lighthouse at dusk', video_url: 'https://example.com/in.mp4', resolution: '720p', hdr: true, duration: '10s' };

  it('from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-cli-'));
    const file = join(dir, 'request.json');
    writeFileSync(file, JSON.stringify(body));
    const result = await runCli(['quote', V2V, '--input', file, '--strict', '--at', AT, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).total).toBe(quote(V2V, body, { at: AT }).total);
    const overridden = JSON.parse((await runCli(['quote', V2V, '--input', file, '--resolution', '1080p', '--at', AT, '--json'])).stdout);
    expect(overridden.params).toEqual({ billing: 'per_clip', tier: 'hdr', resolution: '1080p', duration: '10s' });
    expect(overridden.total).toBe('8.64');
  });

  it('from stdin (--input -)', async () => {
    const result = await runCli(['quote', V2V, '--input', '-', '--strict', '--at', AT, '--json'], { stdin: JSON.stringify(body) });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ total: '4.32', currency: 'USD', params: { tier: 'hdr', resolution: '720p', duration: '10s' } });
  });

  it('unreadable or malformed input exits 2 with nothing on stdout', async () => {
    expect(failureLine(await runCli(['quote', V2V, '--input', join(FIXTURES, 'no-such.json'), '--at', AT]))).toMatch(/^fal-budget: --input .*no-such\.json: cannot read \(no such file\)/);
    expect(failureLine(await runCli(['quote', V2V, '--input', '-', '--at', AT], { stdin: '{"resolution": "720p",' }))).toMatch(/^fal-budget: --input -: not valid JSON/);
    expect(failureLine(await runCli(['quote', V2V, '--input', '-', '--at', AT], { stdin: '["720p"]' }))).toBe('fal-budget: --input -: the request must be a JSON object, not an array');
    expect(failureLine(await runCli(['quote', V2V, '--input', '-', '--at', AT], { stdin: '{"resolution": 1080}' }))).toMatch(/^fal-budget: invalid request for .*: resolution: /);
  });
});

describe('quote: the block-billed edit reads the source length', () => {
  it('--source on a real MP4: 7.2 s and 10 s are 2 blocks, 31 s is too long', async () => {
    const short = JSON.parse((await runCli(['quote', EDIT, '--source', join(FIXTURES, 'source-7.2s.mp4'), '--at', AT, '--json'])).stdout);
    expect(short.params).toMatchObject({ blocks: 2, sourceSeconds: '7.2', resolution: '720p', sourceSecondsFrom: 'mp4' });
    expect(short.total).toBe('2.16');
    const ten = JSON.parse((await runCli(['quote', EDIT, '--source', join(FIXTURES, 'source-10s.mp4'), '--resolution', '1080p', '--at', AT, '--json'])).stdout);
    expect(ten.params).toMatchObject({ blocks: 2, sourceSeconds: '10' });
    expect(ten.total).toBe('4.32');
    expect(failureLine(await runCli(['quote', EDIT, '--source', 'test/fixtures/source-31s.mp4', '--at', AT]))).toMatchInlineSnapshot(`"fal-budget: --source test/fixtures/source-31s.mp4: the source is 31 s; luma-ray-3-2-edit accepts at most 30 s"`);
  });

  it('--source on a file that is not an MP4, or missing, exits 2 naming it', async () => {
    expect(failureLine(await runCli(['quote', EDIT, '--source', 'package.json', '--at', AT]))).toMatch(/^fal-budget: --source package\.json: not an MP4/);
    expect(failureLine(await runCli(['quote', EDIT, '--source', 'nope.mp4', '--at', AT]))).toBe('fal-budget: --source nope.mp4: cannot read (no such file)');
  });

  it('--source-seconds is an exact decimal: 25.0000000000000001 s is six blocks', async () => {
    const result = JSON.parse((await runCli(['quote', EDIT, '--source-seconds', '25.0000000000000001', '--at', AT, '--json'])).stdout);
    expect(result.params).toMatchObject({ blocks: 6, sourceSeconds: '25.0000000000000001' });
    expect(result.total).toBe('6.48');
    expect(failureLine(await runCli(['quote', EDIT, '--source-seconds', '1e1', '--at', AT]))).toBe('fal-budget: --source-seconds: expected seconds as a decimal like 22.5 (got "1e1")');
  });

  it('without a length, the edit is quoted at the 30 s bound and says so', async () => {
    const result = JSON.parse((await runCli(['quote', EDIT, '--at', AT, '--json'])).stdout);
    expect(result).toMatchObject({ upperBound: true, total: '6.48', params: { blocks: 6, sourceSecondsFrom: 'maximum' } });
  });
});

describe('quote: --max and the exit code', () => {
  it('equal is within (0), over is 3 with the quote still printed', async () => {
    const equal = await runCli(['quote', V2V, '--resolution', '1080p', '--max', '2.16', '--at', AT, '--json']);
    expect(equal.code).toBe(0);
    expect(JSON.parse(equal.stdout).budget).toEqual({ max: '2.16', within: true, remaining: '0.00' });
    const over = await runCli(['quote', V2V, '--resolution', '1080p', '--max', '2.15', '--at', AT, '--json']);
    expect(over.code).toBe(3);
    expect(JSON.parse(over.stdout)).toMatchObject({ total: '2.16', budget: { max: '2.15', within: false, over: '0.01' } });
    expect(over.stderr).toBe('fal-budget: total $2.16 is over --max $2.15 by $0.01\n');
  });

  it('a --max that is not an amount exits 2', async () => {
    expect(failureLine(await runCli(['quote', V2V, '--max', '-1', '--at', AT]))).toBe('fal-budget: --max: expected an amount in USD like 25 or 12.50 (got "-1")');
    expect(failureLine(await runCli(['quote', V2V, '--max', '1e3', '--at', AT]))).toBe('fal-budget: --max: expected an amount in USD like 25 or 12.50 (got "1e3")');
  });
});

describe('quote: which table prices it', () => {
  const next = join(ROOT, 'test', 'fixtures', 'pricing-next');

  it('--pricing adds tables: after 2026-12-01 the later card applies, --pricing-version pins the old one', async () => {
    // Between the fixture's 2026-12-01 and the bundled fal 2026-12-02, which takes over after it.
    const later = JSON.parse((await runCli(['quote', V2V, '--resolution', '1080p', '--pricing', next, '--at', '2026-12-01T12:00:00Z', '--json'])).stdout);
    expect(later).toMatchObject({ total: '2.40', pricing: { version: '2026-12-01', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const before = JSON.parse((await runCli(['quote', V2V, '--resolution', '1080p', '--pricing', next, '--at', '2026-11-30T23:59:59Z', '--json'])).stdout);
    expect(before.total).toBe('2.16');
    const pinned = JSON.parse((await runCli(['quote', V2V, '--resolution', '1080p', '--pricing', next, '--pricing-version', '2026-11-21', '--json'])).stdout);
    expect(pinned).toMatchObject({ total: '2.16', pricing: { version: '2026-11-21' } });
    expect(pinned.pricing).not.toHaveProperty('pricedAt');
  });

  it('the table hash printed is the published file\'s, as pinned in pricing/lock.json', async () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'pricing', 'lock.json'), 'utf8')) as Record<string, string>;
    const result = JSON.parse((await runCli(['quote', EDIT, '--at', AT, '--json'])).stdout);
    expect(result.pricing.sha256).toBe(lock['gmi/2026-11-21.json']);
  });

  it('unknown endpoint, unknown provider, no price in effect, unknown version: exit 2', async () => {
    expect(failureLine(await runCli(['quote', 'luma/agent/ray/v9/video-to-video', '--at', AT]))).toMatch(/^fal-budget: unknown endpoint "luma\/agent\/ray\/v9\/video-to-video": did you mean luma\/agent\/ray\/v3\.2\/video-to-video\? \(not in any pricing table; known endpoints: /);
    expect(failureLine(await runCli(['quote', V2V, '--provider', 'oxen', '--at', AT]))).toMatch(/^fal-budget: unknown endpoint "luma\/agent\/ray\/v3.2\/video-to-video": not in the oxen pricing tables/);
    expect(failureLine(await runCli(['quote', V2V, '--at', '2026-11-20']))).toBe('fal-budget: no fal price in effect at 2026-11-20T00:00:00.000Z; the first fal table takes effect 2026-11-21T00:00:00Z');
    expect(failureLine(await runCli(['quote', V2V, '--pricing-version', '2025-01-01']))).toBe('fal-budget: --pricing-version: unknown table version "2025-01-01" (known versions: 2026-11-21, 2026-12-02)');
    expect(failureLine(await runCli(['quote', V2V, '--at', 'yesterday']))).toBe('fal-budget: --at: expected a real date like 2026-11-24 or a date-time with offset like 2026-11-24T12:00:00Z (got "yesterday")');
  });

  it('--provider picks between providers that price the same endpoint id; without it, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-cli-'));
    const table = JSON.parse(readFileSync(join(next, 'fal', '2026-12-01.json'), 'utf8'));
    writeFileSync(join(dir, 'acme.json'), JSON.stringify({ ...table, provider: 'acme', effectiveFrom: '2026-11-01' }));
    expect(failureLine(await runCli(['quote', V2V, '--resolution', '1080p', '--pricing', dir, '--at', AT]))).toBe(
      `fal-budget: endpoint "${V2V}" is priced by several providers (fal, acme): name one with the provider option`,
    );
    const acme = JSON.parse((await runCli(['quote', V2V, '--resolution', '1080p', '--pricing', dir, '--provider', 'acme', '--at', AT, '--json'])).stdout);
    expect(acme).toMatchObject({ provider: 'acme', total: '2.40' });
    const fal = JSON.parse((await runCli(['quote', V2V, '--resolution', '1080p', '--pricing', dir, '--provider', 'fal', '--at', AT, '--json'])).stdout);
    expect(fal).toMatchObject({ provider: 'fal', total: '2.16' });
  });

  it('a --pricing directory with a broken table exits 2 naming the file and JSON path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fal-budget-cli-'));
    const table = JSON.parse(readFileSync(join(next, 'fal', '2026-12-01.json'), 'utf8'));
    table.endpoints[V2V].billing.rates.sdr['720p']['5s'] = 1.08;
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(table));
    expect(failureLine(await runCli(['quote', V2V, '--pricing', dir, '--at', AT]))).toBe(
      `fal-budget: ${join(dir, 'broken.json')} at $.endpoints["luma/agent/ray/v3.2/video-to-video"].billing.rates.sdr["720p"]["5s"]: a price must be a decimal string like "2.16", not a JSON number or other value`,
    );
  });
});

describe('the command line itself', () => {
  it('an unknown flag, a missing argument or an unknown command exits 2 (yargs strict mode), not 1', async () => {
    expect(failureLine(await runCli(['quote', V2V, '--hdrr']))).toBe('fal-budget: quote has no flag --hdrr; did you mean --hdr? (see fal-budget --help)');
    expect(failureLine(await runCli(['quote']))).toBe('fal-budget: Not enough non-option arguments: got 0, need at least 1 (see fal-budget --help)');
    expect(failureLine(await runCli(['qoute']))).toBe('fal-budget: unknown command "qoute"; did you mean quote? (see fal-budget --help)');
    expect(failureLine(await runCli([]))).toBe('fal-budget: name a command: quote, batch, prices, describe, versions, diff, validate, ledger, reconcile or pricing check (see fal-budget --help)');
    expect(failureLine(await runCli(['quote', V2V, '--max']))).toBe('fal-budget: Not enough arguments following: max (see fal-budget --help)');
    expect(failureLine(await runCli(['quote', V2V, '--resolution', '720p', '--resolution', '1080p']))).toBe('fal-budget: --resolution was given 2 times: give it once (see fal-budget --help)');
    expect(failureLine(await runCli(['quote', V2V, '--json', '--format', 'markdown']))).toBe('fal-budget: --json and --format markdown contradict each other: give one (see fal-budget --help)');
    expect(failureLine(await runCli(['quote', EDIT, '--source', 'a.mp4', '--source-seconds', '3']))).toBe('fal-budget: Arguments source and source-seconds are mutually exclusive (see fal-budget --help)');
  });

  it('--version prints the package version; --help on every command shows a real example', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    for (const command of ['quote', 'batch', 'prices', 'versions', 'diff', 'validate']) {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^fal-budget ${command}`));
      expect(help.stdout).toContain('Examples:');
      expect(help.stdout).toMatch(/Exit codes: 0/);
    }
  });

  it('the example in quote --help prices what it says', async () => {
    const help = (await runCli(['quote', '--help'])).stdout;
    expect(help).toMatch(/fal-budget quote luma\/agent\/ray\/v3\.2\/video-to-video --resolution 1080p --hdr --duration 10s +a 10 s 1080p HDR clip: \$8\.64\n/);
    const priced = JSON.parse((await runCli(['quote', V2V, '--resolution', '1080p', '--hdr', '--duration', '10s', '--at', AT, '--json'])).stdout);
    expect(priced.total).toBe('8.64');
  });
});

describe('flags whose values yargs would bend', () => {
  it('a boolean flag takes no value or exactly =true / =false; anything else is exit 2, not SDR', async () => {
    for (const flag of ['--hdr=TRUE', '--hdr=1', '--no-hdr=maybe', '--strict=1']) {
      const result = await runCli(['quote', 'luma/agent/ray/v3.2/video-to-video', '--resolution', '720p', flag, '--at', AT]);
      expect(result.code, flag).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('takes no value, or =true / =false');
    }
    const explicit = await runCli(['quote', 'luma/agent/ray/v3.2/video-to-video', '--resolution', '720p', '--hdr=true', '--at', AT, '--json']);
    expect(JSON.parse(explicit.stdout).total).toBe('2.16');
  });

  it('--at refuses dates that do not exist instead of rolling them over', async () => {
    for (const at of ['2026-02-30', '2026-11-31', '2026-11-24T12:00:00']) {
      const result = await runCli(['quote', 'luma/agent/ray/v3.2/video-to-video', '--at', at]);
      expect(result.code, at).toBe(2);
      expect(result.stderr).toContain('--at: expected a real date');
    }
  });
});

describe('quote and prices: fal reframe, billed per started second of the source', () => {
  const REFRAME = 'luma/agent/ray/v3.2/reframe';
  const ON = '2026-12-02';

  it('--source reads the MP4: 7.2 s bills 8 seconds; --source-seconds gives the length', async () => {
    const measured = JSON.parse((await runCli(['quote', REFRAME, '--resolution', '720p', '--source', join(FIXTURES, 'source-7.2s.mp4'), '--at', ON, '--json'])).stdout);
    expect(measured).toMatchObject({ total: '0.96', params: { billing: 'per_second', billedSeconds: '8', sourceSeconds: '7.2', sourceSecondsFrom: 'mp4' } });
    const given = await runCli(['quote', REFRAME, '--resolution', '1080p', '--source-seconds', '10', '--set', 'aspect_ratio=9:16', '--at', ON]);
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('│ luma/agent/ray/v3.2/reframe · 1080p · SDR · started seconds of a 10 s source │ $0.36 / second │ 10 seconds │  $3.60 │');
  });

  it('--duration and --hdr are refused, saying why; before the table that adds it there is no price', async () => {
    expect(failureLine(await runCli(['quote', REFRAME, '--duration', '5s', '--at', ON]))).toBe(
      `fal-budget: --duration: ${REFRAME} has no duration field (it is billed per started second of the source: use --source-seconds or --source)`,
    );
    expect(failureLine(await runCli(['quote', REFRAME, '--hdr', '--at', ON]))).toBe(`fal-budget: --hdr: ${REFRAME} has no hdr field (its fields: prompt, video_url, aspect_ratio, resolution)`);
    expect(failureLine(await runCli(['quote', REFRAME, '--at', AT]))).toBe(
      `fal-budget: no fal price in effect for ${REFRAME} at 2026-11-24T00:00:00.000Z: fal 2026-11-21 does not price it; versions that do: 2026-12-02 (effective 2026-12-02T00:00:00Z)`,
    );
  });

  it('its rate card: the price per second and what a 5 s, 10 s and 30 s source costs', async () => {
    const result = await runCli(['prices', REFRAME, '--at', ON]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Rate cards in effect at 2026-12-02T00:00:00.000Z (USD; — = not offered)

      luma/agent/ray/v3.2/reframe (fal 2026-12-02, effective 2026-12-02T00:00:00Z)
      Billed per started second of the source (7.2 s bills 8 s); sources up to 30 s.
      ┌──────┬────────────┬────────────┬───────┬───────┬────────┐
      │ Tier │ Resolution │ per second │   5 s │  10 s │   30 s │
      ├──────┼────────────┼────────────┼───────┼───────┼────────┤
      │ SDR  │ 540p       │      $0.06 │ $0.30 │ $0.60 │  $1.80 │
      │ SDR  │ 720p       │      $0.12 │ $0.60 │ $1.20 │  $3.60 │
      │ SDR  │ 1080p      │      $0.36 │ $1.80 │ $3.60 │ $10.80 │
      └──────┴────────────┴────────────┴───────┴───────┴────────┘
      sha256: afb1b2ec63f7adb6e673b5c0f879cd512686727ccdea51fa6eef80c31c20460c
      "
    `);
  });
});
