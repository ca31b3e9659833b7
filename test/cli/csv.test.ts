import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvField, csvRow } from '../../src/cli/render/csv.js';
import { AT, CLI, ensureBuilt, ROOT, runCli } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';

beforeAll(() => ensureBuilt());

/** An RFC 4180 reader, to read back what the CLI wrote: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else {
      field += char;
    }
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('csvField: RFC 4180 and no formula injection', () => {
  it('quotes a field with a comma or a double quote, and doubles the quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(undefined)).toBe('');
    expect(csvRow(['a', 1, true, undefined])).toBe('a,1,true,\r\n');
  });

  it('control characters are written out as the human formats write them: no ESC, BEL, CR or LF reaches the file', () => {
    expect(csvField('two\nlines')).toBe('two\\nlines');
    expect(csvField('cr\rhere')).toBe('cr\\rhere');
    expect(csvField('\u001b]0;pwned\u0007\u001b[2J')).toBe('\\x1b]0;pwned\\x07\\x1b[2J');
    expect(csvField('bidi\u202eevil')).toBe('bidi\\u202eevil');
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
  });

  it('a cell starting with = + - @ gets a leading \' (OWASP), quoted when it must be', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvField('+cmd')).toBe("'+cmd");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    // TAB and CR are escaped first, so they no longer lead the cell.
    expect(csvField('\tx')).toBe('\\tx');
    expect(csvField('\rx')).toBe('\\rx');
  });

  it('also after leading spaces, and for the full-width forms and U+2212 minus', () => {
    expect(csvField(' =1+1')).toBe("' =1+1");
    expect(csvField('  @x')).toBe("'  @x");
    expect(csvField('\u3000-2+3')).toBe("'\u3000-2+3");
    expect(csvField('\uff1d1+1')).toBe("'\uff1d1+1");
    expect(csvField('\uff0bcmd')).toBe("'\uff0bcmd");
    expect(csvField('\uff0d2')).toBe("'\uff0d2");
    expect(csvField('\uff20SUM(A1)')).toBe("'\uff20SUM(A1)");
    expect(csvField('\u22121+1')).toBe("'\u22121+1");
    expect(csvField(' plain, spaced')).toBe('" plain, spaced"');
  });

  it('but a plain signed number stays a number: a delta of -1.08 is not a formula', () => {
    expect(csvField('-1.08')).toBe('-1.08');
    expect(csvField('+10.64')).toBe('+10.64');
    expect(csvField('-1.08e3')).toBe("'-1.08e3");
  });
});

describe('quote --format csv', () => {
  it('a header, one row per line of the quote, a total row; money exact, no separators', async () => {
    const result = await runCli(['quote', V2V, '--resolution', '1080p', '--hdr', '--duration', '10s', '--at', AT, '--format', 'csv']);
    expect(result.code).toBe(0);
    expect(parseCsv(result.stdout)).toEqual([
      ['row', 'endpoint', 'provider', 'pricing_version', 'pricing_sha256', 'description', 'quantity', 'unit', 'unit_price', 'amount', 'upper_bound', 'warnings'],
      ['line', V2V, 'fal', '2026-11-21', '8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d', `${V2V} · 1080p · HDR · 10s`, '1', 'clip', '8.64', '8.64', 'false', ''],
      ['total', V2V, 'fal', '2026-11-21', '8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d', '', '', '', '', '8.64', 'false', 'incomplete_request'],
    ]);
  });

  it('over --max still prints the CSV and exits 3; --json and --format csv contradict; other commands refuse csv', async () => {
    expect((await runCli(['quote', V2V, '--at', AT, '--format', 'csv', '--max', '0.5'])).code).toBe(3);
    const contradiction = await runCli(['quote', V2V, '--at', AT, '--format', 'csv', '--json']);
    expect(contradiction.code).toBe(2);
    expect(contradiction.stderr).toContain('--json and --format csv contradict each other');
    const versions = await runCli(['versions', '--format', 'csv']);
    expect(versions.code).toBe(2);
    expect(versions.stdout).toBe('');
    expect(versions.stderr).toBe('fal-budget: --format csv: only quote and batch print CSV (use table, json or markdown with versions) (see fal-budget --help)\n');
  });
});

describe('batch --format csv', () => {
  it('one row per priced line, invalid lines as rows with their code, then the total; forged cells are defused', async () => {
    const plan = [
      JSON.stringify({ id: '=HYPERLINK("http://evil.example","click")', endpoint: V2V, input: { resolution: '720p' } }),
      JSON.stringify({ id: 'a,b "c"', endpoint: V2V, count: 2, input: { resolution: '1080p' } }),
      'not json',
      JSON.stringify({ id: '@x', endpoint: 'luma/agent/ray/v9', input: {} }),
    ].join('\n');
    const result = await runCli(['batch', '-', '--at', AT, '--format', 'csv'], { stdin: plan });
    expect(result.code).toBe(2);
    const rows = parseCsv(result.stdout);
    expect(rows[0]).toEqual(['row', 'line', 'id', 'endpoint', 'provider', 'pricing_version', 'description', 'count', 'quantity', 'unit', 'unit_price', 'job_total', 'total', 'upper_bound', 'warnings', 'code', 'message']);
    expect(rows.every((row) => row.length === rows[0]!.length)).toBe(true);
    expect(rows.slice(1).map((row) => [row[0], row[1], row[2], row[7], row[11], row[12], row[14], row[15]])).toEqual([
      ['quoted', '1', '\'=HYPERLINK("http://evil.example","click")', '1', '1.08', '1.08', 'incomplete_request', ''],
      ['quoted', '2', 'a,b "c"', '2', '2.16', '4.32', 'incomplete_request', ''],
      ['invalid', '3', '', '', '', '', '', 'malformed_json'],
      ['invalid', '4', "'@x", '', '', '', '', 'unknown_endpoint'],
      ['total', '', '', '3', '', '5.40', '', ''],
    ]);
  });

  it('an id with ESC, BEL and CR reaches neither batch CSV nor the --compare-to CSV raw', async () => {
    const id = '\u001b]0;pwned\u0007\u001b[2J\rok';
    // eslint-disable-next-line no-control-regex -- the control characters are what the test looks for
    const raw = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]|\r(?!\n)/;
    const batch = await runCli(['batch', '-', '--at', AT, '--format', 'csv'], { stdin: JSON.stringify({ id, endpoint: V2V, input: { resolution: '720p' } }) });
    expect(batch.code).toBe(0);
    expect(batch.stdout).not.toMatch(raw);
    expect(parseCsv(batch.stdout)[1]![2]).toBe('\\x1b]0;pwned\\x07\\x1b[2J\\rok');
    const saved = await runCli(['batch', '-', '--at', AT, '--json'], { stdin: JSON.stringify({ id, endpoint: V2V, input: { resolution: '720p' } }) });
    const file = join(mkdtempSync(join(tmpdir(), 'fal-budget-csv-')), 'saved.json');
    writeFileSync(file, saved.stdout);
    const compared = await runCli(['batch', '-', '--at', AT, '--format', 'csv', '--compare-to', file], { stdin: JSON.stringify({ id, endpoint: V2V, input: { resolution: '1080p' } }) });
    expect(compared.code).toBe(0);
    expect(compared.stdout).not.toMatch(raw);
    expect(parseCsv(compared.stdout)[1]![1]).toBe('\\x1b]0;pwned\\x07\\x1b[2J\\rok');
  });

  it('lists every line by default (like JSON), --items limits it, and money has no thousands separators', async () => {
    const many = Array.from({ length: 1000 }, (_, index) => JSON.stringify({ id: index, endpoint: V2V, count: 1000, input: { resolution: '1080p', hdr: true, exr_export: true, duration: '10s' } })).join('\n');
    const all = parseCsv((await runCli(['batch', '-', '--at', AT, '--format', 'csv'], { stdin: many })).stdout);
    expect(all).toHaveLength(1002);
    expect(all[1]![12]).toBe('12960.00');
    expect(all[1001]).toEqual(['total', '', '', '', '', '', '', '1000000', '', '', '', '', '12960000.00', 'false', '', '', '']);
    const some = parseCsv((await runCli(['batch', '-', '--at', AT, '--format', 'csv', '--items', '2'], { stdin: many })).stdout);
    expect(some.map((row) => row[0])).toEqual(['row', 'quoted', 'quoted', 'total']);
    expect(some[3]![12]).toBe('12960000.00');
  });

  it('streams: rows come out while the plan is still being written', async () => {
    const child = spawn(process.execPath, [CLI, 'batch', '-', '--at', AT, '--format', 'csv'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    const firstOutput = new Promise<void>((resolve) => child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      resolve();
    }));
    let written = 0;
    let sawOutput = false;
    void firstOutput.then(() => (sawOutput = true));
    const line = `${JSON.stringify({ endpoint: V2V, input: { resolution: '720p' } })}\n`;
    // Well over the 64 KB the CLI gathers before a write, but a bounded amount: a CLI that
    // buffered the whole file would never answer, and this loop ends instead of hanging.
    while (!sawOutput && written < 20_000) {
      const more = Array.from({ length: 200 }, () => line).join('');
      if (!child.stdin.write(more)) await new Promise((resolve) => child.stdin.once('drain', resolve));
      written += 200;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sawOutput).toBe(true);
    expect(written).toBeLessThan(20_000);
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const rows = parseCsv(stdout);
    expect(rows).toHaveLength(written + 2);
    // $1.08 a line, in integer cents.
    const cents = BigInt(written) * 108n;
    expect(rows.at(-1)![12]).toBe(`${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`);
  });
});
