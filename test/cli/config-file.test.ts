import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigFileError, findConfig } from '../../src/cli/config-file.js';
import { AT, CLI, ensureBuilt, failureLine, FIXTURES, ROOT, runCli } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';

beforeAll(() => ensureBuilt());

/** A fresh directory tree under tmp; no config above it (tmp has none). */
function tree(): { root: string; deep: string } {
  const root = mkdtempSync(join(tmpdir(), 'fal-budget-config-'));
  const deep = join(root, 'app', 'src', 'jobs');
  mkdirSync(deep, { recursive: true });
  return { root, deep };
}

const write = (file: string, value: unknown) => writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));

function configError(run: () => unknown): ConfigFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigFileError) return error;
    throw error;
  }
  throw new Error('expected a ConfigFileError');
}

describe('findConfig: the nearest config upward from the working directory', () => {
  it('finds fal-budget.config.json in a parent; resolves pricing against the file\'s directory', () => {
    const { root, deep } = tree();
    write(join(root, 'app', 'fal-budget.config.json'), { pricing: 'tables', provider: 'fal', max: '25' });
    expect(findConfig(deep)).toEqual({ file: join(root, 'app', 'fal-budget.config.json'), pricing: join(root, 'app', 'tables'), provider: 'fal', max: '25' });
  });

  it('the nearest wins: a package.json "fal-budget" key below a config file further up', () => {
    const { root, deep } = tree();
    write(join(root, 'fal-budget.config.json'), { max: '100' });
    write(join(root, 'app', 'package.json'), { name: 'app', 'fal-budget': { max: '5' } });
    expect(findConfig(deep)).toEqual({ file: join(root, 'app', 'package.json'), max: '5' });
  });

  it('a package.json without the key is passed over, and so is one that is not JSON and does not mention fal-budget', () => {
    const { root, deep } = tree();
    write(join(root, 'fal-budget.config.json'), { provider: 'gmi' });
    write(join(root, 'app', 'package.json'), { name: 'app' });
    write(join(root, 'app', 'src', 'package.json'), '{ "name": "broken fixture", ');
    expect(findConfig(deep)).toEqual({ file: join(root, 'fal-budget.config.json'), provider: 'gmi' });
  });

  it('a package.json that is not JSON but mentions "fal-budget" is an error: its settings cannot be read', () => {
    const { root, deep } = tree();
    write(join(root, 'app', 'package.json'), '{ "fal-budget": { "max": "5" }, }');
    const error = configError(() => findConfig(deep));
    expect(error.file).toBe(join(root, 'app', 'package.json'));
    expect(error.message).toMatch(/^.*package\.json: not JSON, and it mentions "fal-budget" \(/);
  });

  it('both files in one directory is an error naming both', () => {
    const { root, deep } = tree();
    write(join(root, 'app', 'fal-budget.config.json'), { max: '1' });
    write(join(root, 'app', 'package.json'), { 'fal-budget': { max: '2' } });
    expect(configError(() => findConfig(deep)).message).toBe(
      `${join(root, 'app', 'fal-budget.config.json')}: ${join(root, 'app', 'package.json')} configures fal-budget too (its "fal-budget" key): keep one`,
    );
  });

  it('unknown keys and bad values are typed errors naming the file and the key', () => {
    const { root, deep } = tree();
    const file = join(root, 'fal-budget.config.json');
    const cases: [unknown, string, string][] = [
      [{ maxx: '1' }, 'maxx', 'unknown setting (a config file takes pricing, provider, max)'],
      [{ max: 25 }, 'max', 'expected an amount in USD as a decimal string like "25", not a JSON number or other value'],
      [{ max: 'lots' }, 'max', 'expected an amount in USD as a decimal string like "25" or "12.50"'],
      [{ provider: '' }, 'provider', 'expected a provider name as a string, e.g. "fal"'],
      [{ constructor: 'x' }, 'constructor', 'unknown setting (a config file takes pricing, provider, max)'],
    ];
    for (const [settings, key, reason] of cases) {
      write(file, settings);
      const error = configError(() => findConfig(deep));
      expect({ file: error.file, key: error.key, message: error.message }).toEqual({ file, key, message: `${file} at ${key}: ${reason}` });
    }
    write(join(root, 'package.json'), { 'fal-budget': { pricing: 7 } });
    write(file, '[]');
    expect(configError(() => findConfig(deep)).message).toMatch(/configures fal-budget too/);
  });

  it('a config file that cannot be read names the file: a directory, a symlink loop, not JSON', () => {
    const { root, deep } = tree();
    mkdirSync(join(deep, 'fal-budget.config.json'));
    expect(configError(() => findConfig(deep)).message).toBe(`${join(deep, 'fal-budget.config.json')}: cannot read (a directory, not a regular file)`);
    symlinkSync('fal-budget.config.json', join(root, 'app', 'src', 'fal-budget.config.json'));
    expect(configError(() => findConfig(join(root, 'app', 'src'))).message).toBe(`${join(root, 'app', 'src', 'fal-budget.config.json')}: cannot read (ELOOP)`);
    write(join(root, 'fal-budget.config.json'), '{ max: 1 }');
    expect(configError(() => findConfig(root)).message).toMatch(/fal-budget\.config\.json: not JSON \(/);
  });

  it('a directory loop of symlinks does not loop the walk, and the walk stops at the filesystem root', () => {
    const { root } = tree();
    mkdirSync(join(root, 'a'));
    symlinkSync(join(root, 'a'), join(root, 'a', 'loop'));
    write(join(root, 'a', 'fal-budget.config.json'), { provider: 'oxen' });
    expect(findConfig(join(root, 'a', 'loop', 'loop', 'loop'))).toEqual({ file: join(root, 'a', 'fal-budget.config.json'), provider: 'oxen' });
    expect(findConfig('/')).toBeUndefined();
  });
});

describe('the CLI reads the config file; flags win', () => {
  it('max from the config makes the quote exit 3; --max on the command line wins', async () => {
    const { root, deep } = tree();
    write(join(root, 'fal-budget.config.json'), { max: '1.00' });
    const over = await runCli(['quote', V2V, '--resolution', '1080p', '--at', AT], { cwd: deep });
    expect(over.code).toBe(3);
    expect(over.stderr).toBe(`fal-budget: settings from ${join(root, 'fal-budget.config.json')}: --max 1.00\nfal-budget: total $2.16 is over --max $1.00 by $1.16\n`);
    expect((await runCli(['quote', V2V, '--resolution', '1080p', '--at', AT, '--max', '5'], { cwd: deep })).code).toBe(0);
  });

  it('pricing (relative to the config file) and provider apply to quote, prices and describe', async () => {
    const { root, deep } = tree();
    const next = join(FIXTURES, 'pricing-next');
    const table = JSON.parse(readFileSync(join(next, 'fal', '2026-12-01.json'), 'utf8'));
    mkdirSync(join(root, 'tables'));
    write(join(root, 'tables', 'acme.json'), { ...table, provider: 'acme', effectiveFrom: '2026-11-01' });
    write(join(root, 'fal-budget.config.json'), { pricing: 'tables', provider: 'acme' });
    const acme = JSON.parse((await runCli(['quote', V2V, '--resolution', '1080p', '--at', AT, '--json'], { cwd: deep })).stdout);
    expect(acme).toMatchObject({ provider: 'acme', total: '2.40' });
    const fal = JSON.parse((await runCli(['quote', V2V, '--resolution', '1080p', '--at', AT, '--json', '--provider', 'fal'], { cwd: deep })).stdout);
    expect(fal).toMatchObject({ provider: 'fal', total: '2.16' });
    expect(JSON.parse((await runCli(['describe', V2V, '--at', AT, '--json'], { cwd: deep })).stdout).provider).toBe('acme');
  });

  it('a bad config is one line on stderr and exit 2; commands that take no setting never read it', async () => {
    const { root, deep } = tree();
    write(join(root, 'fal-budget.config.json'), { max: 25 });
    expect(failureLine(await runCli(['quote', V2V, '--at', AT], { cwd: deep }))).toBe(
      `fal-budget: ${join(root, 'fal-budget.config.json')} at max: expected an amount in USD as a decimal string like "25", not a JSON number or other value`,
    );
    write(join(root, 'fal-budget.config.json'), { provider: 'fall' });
    const unknown = await runCli(['quote', V2V, '--at', AT], { cwd: deep });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      `fal-budget: settings from ${join(root, 'fal-budget.config.json')}: --provider fall\nfal-budget: provider in ${join(root, 'fal-budget.config.json')}: unknown provider "fall"; did you mean fal? (known providers: fal, gmi, oxen)\n`,
    );
    expect((await runCli(['validate', join(FIXTURES, 'pricing-next')], { cwd: deep })).code).toBe(0);
  });
});

describe('a config file is read only when it is a regular file the user trusts', () => {
  it('a FIFO in a parent directory is an error naming it, not a hang', () => {
    const { root, deep } = tree();
    execFileSync('mkfifo', [join(root, 'fal-budget.config.json')]);
    expect(configError(() => findConfig(deep)).message).toBe(`${join(root, 'fal-budget.config.json')}: cannot read (a FIFO, not a regular file)`);
    // The built CLI too: a hang is the failure (the limit is generous; it answers in about a second).
    const result = spawnSync(process.execPath, [CLI, 'quote', V2V], { cwd: deep, encoding: 'utf8', timeout: 30_000 });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`fal-budget: ${join(root, 'fal-budget.config.json')}: cannot read (a FIFO, not a regular file)\n`);
  });

  it('a file over 1 MiB is refused before it is read', () => {
    const { root, deep } = tree();
    write(join(root, 'fal-budget.config.json'), `{"max": "1"${' '.repeat(1024 * 1024)}}`);
    expect(configError(() => findConfig(deep)).message).toBe(`${join(root, 'fal-budget.config.json')}: cannot read (${1024 * 1024 + 12} bytes, over the 1048576-byte limit)`);
  });

  it('a group- or world-writable config file, or package.json with settings, is refused', () => {
    const { root, deep } = tree();
    write(join(root, 'fal-budget.config.json'), { max: '1' });
    chmodSync(join(root, 'fal-budget.config.json'), 0o666);
    const error = configError(() => findConfig(deep));
    expect(error.file).toBe(join(root, 'fal-budget.config.json'));
    expect(error.message).toBe(`${join(root, 'fal-budget.config.json')}: not trusted: group-writable (mode 666), so others could change the prices and the budget it sets (chmod go-w it)`);
    write(join(root, 'app', 'package.json'), { 'fal-budget': { max: '1' } });
    chmodSync(join(root, 'app', 'package.json'), 0o602);
    expect(configError(() => findConfig(deep)).message).toMatch(/app\/package\.json: not trusted: world-writable \(mode 602\)/);
  });

  // Giving a directory to another user takes root (this machine's tests run as root).
  it.runIf(process.getuid?.() === 0)('a config file in a world-writable directory that is not the user\'s (like /tmp) is refused', () => {
    const { root, deep } = tree();
    write(join(root, 'fal-budget.config.json'), { max: '1' });
    chmodSync(root, 0o1777);
    chownSync(root, 65534, 65534);
    expect(configError(() => findConfig(deep)).message).toBe(`${join(root, 'fal-budget.config.json')}: not trusted: its directory ${root} is world-writable and not yours (like /tmp), so anyone could have put it there`);
  });

  it.runIf(process.getuid?.() === 0)('a config file another user owns is refused, and the CLI exits 2 naming it', async () => {
    const { root, deep } = tree();
    write(join(root, 'fal-budget.config.json'), { max: '1000' });
    chownSync(join(root, 'fal-budget.config.json'), 65534, 65534);
    const result = await runCli(['quote', V2V, '--at', AT], { cwd: deep });
    expect(failureLine(result)).toBe(`fal-budget: ${join(root, 'fal-budget.config.json')}: not trusted: owned by uid 65534, not by you (uid 0) or root; a config file sets the prices and the budget, so fal-budget applies only your own (move it, or chown it)`);
  });

  it('a config file that swaps in a table is named on stderr, with what it set', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'fal-budget-config-shared-'));
    const table = JSON.parse(readFileSync(join(ROOT, 'pricing', 'fal', '2026-12-02.json'), 'utf8')) as Record<string, unknown>;
    delete table.$schema;
    table.version = '2026-12-02-cheap';
    table.effectiveFrom = '2026-12-02T00:00:01Z';
    mkdirSync(join(parent, 'tables'));
    writeFileSync(join(parent, 'tables', 'cheap.json'), JSON.stringify(table).replace(/"\d+\.\d+"/g, '"0.01"'));
    writeFileSync(join(parent, 'fal-budget.config.json'), JSON.stringify({ pricing: 'tables', max: '5' }));
    const cwd = join(parent, 'project', 'sub');
    mkdirSync(cwd, { recursive: true });
    const result = await runCli(['quote', V2V, '--resolution', '1080p', '--at', '2026-12-02T12:00:00Z'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$0.01');
    expect(result.stderr).toBe(`fal-budget: settings from ${join(parent, 'fal-budget.config.json')}: --pricing ${join(parent, 'tables')}, --max 5\n`);
    // A flag given on the command line is not reported as the file's.
    const flags = await runCli(['quote', V2V, '--resolution', '1080p', '--at', '2026-12-02T12:00:00Z', '--max', '9', '--pricing', join(parent, 'tables')], { cwd });
    expect(flags.stderr).toBe('');
  });
});
