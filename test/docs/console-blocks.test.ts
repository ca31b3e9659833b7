import { describe, expect, it } from 'vitest';
import { consoleBlocks } from './support/console-blocks.js';
import { refusal } from './support/console-command.js';

const FENCE = '```';

describe('reading console blocks out of markdown', () => {
  it('splits a block into commands and the lines shown after each; other fences are not read', () => {
    const markdown = [
      `${FENCE}sh`, '$ not a console block', FENCE,
      'text',
      `${FENCE}console`, '$ fal-budget versions', 'line one', '', 'line three', '$ echo $?', '0', FENCE,
    ].join('\n');
    expect(consoleBlocks(markdown, 'x.md')).toEqual([{
      file: 'x.md',
      line: 5,
      steps: [
        { line: 6, command: 'fal-budget versions', output: 'line one\n\nline three' },
        { line: 10, command: 'echo $?', output: '0' },
      ],
    }]);
  });

  it('an opt-out comment right above the fence is the block\'s reason not to run', () => {
    const markdown = ['<!-- console: not run: it asks a server the test cannot reach -->', `${FENCE}console`, '$ fal-budget pricing check', FENCE].join('\n');
    expect(consoleBlocks(markdown, 'x.md')[0]?.skip).toBe('it asks a server the test cannot reach');
  });

  it('refuses a block that does not start with a command, or is never closed', () => {
    expect(() => consoleBlocks([`${FENCE}console`, 'output first', FENCE].join('\n'), 'x.md')).toThrow(/x\.md:2: a console block starts with a `\$ ` command/);
    expect(() => consoleBlocks([`${FENCE}console`, '$ fal-budget versions'].join('\n'), 'x.md')).toThrow(/x\.md:1: a console block is never closed/);
  });
});

describe('which commands an example may run', () => {
  it.each([
    'fal-budget quote luma-ray-3-2-edit --source-seconds 7.2',
    'cat docs/examples/plan.jsonl | fal-budget batch - --json',
    'fal-budget ledger status --ledger docs/examples/budget-ledger.jsonl | tail -n +2',
    'fal-budget quote x --set prompt=\'a | b > c\' 2>/dev/null',
    'fal-budget quote x >/dev/null',
  ])('%s: allowed', (command) => {
    expect(refusal(command)).toBeUndefined();
  });

  it.each([
    ['rm -rf dist', /"rm" is not one of/],
    ['fal-budget quote x > out.txt', /only one pipeline/],
    ['fal-budget quote x && cat y', /only one pipeline/],
    ['fal-budget quote x; cat y', /only one pipeline/],
    ['fal-budget quote $(cat y)', /only one pipeline/],
    ['fal-budget quote x 2>&1', /only one pipeline/],
    ['cat y | sh', /"sh" is not one of/],
  ])('%s: refused', (command, reason) => {
    expect(refusal(command)).toMatch(reason);
  });
});
