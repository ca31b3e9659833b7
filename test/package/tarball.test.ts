// The package as a user gets it: `npm pack` of the build, installed alone into a new project.
// Builds what is stale first (the CLI as the CLI tests do, the library with tsc); one pack and one
// install serve every test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../cli/support/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/** The most packages a project that installs only fal-budget may get, fal-budget included (issue 13). */
const MAX_INSTALLED_PACKAGES = 12;

let work: string;
let tarball: string;
let packed: string[];
let project: string;

function binOf(name: string, bin: string): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
  return join(ROOT, 'node_modules', name, typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin]);
}

/** Runs `node <args>` in the new project; never throws, so a test can look at a failure. */
function node(args: string[]) {
  const result = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).filter((name) => name !== 'cli').map((name) => newestMtime(join(path, name))));
}

/** tsc's part of `npm run build` (the library modules and their types), when src/ is newer than it. */
function ensureLibraryBuilt(): void {
  let built: number;
  try {
    built = statSync(join(ROOT, 'dist', 'index.js')).mtimeMs;
  } catch {
    built = 0;
  }
  if (newestMtime(join(ROOT, 'src')) <= built) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
}

beforeAll(() => {
  ensureBuilt();
  ensureLibraryBuilt();
  work = mkdtempSync(join(tmpdir(), 'fal-budget-pack-'));
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }));
  tarball = join(work, info.filename);
  packed = info.files.map((file: { path: string }) => file.path);
  project = join(work, 'app');
  execFileSync('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: project, encoding: 'utf8' });
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds the license, every export target, and no test file, source or unused copy of the CLI', () => {
    expect(packed).toContain('LICENSE');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(pkg.license).toBe('MIT');
    const targets = Object.values(pkg.exports as Record<string, string | { types: string; default: string }>)
      .flatMap((target) => (typeof target === 'string' ? [target] : [target.types, target.default]));
    for (const target of [...targets, pkg.bin['fal-budget']]) expect(packed).toContain(target.replace(/^\.\//, ''));
    expect(packed.filter((file) => /\.test\.|^test\/|^src\/|^scratch\/|^bench\//.test(file))).toEqual([]);
    // The bin runs dist/cli.cjs; tsc's per-module copy of the CLI would be dead weight.
    expect(packed.filter((file) => file.startsWith('dist/cli/'))).toEqual([]);
  });

  it('ships no source map that points at a file it does not ship', () => {
    const maps = packed.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const dangling: string[] = [];
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(project, 'node_modules', 'fal-budget', map), 'utf8'));
      sources.forEach((source: string, index: number) => {
        const shipped = packed.includes(join(map, '..', source));
        if (!shipped && typeof sourcesContent?.[index] !== 'string') dangling.push(`${map} -> ${source}`);
      });
    }
    expect(dangling).toEqual([]);
  });

  it('publint and arethetypeswrong report nothing', () => {
    const publint = spawnSync(process.execPath, [binOf('publint', 'publint'), 'run', tarball, '--strict'], { encoding: 'utf8' });
    expect(publint.stdout + publint.stderr).toContain('All good!');
    expect(publint.status).toBe(0);
    // esm-only: the package is ESM, and require() of it is Node's require(esm), which attw's
    // node16-from-CJS resolution (TypeScript before module node20) does not model.
    const attw = spawnSync(process.execPath, [binOf('@arethetypeswrong/cli', 'attw'), tarball, '--profile', 'esm-only', '--format', 'json'], { encoding: 'utf8' });
    expect(attw.status, attw.stdout).toBe(0);
    const problems = (JSON.parse(attw.stdout).analysis.problems as { resolutionKind?: string }[])
      .filter((problem) => problem.resolutionKind !== 'node10' && problem.resolutionKind !== 'node16-cjs');
    expect(problems).toEqual([]);
  });
});

