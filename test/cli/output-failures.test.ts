import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AT, CLI, ensureBuilt, ROOT } from './support/cli.js';

beforeAll(() => ensureBuilt());

/** Runs the built CLI with its stdout on `fd` (a real failing target), stderr piped. */
function runWithStdout(args: readonly string[], target: string, flags: 'w' | 'r', stdin = ''): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync(target, flags);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['pipe', fd, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    closeSync(fd);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin!.on('error', () => {});
    child.stdin!.end(stdin);
  });
}

const T2V = 'luma/agent/ray/v3.2/text-to-video';
const plan = Array.from({ length: 3000 }, (_, index) => JSON.stringify({ id: index, endpoint: T2V, input: { resolution: '720p' } })).join('\n');
const planFile = join(mkdtempSync(join(tmpdir(), 'fal-budget-out-')), 'plan.jsonl');
writeFileSync(planFile, plan);

const COMMANDS: Record<string, readonly string[]> = {
  'quote (table)': ['quote', T2V, '--resolution', '720p', '--at', AT],
  'quote --json': ['quote', T2V, '--resolution', '720p', '--at', AT, '--json'],
  'batch (table)': ['batch', planFile, '--at', AT],
  'batch --json (streamed)': ['batch', planFile, '--at', AT, '--json'],
  'batch --items all (markdown)': ['batch', planFile, '--at', AT, '--items', 'all', '--format', 'markdown'],
  prices: ['prices', '--at', AT],
  '--help': ['--help'],
};

describe('a stdout that cannot be written is one line on stderr and exit 2, never a stack trace', () => {
  for (const [name, args] of Object.entries(COMMANDS)) {
    it(`ENOSPC (/dev/full): ${name}`, async () => {
      const result = await runWithStdout(args, '/dev/full', 'w');
      expect(result).toEqual({ code: 2, stderr: 'fal-budget: cannot write to stdout (ENOSPC: no space left on device)\n' });
    });
  }

  it('EBADF (stdout opened for reading only): batch --json', async () => {
    const result = await runWithStdout(COMMANDS['batch --json (streamed)']!, '/dev/null', 'r');
    expect(result).toEqual({ code: 2, stderr: 'fal-budget: cannot write to stdout (EBADF: bad file descriptor)\n' });
  });
});
