import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'launcher.cjs');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
/** The instant every golden output is priced at, so output never depends on the clock. */
export const AT = '2026-11-24';

const BUILT = [join(ROOT, 'dist', 'cli.cjs.cache'), CLI, join(ROOT, 'dist', 'cli.cjs')];
const INPUTS = [join(ROOT, 'src'), join(ROOT, 'pricing'), join(ROOT, 'scripts', 'build-cli.mjs'), join(ROOT, 'package.json')];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function isStale(): boolean {
  let built: number;
  try {
    built = Math.min(...BUILT.map((file) => statSync(file).mtimeMs));
  } catch {
    return true;
  }
  return INPUTS.some((input) => newestMtime(input) > built);
}

/**
 * Tests run the built bin, as people do. `npm ci` builds it (prepare); when dist is missing or
 * older than the sources, build it once here. Test files run in parallel workers, so the build
 * is serialised with a lock directory.
 */
export function ensureBuilt(): void {
  if (!isStale()) return;
  const lock = join(ROOT, 'dist', '.cli-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!isStale()) return;
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`building the CLI failed:\n${build.stdout}\n${build.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly stdin?: string;
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
}

/** Writes `content` to a file called `name` in a new temporary directory, and returns its path. */
export function writeTemp(name: string, content: string | Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fal-budget-test-')), name);
  writeFileSync(file, content);
  return file;
}

/** Runs `node dist/launcher.cjs ...args` with stdout and stderr piped (so no TTY, no colour). */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env })) {
      if (value !== undefined) env[key] = value;
    }
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}

/** An exit-2 failure: one line on stderr, nothing on stdout. Returns that line. */
export function failureLine(result: CliResult): string {
  if (result.code !== 2 || result.stdout !== '' || !/^fal-budget: [^\n]+\n$/.test(result.stderr)) {
    throw new Error(`expected exit 2 with one stderr line and empty stdout, got ${result.code}:\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result.stderr.trimEnd();
}