describe('installed alone into a new project', () => {
  it(`brings at most ${MAX_INSTALLED_PACKAGES} packages, none of them the CLI's or an optional peer`, () => {
    const lock = JSON.parse(readFileSync(join(project, 'node_modules', '.package-lock.json'), 'utf8'));
    const installed = Object.keys(lock.packages).filter((path) => path.startsWith('node_modules/')).map((path) => path.slice('node_modules/'.length));
    expect(installed.length).toBeLessThanOrEqual(MAX_INSTALLED_PACKAGES);
    for (const absent of ['yargs', 'cli-table3', 'ioredis', 'fast-check', '@fal-ai/client', '@fal-ai/server-proxy']) expect(installed).not.toContain(absent);
  });

  it('require() works (Node >= 20.19 loads the ESM build), for the root and every subpath but testing', () => {
    const script = `
      const { quote } = require('fal-budget');
      for (const entry of ['node', 'mp4', 'express', 'fetch', 'universal']) require('fal-budget/' + entry);
      console.log(quote('luma/agent/ray/v3.2/video-to-video', { resolution: '1080p', hdr: true }, { at: '2026-11-24' }).total);`;
    expect(node(['-e', script])).toMatchObject({ status: 0, stdout: '4.32\n' });
  });

  it('where require(esm) is off (Node before 20.19), require() says the package is ESM and to use import()', () => {
    const result = node(['--no-experimental-require-module', '-e', "require('fal-budget')"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('ERR_REQUIRE_ESM');
    expect(result.stderr).toContain('require() of ES Module');
    expect(result.stderr).toContain('dynamic import()');
  });

  it('fal-budget/universal is the root itself (one module, one copy of every class)', () => {
    const script = "const [a, b] = await Promise.all([import('fal-budget'), import('fal-budget/universal')]); console.log(a.quote === b.quote, a.FalBudgetError === b.FalBudgetError);";
    expect(node(['--input-type=module', '-e', script])).toMatchObject({ status: 0, stdout: 'true true\n' });
  });

  it('fal-budget/mp4 is the opt-in that measures an inline source', () => {
    const mp4 = readFileSync(join(ROOT, 'test', 'fixtures', 'source-7.2s.mp4')).toString('base64');
    writeFileSync(join(project, 'source.b64'), mp4);
    const script = `
      import { readFileSync } from 'node:fs';
      import { quote } from 'fal-budget';
      import { probeInlineMp4 } from 'fal-budget/mp4';
      const input = { source_data: readFileSync('source.b64', 'utf8'), source_media_type: 'video/mp4' };
      const at = '2026-11-24';
      const measured = quote('luma-ray-3-2-edit', input, { at, probeSource: probeInlineMp4 });
      const unmeasured = quote('luma-ray-3-2-edit', input, { at });
      console.log(measured.params.sourceSecondsFrom, measured.upperBound === true, unmeasured.params.sourceSecondsFrom, unmeasured.upperBound);`;
    expect(node(['--input-type=module', '-e', script])).toMatchObject({ status: 0, stdout: 'mp4 false maximum true\n' });
  });

  it('fal-budget/testing without fast-check: a MissingDependencyError naming it', () => {
    const script = "try { await import('fal-budget/testing'); } catch (error) { console.log(error.name, error.code, error.dependency, error.message); }";
    expect(node(['--input-type=module', '-e', script])).toMatchObject({
      status: 0,
      stdout: 'MissingDependencyError missing_dependency fast-check fal-budget/testing needs the package fast-check, which is not installed: npm install fast-check\n',
    });
  });

  it('redisLedger({ url }) without ioredis: the ledger is unavailable because of a MissingDependencyError naming it', () => {
    const script = `
      import { createBudgetGuard } from 'fal-budget';
      import { redisLedger } from 'fal-budget/node';
      const guard = createBudgetGuard({ limit: '5.00', ledger: redisLedger({ url: 'redis://127.0.0.1:1' }) });
      try { await guard.status(); } catch (error) { console.log(error.code, error.cause.name, error.cause.dependency); }`;
    expect(node(['--input-type=module', '-e', script])).toMatchObject({ status: 0, stdout: 'ledger_unavailable MissingDependencyError ioredis\n' });
  });

  it('the fal-budget bin runs with its own dependencies bundled in', () => {
    const result = spawnSync(join(project, 'node_modules', '.bin', 'fal-budget'), ['quote', 'luma/agent/ray/v3.2/video-to-video', '--resolution', '1080p', '--at', '2026-11-24', '--json'], { cwd: project, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ total: '2.16' });
  });
});
