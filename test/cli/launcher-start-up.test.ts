import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AT, CLI, ensureBuilt, ROOT } from './support/cli.js';

/**
 * What the bin's start-up loads, checked by what Node reports rather than by a clock (the cold
 * start's time is a benchmark, bench/cli.bench.mjs). Each of these cost milliseconds of a ~50 ms
 * start when it crept back: an ES-module bin loads Node's ES module loader (~3 ms); importing
 * node:fs/promises at start-up loads Node's readline with it; a code cache V8 rejects (made under
 * other flags than the launcher's) compiles the whole 1 MB bundle instead.
 */
const directory = mkdtempSync(join(tmpdir(), 'fal-budget-launcher-'));
const preload = join(directory, 'record-modules.cjs');
const report = join(directory, 'modules.txt');

beforeAll(() => {
  ensureBuilt();
  writeFileSync(preload, `process.once('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, process.moduleLoadList.join('\\n')));`);
}, 180_000);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function modulesLoadedBy(args: readonly string[]): string[] {
  const result = spawnSync(process.execPath, ['--require', preload, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(result.status, result.stderr).toBe(0);
  return readFileSync(report, 'utf8').split('\n');
}

describe('the bin (dist/launcher.cjs) starting one quote', () => {
  const quote = [CLI, 'quote', 'luma/agent/ray/v3.2/video-to-video', '--resolution', '1080p', '--hdr', '--duration', '10s', '--at', AT];

  it('is the package.json bin, and CommonJS', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(join(ROOT, pkg.bin['fal-budget'] ?? '')).toBe(CLI);
    expect(CLI.endsWith('.cjs')).toBe(true);
  });

  it("loads neither Node's ES module loader nor node:fs/promises (and so no readline)", () => {
    const loaded = modulesLoadedBy(quote);
    expect(loaded).toContain('NativeModule vm');
    expect(loaded.filter((name) => /esm\/(module_job|translators|resolve)|fs\/promises|readline/.test(name))).toEqual([]);
  });

  it("runs the bundle from the build's code cache, which V8 accepts under the launcher's flags", () => {
    const check = `
      require('node:v8').setFlagsFromString('--semi-space-growth-factor=8');
      const { readFileSync } = require('node:fs');
      const { Script } = require('node:vm');
      const bundle = ${JSON.stringify(join(ROOT, 'dist', 'cli.cjs'))};
      const script = new Script(readFileSync(bundle, 'latin1'), { filename: bundle, cachedData: readFileSync(bundle + '.cache') });
      process.stdout.write(String(script.cachedDataRejected));`;
    const result = spawnSync(process.execPath, ['-e', check], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('false');
    expect(readFileSync(CLI, 'utf8')).toContain('--semi-space-growth-factor=8');
  });
});
