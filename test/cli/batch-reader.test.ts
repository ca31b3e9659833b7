import { beforeAll, describe, expect, it } from 'vitest';
import { AT, ensureBuilt, failureLine, runCli, writeTemp } from './support/cli.js';

beforeAll(() => ensureBuilt());

const T2V = 'luma/agent/ray/v3.2/text-to-video';
const line = (id: string, prompt = 'a shot') => JSON.stringify({ id, endpoint: T2V, input: { prompt, resolution: '720p' } });

describe('batch: --max-line-bytes', () => {
  it('a line over the limit stops the batch: exit 2, the line number and the limit named, nothing printed', async () => {
    const plan = [line('a'), line('b', 'x'.repeat(200)), line('c')].join('\n');
    for (const format of ['table', 'markdown']) {
      expect(failureLine(await runCli(['batch', '-', '--at', AT, '--format', format, '--max-line-bytes', '150'], { stdin: plan })))
        .toBe('fal-budget: batch -: line 2 is longer than --max-line-bytes 150 (bytes of UTF-8); raise --max-line-bytes if the line is meant to be that long');
    }
  });

  it('counts bytes of UTF-8, not characters, and not the line ending', async () => {
    const exact = line('é');
    const bytes = Buffer.byteLength(exact);
    expect(bytes).toBe(exact.length + 1);
    const file = writeTemp('crlf.jsonl', `${exact}\r\n${exact}\r\n`);
    const fits = await runCli(['batch', file, '--at', AT, '--json', '--max-line-bytes', String(bytes)]);
    expect(fits.code).toBe(0);
    expect(JSON.parse(fits.stdout).counts).toMatchObject({ quoted: 2 });
    expect(failureLine(await runCli(['batch', file, '--at', AT, '--max-line-bytes', String(bytes - 1)]))).toContain(`line 1 is longer than --max-line-bytes ${bytes - 1} `);
  });

  it('a line that spans many read chunks is one line, and is refused once it is over the limit', async () => {
    // 300 KB of prompt: several 64 KB chunks of the file stream, joined once.
    const long = line('long', 'y'.repeat(300_000));
    const file = writeTemp('long.jsonl', `${line('a')}\n${long}\n${line('c')}`);
    const ok = await runCli(['batch', file, '--at', AT, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).items.map((item: { line: number; id: string }) => `${item.line} ${item.id}`)).toEqual(['1 a', '2 long', '3 c']);
    expect(failureLine(await runCli(['batch', file, '--at', AT, '--max-line-bytes', '100000'])))
      .toBe(`fal-budget: batch ${file}: line 2 is longer than --max-line-bytes 100000 (bytes of UTF-8); raise --max-line-bytes if the line is meant to be that long`);
  });

  it('a bad value is a usage error', async () => {
    for (const value of ['0', '-5', '1.5', 'lots']) {
      expect(failureLine(await runCli(['batch', '-', '--max-line-bytes', value], { stdin: line('a') })))
        .toBe(`fal-budget: --max-line-bytes: expected a whole number of bytes, at least 1 (got "${value}") (see fal-budget --help)`);
    }
  });
});

describe('batch: a UTF-8 byte order mark', () => {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
  const plan = `${line('first')}\n${line('second')}\n`;

  it('at the start of a file is not part of the first line', async () => {
    const result = await runCli(['batch', writeTemp('bom.jsonl', Buffer.concat([BOM, Buffer.from(plan)])), '--at', AT, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ counts: { lines: 2, quoted: 2, invalid: 0 }, total: '2.00' });
  });

  it('at the start of stdin is not part of the first line', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--json'], { stdin: `\uFEFF${plan}` });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).items.map((item: { id: string }) => item.id)).toEqual(['first', 'second']);
  });

  it('anywhere else is the data it is: an invalid line', async () => {
    const result = await runCli(['batch', '-', '--at', AT, '--json'], { stdin: `${line('first')}\n\uFEFF${line('second')}\n` });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).errors.map((error: { line: number; code: string }) => `${error.line} ${error.code}`)).toEqual(['2 malformed_json']);
  });
});
