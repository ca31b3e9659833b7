import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cli/support/cli.js';

/**
 * dist/cli.cjs ships in the package ("files": dist) and is the whole CLI, so a script
 * may run it as `node node_modules/fal-budget/dist/cli.cjs ...` (it worked at 0de10de: unknown
 * endpoint -> exit 2, over --max -> exit 3). Since 7d995eb the file is one function expression
 * for the launcher, so Node evaluates it, discards the function and exits 0 with no output: every
 * check run that way passes. A CLI that fails closed must not report success for a run that did
 * nothing.
 */
const BUNDLE = join(ROOT, 'dist', 'cli.cjs');

function runBundle(args: readonly string[]) {
  return spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('dist/cli.cjs run directly with node', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('refuses an unknown endpoint with exit 2, as the bin does, instead of exiting 0 silently', () => {
    const result = runBundle(['quote', 'nope/nope']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown endpoint "nope/nope"');
  });

  it('exits 3 over --max, as the bin does', () => {
    const result = runBundle(['quote', 'luma/agent/ray/v3.2/video-to-video', '--resolution', '1080p', '--at', '2026-11-24', '--max', '0.01']);
    expect(result.status).toBe(3);
  });
});
