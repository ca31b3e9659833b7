import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureBuilt, ROOT } from '../cli/support/cli.js';
import { consoleBlocks, type ConsoleBlock } from './support/console-blocks.js';
import { refusal } from './support/console-command.js';

/*
 * Every ```console block of README.md and docs/*.md, run against the built CLI from the repo root,
 * its output compared with what the block shows. The conventions are in docs/cli.md, "The examples
 * in these docs are tested".
 */

const DOCS = join(ROOT, 'docs');
const FILES = ['README.md', ...readdirSync(DOCS).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
const EXAMPLES = join(DOCS, 'examples');

let bin: string;
beforeAll(() => {
  ensureBuilt();
  // `fal-budget` on PATH is the built bin, as `npm install` links it.
  bin = mkdtempSync(join(tmpdir(), 'fal-budget-docs-'));
  writeFileSync(join(bin, 'fal-budget'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(join(bin, 'fal-budget'), 0o755);
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** What a terminal shows for the command: stdout and stderr in the order they were written, and the exit code. */
function run(command: string): { output: string; code: number } {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env.FORCE_COLOR;
  // No key, so an example never reaches fal's API; the rest as test/cli's goldens run the bin.
  delete env.FAL_KEY;
  Object.assign(env, { NO_COLOR: '1', COLUMNS: '80', TZ: 'UTC', PATH: `${bin}:${env.PATH ?? ''}` });
  const result = spawnSync('bash', ['-c', `exec 2>&1\n${command}`], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  // CSV rows end in CRLF (RFC 4180); a markdown page shows them as plain line ends. A lone CR stays.
  return { output: result.stdout.replaceAll('\r\n', '\n'), code: result.status ?? -1 };
}

/** Trailing blank lines separate a block's commands: they are not part of an output. */
const shown = (text: string) => text.replace(/\n+$/, '');

function examplesHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(EXAMPLES).sort()) hash.update(name).update(readFileSync(join(EXAMPLES, name)));
  return hash.digest('hex');
}

const blocks = FILES.flatMap((file) => consoleBlocks(readFileSync(join(ROOT, file), 'utf8'), file));

describe('the docs\' console examples', () => {
  it('are found: README.md and every docs/*.md page are read', () => {
    const run = blocks.filter((block) => block.skip === undefined);
    expect(FILES).toContain('docs/cli.md');
    expect(run.filter((block) => block.file === 'README.md').length).toBeGreaterThan(0);
    expect(run.filter((block) => block.file === 'docs/cli.md').length).toBeGreaterThanOrEqual(5);
    expect(run.length).toBeGreaterThanOrEqual(10);
  });

  it('opt out only with a reason', () => {
    for (const block of blocks) if (block.skip !== undefined) expect(block.skip, `${block.file}:${block.line}`).toMatch(/\w{3,}.{20,}/);
  });

  for (const block of blocks.filter((each) => each.skip === undefined)) {
    // Several CLI runs per block on a shared machine: a generous timeout, never a wall-clock assertion.
    it(`${block.file}:${block.line}: ${block.steps[0]?.command ?? '(no command)'}`, () => checkBlock(block), 120_000);
  }
});

function checkBlock(block: ConsoleBlock): void {
  expect(block.steps.length, 'a console block shows at least one `$ ` command').toBeGreaterThan(0);
  const before = examplesHash();
  let last: number | undefined;
  for (const step of block.steps) {
    const where = `${relative(ROOT, join(ROOT, block.file))}:${step.line}: $ ${step.command}`;
    if (step.command === 'echo $?') {
      expect(last, `${where}: echo $? follows a command`).toBeDefined();
      expect(`${last}`, where).toBe(shown(step.output));
      continue;
    }
    expect(refusal(step.command), where).toBeUndefined();
    const { output, code } = run(step.command);
    expect(shown(output), where).toBe(shown(step.output));
    last = code;
  }
  // The examples only read their fixtures: a run that changed one would make the next run differ.
  expect(examplesHash(), `${block.file}:${block.line} changed docs/examples`).toBe(before);
}
