import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './support/cli.js';

beforeAll(() => ensureBuilt());

// The bundle does not know its own path, so yargs' translator (y18n) looked for its messages in
// "locales/" three directories above the working directory: whatever file sat there changed the
// CLI's help, or made every command fail when it was not JSON.
describe('the CLI reads no messages from files around the working directory', () => {
  const top = mkdtempSync(join(tmpdir(), 'fal-budget-locales-'));
  const cwd = join(top, 'a', 'b', 'c');
  mkdirSync(cwd, { recursive: true });
  mkdirSync(join(top, 'locales'));
  afterAll(() => rmSync(top, { recursive: true, force: true }));

  it('a locales/en.json there changes no message', async () => {
    writeFileSync(join(top, 'locales', 'en.json'), JSON.stringify({ 'Show help': 'PLANTED', 'Show version number': 'PLANTED' }));
    const here = await runCli(['--help'], { cwd });
    expect(here.code).toBe(0);
    expect(here.stdout).not.toContain('PLANTED');
    expect(here.stdout).toBe((await runCli(['--help'])).stdout);
  });

  it('nor does one that is not JSON break a command', async () => {
    writeFileSync(join(top, 'locales', 'en.json'), '{ not json');
    const quoted = await runCli(['quote', 'luma/agent/ray/v3.2/video-to-video', '--resolution', '1080p', '--at', '2026-11-24', '--json'], { cwd });
    expect(quoted.stderr).toBe('');
    expect(JSON.parse(quoted.stdout)).toMatchObject({ total: '2.16' });
  });
});
