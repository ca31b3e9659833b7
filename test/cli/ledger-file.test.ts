import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockLedger } from '../../src/guard/ledgers/file-ledger-lock.js';
import { type JournalEntry } from '../../src/index.js';
import { fileLedger } from '../../src/node.js';
import { ensureBuilt, failureLine, runCli, type CliResult } from './support/cli.js';
import { fillLedger, T2V } from './support/ledger-fill.js';
import { journalOf as journalOfLedger } from '../support/journal.js';

const root = mkdtempSync(join(tmpdir(), 'fal-budget-cli-ledger-'));
const LEDGER = join(root, 'ledger.json');

beforeAll(async () => {
  ensureBuilt();
  await fillLedger(fileLedger({ path: LEDGER }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The one line that depends on the clock: when the CLI read the ledger. */
const asOfNow = (text: string) => text.replace(/as of \d{4}-\d\d-\d\dT[\d:.]+Z/, 'as of <now>');

/** An exit-4 failure (the ledger is unavailable): one line on stderr, nothing on stdout. */
function unavailableLine(result: CliResult): string {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 4, stdout: '' });
  expect(result.stderr).toMatch(/^fal-budget: [^\n]+\n$/);
  return result.stderr.trimEnd();
}

function journalOf(path: string): Promise<JournalEntry[]> {
  return journalOfLedger(fileLedger({ path, readOnly: true }));
}

describe('ledger status on a file ledger', () => {
  it('every budget key: limit, spent, reserved, remaining, open holds, a bar, the window end', async () => {
    const result = await runCli(['ledger', 'status', '--ledger', LEDGER]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The user-7 hold of 2026-11-25 was due at 10:30 that day and nobody settled it: it counts as
    // spent ($1.00 in "total" and in user 7's 2026-11-25 day), though the file still says held.
    expect(asOfNow(result.stdout).replaceAll(LEDGER, '<ledger>')).toMatchInlineSnapshot(`
      "Ledger file <ledger>, as of <now> (USD)
      ┌───────────────────────────────────────────┬─────────┬───────┬──────────┬───────────┬────────────┬─────────────────────────────┬──────────────────────────┐
      │ Budget key                                │   Limit │ Spent │ Reserved │ Remaining │ Open holds │ Used                        │ Window ends              │
      ├───────────────────────────────────────────┼─────────┼───────┼──────────┼───────────┼────────────┼─────────────────────────────┼──────────────────────────┤
      │ per-user-daily/user=42/day=2026-11-24@UTC │   $5.00 │ $4.00 │    $1.00 │     $0.00 │          1 │ ████████████████▒▒▒▒ 100.0% │ 2026-11-25T00:00:00.000Z │
      │ per-user-daily/user=42/day=2026-11-25@UTC │   $5.00 │ $0.50 │    $0.00 │     $4.50 │          0 │ ██··················  10.0% │ 2026-11-26T00:00:00.000Z │
      │ per-user-daily/user=7/day=2026-11-24@UTC  │   $5.00 │ $1.00 │    $0.00 │     $4.00 │          0 │ ████················  20.0% │ 2026-11-25T00:00:00.000Z │
      │ per-user-daily/user=7/day=2026-11-25@UTC  │   $5.00 │ $1.00 │    $0.00 │     $4.00 │          0 │ ████················  20.0% │ 2026-11-26T00:00:00.000Z │
      │ per-user-daily/user=9/day=2026-11-24@UTC  │   $5.00 │ $0.00 │    $2.00 │     $3.00 │          1 │ ▒▒▒▒▒▒▒▒············  40.0% │ 2026-11-25T00:00:00.000Z │
      │ total                                     │ $100.00 │ $6.50 │    $3.00 │    $90.50 │          2 │ █···················   9.5% │                          │
      └───────────────────────────────────────────┴─────────┴───────┴──────────┴───────────┴────────────┴─────────────────────────────┴──────────────────────────┘
      █ spent  ▒ reserved  · free; used = (spent + reserved) / limit, rounded down to 0.1%
      "
    `);
  });

  it('--json: the same figures as decimal strings, null where there is no limit or window', async () => {
    const result = await runCli(['ledger', 'status', '--ledger', LEDGER, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ledger).toEqual({ kind: 'file', location: LEDGER });
    expect(Date.parse(report.at)).toBeGreaterThan(Date.parse('2026-11-25T10:30:00Z'));
    expect(report.keys).toMatchInlineSnapshot(`
      [
        {
          "key": "per-user-daily/user=42/day=2026-11-24@UTC",
          "limit": "5.00",
          "openHolds": 1,
          "remaining": "0.00",
          "reserved": "1.00",
          "spent": "4.00",
          "windowEndsAt": "2026-11-25T00:00:00.000Z",
        },
        {
          "key": "per-user-daily/user=42/day=2026-11-25@UTC",
          "limit": "5.00",
          "openHolds": 0,
          "remaining": "4.50",
          "reserved": "0.00",
          "spent": "0.50",
          "windowEndsAt": "2026-11-26T00:00:00.000Z",
        },
        {
          "key": "per-user-daily/user=7/day=2026-11-24@UTC",
          "limit": "5.00",
          "openHolds": 0,
          "remaining": "4.00",
          "reserved": "0.00",
          "spent": "1.00",
          "windowEndsAt": "2026-11-25T00:00:00.000Z",
        },
        {
          "key": "per-user-daily/user=7/day=2026-11-25@UTC",
          "limit": "5.00",
          "openHolds": 0,
          "remaining": "4.00",
          "reserved": "0.00",
          "spent": "1.00",
          "windowEndsAt": "2026-11-26T00:00:00.000Z",
        },
        {
          "key": "per-user-daily/user=9/day=2026-11-24@UTC",
          "limit": "5.00",
          "openHolds": 1,
          "remaining": "3.00",
          "reserved": "2.00",
          "spent": "0.00",
          "windowEndsAt": "2026-11-25T00:00:00.000Z",
        },
        {
          "key": "total",
          "limit": "100.00",
          "openHolds": 2,
          "remaining": "90.50",
          "reserved": "3.00",
          "spent": "6.50",
          "windowEndsAt": null,
        },
      ]
    `);
  });

  it('--format markdown', async () => {
    const result = await runCli(['ledger', 'status', '--ledger', LEDGER, '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(asOfNow(result.stdout).replaceAll(LEDGER, '<ledger>')).toMatchInlineSnapshot(`
      "### Ledger file \`<ledger>\`, as of <now> (USD)

      | Budget key | Limit | Spent | Reserved | Remaining | Open holds | Used | Window ends |
      | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |
      | \`per-user-daily/user=42/day=2026-11-24@UTC\` | $5.00 | $4.00 | $1.00 | $0.00 | 1 | 100.0% | 2026-11-25T00:00:00.000Z |
      | \`per-user-daily/user=42/day=2026-11-25@UTC\` | $5.00 | $0.50 | $0.00 | $4.50 | 0 | 10.0% | 2026-11-26T00:00:00.000Z |
      | \`per-user-daily/user=7/day=2026-11-24@UTC\` | $5.00 | $1.00 | $0.00 | $4.00 | 0 | 20.0% | 2026-11-25T00:00:00.000Z |
      | \`per-user-daily/user=7/day=2026-11-25@UTC\` | $5.00 | $1.00 | $0.00 | $4.00 | 0 | 20.0% | 2026-11-26T00:00:00.000Z |
      | \`per-user-daily/user=9/day=2026-11-24@UTC\` | $5.00 | $0.00 | $2.00 | $3.00 | 1 | 40.0% | 2026-11-25T00:00:00.000Z |
      | \`total\` | $100.00 | $6.50 | $3.00 | $90.50 | 2 | 9.5% |  |

      _Used = (spent + reserved) / limit, rounded down to 0.1%. — = no limit recorded._
      "
    `);
  });

  it('an empty ledger file says so', async () => {
    const empty = join(root, 'empty.json');
    // A read writes nothing, so the file is made by a write that leaves it without a single key:
    // a hold on no budget.
    const now = Date.parse('2026-11-24T00:00:00Z');
    await fileLedger({ path: empty }).reserve({ holdId: 'no-budget', amount: '0', budgets: [], now, expiresAt: now + 1000 });
    expect(statSync(empty).isFile()).toBe(true);
    const result = await runCli(['ledger', 'status', '--ledger', empty]);
    expect(result.code).toBe(0);
    expect(asOfNow(result.stdout).replaceAll(empty, '<ledger>')).toBe('Ledger file <ledger>, as of <now> (USD)\nNo budget keys: nothing has been reserved in this ledger.\n');
  });
});

describe('ledger journal on a file ledger', () => {
  it('streams every entry as JSONL, exactly as Ledger.journal() gives it', async () => {
    const result = await runCli(['ledger', 'journal', '--ledger', LEDGER]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual(await journalOf(LEDGER));
    expect(lines.map((entry) => [new Date(entry.at).toISOString(), entry.outcome, entry.amount, entry.endpoint, entry.scope])).toEqual([
      ['2026-11-24T10:00:00.000Z', 'committed', '4.00', T2V, { user: '42' }],
      ['2026-11-24T10:01:00.000Z', 'released', '1.00', T2V, { user: '7' }],
      ['2026-11-25T09:00:00.000Z', 'expired', '1.00', T2V, { user: '7' }],
      ['2026-11-25T09:00:00.000Z', 'committed', '0.50', 'luma/agent/ray/v3.2/image-to-video', { user: '42' }],
    ]);
    expect(lines[0]).toMatchObject({ provider: 'fal', pricingVersion: '2026-11-21', pricingSha256: expect.stringMatching(/^[0-9a-f]{64}$/), budgets: ['total', 'per-user-daily/user=42/day=2026-11-24@UTC'] });
  });

  it('--since (inclusive) and --until (exclusive) select by settlement time, with the strict date parser', async () => {
    const day = await runCli(['ledger', 'journal', '--ledger', LEDGER, '--since', '2026-11-24', '--until', '2026-11-25']);
    expect(day.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).outcome)).toEqual(['committed', 'released']);
    const from = await runCli(['ledger', 'journal', '--ledger', LEDGER, '--since', '2026-11-24T10:01:00Z']);
    expect(from.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).outcome)).toEqual(['released', 'expired', 'committed']);
    const before = await runCli(['ledger', 'journal', '--ledger', LEDGER, '--until', '2026-11-24T11:01:00+01:00']);
    expect(before.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).outcome)).toEqual(['committed']);
    const none = await runCli(['ledger', 'journal', '--ledger', LEDGER, '--since', '2026-12-01']);
    expect(none).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--format table: totals per day and endpoint, per endpoint, and overall; expired counts as spent', async () => {
    const result = await runCli(['ledger', 'journal', '--ledger', LEDGER, '--format', 'table']);
    expect(result.code).toBe(0);
    expect(result.stdout.replaceAll(LEDGER, '<ledger>')).toMatchInlineSnapshot(`
      "Journal of ledger file <ledger> (all retained): 4 entries, settled 2026-11-24T10:00:00.000Z to 2026-11-25T09:00:00.000Z
      Per day and endpoint (USD):
      ┌────────────┬────────────────────────────────────┬───────────┬───────────┬───────────┬───────┐
      │ Day (UTC)  │ Endpoint                           │ Committed │   Expired │  Released │ Spent │
      ├────────────┼────────────────────────────────────┼───────────┼───────────┼───────────┼───────┤
      │ 2026-11-24 │ luma/agent/ray/v3.2/text-to-video  │ 1 · $4.00 │ 0 · $0.00 │ 1 · $1.00 │ $4.00 │
      │ 2026-11-25 │ luma/agent/ray/v3.2/image-to-video │ 1 · $0.50 │ 0 · $0.00 │ 0 · $0.00 │ $0.50 │
      │ 2026-11-25 │ luma/agent/ray/v3.2/text-to-video  │ 0 · $0.00 │ 1 · $1.00 │ 0 · $0.00 │ $1.00 │
      └────────────┴────────────────────────────────────┴───────────┴───────────┴───────────┴───────┘
      Per endpoint:
      ┌────────────────────────────────────┬───────────┬───────────┬───────────┬───────┐
      │ Endpoint                           │ Committed │   Expired │  Released │ Spent │
      ├────────────────────────────────────┼───────────┼───────────┼───────────┼───────┤
      │ luma/agent/ray/v3.2/image-to-video │ 1 · $0.50 │ 0 · $0.00 │ 0 · $0.00 │ $0.50 │
      │ luma/agent/ray/v3.2/text-to-video  │ 1 · $4.00 │ 1 · $1.00 │ 1 · $1.00 │ $5.00 │
      │ Total (USD)                        │ 2 · $4.50 │ 1 · $1.00 │ 1 · $1.00 │ $5.50 │
      └────────────────────────────────────┴───────────┴───────────┴───────────┴───────┘
      Each cell: holds · amount. Spent = committed + expired: a hold nobody settled counts as spent, since fal may have billed it.
      "
    `);
  });

  it('--format markdown, and --json as one document', async () => {
    const markdown = await runCli(['ledger', 'journal', '--ledger', LEDGER, '--format', 'markdown', '--since', '2026-11-25']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout.replaceAll(LEDGER, '<ledger>')).toMatchInlineSnapshot(`
      "### Journal of ledger file \`<ledger>\` (since 2026-11-25T00:00:00.000Z): 2 entries, settled 2026-11-25T09:00:00.000Z to 2026-11-25T09:00:00.000Z

      | Day (UTC) | Endpoint | Committed | Expired | Released | Spent |
      | --- | --- | ---: | ---: | ---: | ---: |
      | 2026-11-25 | \`luma/agent/ray/v3.2/image-to-video\` | 1 · $0.50 | 0 · $0.00 | 0 · $0.00 | $0.50 |
      | 2026-11-25 | \`luma/agent/ray/v3.2/text-to-video\` | 0 · $0.00 | 1 · $1.00 | 0 · $0.00 | $1.00 |

      | Endpoint | Committed | Expired | Released | Spent |
      | --- | ---: | ---: | ---: | ---: |
      | \`luma/agent/ray/v3.2/image-to-video\` | 1 · $0.50 | 0 · $0.00 | 0 · $0.00 | $0.50 |
      | \`luma/agent/ray/v3.2/text-to-video\` | 0 · $0.00 | 1 · $1.00 | 0 · $0.00 | $1.00 |
      | **Total (USD)** | 1 · $0.50 | 1 · $1.00 | 0 · $0.00 | **$1.50** |

      _Each cell: holds · amount (USD). Spent = committed + expired: a hold nobody settled counts as spent, since fal may have billed it._
      "
    `);
    const json = await runCli(['ledger', 'journal', '--ledger', LEDGER, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ entries: 4, since: null, until: null, first: '2026-11-24T10:00:00.000Z', last: '2026-11-25T09:00:00.000Z' });
    expect(report.total).toEqual({
      committed: { count: 2, amount: '4.50' }, expired: { count: 1, amount: '1.00' }, released: { count: 1, amount: '1.00' }, spent: '5.50',
    });
  });

  it('sums exactly: amounts to the nano-dollar, where a JS number would drift', async () => {
    const path = join(root, 'exact.json');
    const ledger = fileLedger({ path });
    const now = Date.parse('2026-11-24T12:00:00Z');
    for (const [index, amount] of ['0.10', '0.20', '0.000000003', '8999999.60'].entries()) {
      const holdId = `exact-${index}`;
      await ledger.reserve({ holdId, amount, budgets: [{ key: 'total', limit: '9000000.00' }], expiresAt: now + 3_600_000, now, details: { endpoint: T2V } });
      await ledger.commit(holdId, now + index);
    }
    const json = JSON.parse((await runCli(['ledger', 'journal', '--ledger', path, '--json'])).stdout);
    expect(json.total.committed).toEqual({ count: 4, amount: '8999999.900000003' });
    // What a JS number makes of the first three:
    expect(String(0.1 + 0.2 + 0.000000003)).toBe('0.30000000300000007');
    const status = JSON.parse((await runCli(['ledger', 'status', '--ledger', path, '--json'])).stdout);
    expect(status.keys).toEqual([{ key: 'total', limit: '9000000.00', spent: '8999999.900000003', reserved: '0.00', remaining: '0.099999997', openHolds: 0, windowEndsAt: null }]);
  });
});

describe('read-only: the ledger file is never written, locked or replaced', () => {
  /** Every file under `dir` (a ledger may keep more than one): bytes, mtime and inode. */
  function snapshot(dir: string): Record<string, { bytes: string; mtimeMs: number; ino: number }> {
    const files: Record<string, { bytes: string; mtimeMs: number; ino: number }> = {};
    for (const name of readdirSync(dir, { recursive: true }) as string[]) {
      const path = join(dir, name);
      const stat = statSync(path);
      files[name] = { bytes: stat.isFile() ? readFileSync(path, 'base64') : '(directory)', mtimeMs: stat.mtimeMs, ino: stat.ino };
    }
    return files;
  }

  it('every byte, mtime and inode under the ledger\'s directory is unchanged after every command and format', async () => {
    const dir = join(root, 'untouched');
    mkdirSync(dir);
    const path = join(dir, 'ledger.json');
    await fillLedger(fileLedger({ path }));
    // The user-7 hold of 2026-11-25 is past its expiry but no operation has expired it: an
    // inspect through the locked read-modify-write would settle it, journal it and rewrite.
    const beforeDue = await fileLedger({ path, readOnly: true }).inspect(Date.parse('2026-11-25T10:00:00Z'));
    expect(beforeDue.find((key) => key.key === 'per-user-daily/user=7/day=2026-11-25@UTC')).toMatchObject({ reserved: '1.00', openHolds: 1 });
    const before = snapshot(dir);
    for (const args of [['status'], ['status', '--json'], ['status', '--format', 'markdown'], ['journal'], ['journal', '--format', 'table'], ['journal', '--json']]) {
      const result = await runCli(['ledger', ...args, '--ledger', path]);
      expect(result.code).toBe(0);
      expect(snapshot(dir)).toEqual(before);
    }
  });

  it('answers while the app holds the ledger\'s lock (it takes no lock of its own)', async () => {
    const lock = await lockLedger(LEDGER, { timeoutMs: 1000, staleMs: 600_000 });
    try {
      const status = await runCli(['ledger', 'status', '--ledger', LEDGER, '--json']);
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout).keys).toHaveLength(6);
      const journal = await runCli(['ledger', 'journal', '--ledger', LEDGER]);
      expect(journal.code).toBe(0);
      expect(lock.held).toBe(true);
    } finally {
      await lock.release();
    }
  });

  it('the read-only open refuses every operation that moves money', async () => {
    const ledger = fileLedger({ path: LEDGER, readOnly: true });
    const now = Date.now();
    await expect(ledger.reserve({ holdId: 'x', amount: '1.00', budgets: [{ key: 'total', limit: '100.00' }], expiresAt: now + 1000, now }))
      .rejects.toThrow(`ledger file ${LEDGER} is open read-only: reserve is refused`);
    await expect(ledger.commit('x', now)).rejects.toMatchObject({ name: 'LedgerUnavailableError', code: 'ledger_unavailable' });
    await expect(ledger.settleRequest('r', 'release', now)).rejects.toMatchObject({ name: 'LedgerUnavailableError' });
    expect(() => fileLedger({ path: LEDGER, readOnly: 'yes' as unknown as boolean })).toThrow('readOnly: must be true or false (got yes)');
  });
});

describe('bad --ledger values and flags', () => {
  it('no such file, a directory, another URL scheme, --prefix on a file: exit 2 naming the flag', async () => {
    const directory = join(root, 'a-directory');
    mkdirSync(directory, { recursive: true });
    const missing = join(root, 'missing.json');
    expect(failureLine(await runCli(['ledger', 'status', '--ledger', missing]))).toBe(`fal-budget: --ledger: no ledger file at ${missing}`);
    expect(failureLine(await runCli(['ledger', 'journal', '--ledger', join(LEDGER, 'inside')]))).toBe(`fal-budget: --ledger: no ledger file at ${join(LEDGER, 'inside')}`);
    expect(failureLine(await runCli(['ledger', 'status', '--ledger', directory]))).toBe(`fal-budget: --ledger: ${directory} is a directory, not a ledger file`);
    expect(failureLine(await runCli(['ledger', 'status', '--ledger', 'https://example.com/ledger.json'])))
      .toBe('fal-budget: --ledger: a https:// URL is not a ledger; give a file path or a redis:// or rediss:// URL');
    expect(failureLine(await runCli(['ledger', 'status', '--ledger', LEDGER, '--prefix', 'myapp'])))
      .toBe('fal-budget: --prefix: only a Redis ledger has a prefix (--ledger names a file)');
    expect(failureLine(await runCli(['ledger', 'status', '--ledger', '']))).toBe('fal-budget: --ledger: give a ledger file path or a redis:// URL');
  });

  it('bad dates and formats: exit 2 before the ledger is opened', async () => {
    expect(failureLine(await runCli(['ledger', 'journal', '--ledger', LEDGER, '--since', '2026-02-30'])))
      .toBe('fal-budget: --since: expected a real date like 2026-11-24 or a date-time with offset like 2026-11-24T12:00:00Z (got "2026-02-30")');
    expect(failureLine(await runCli(['ledger', 'journal', '--ledger', LEDGER, '--until', '2026-11-24T12:00:00'])))
      .toMatch(/^fal-budget: --until: expected a real date/);
    expect(failureLine(await runCli(['ledger', 'journal', '--ledger', join(root, 'missing.json'), '--since', '2026-11-25', '--until', '2026-11-24'])))
      .toBe('fal-budget: --since 2026-11-25 is not before --until 2026-11-24: the range [since, until) would be empty');
    expect(failureLine(await runCli(['ledger', 'status', '--ledger', LEDGER, '--json', '--format', 'markdown'])))
      .toBe('fal-budget: --json and --format markdown contradict each other: give one (see fal-budget --help)');
    expect(failureLine(await runCli(['ledger', 'journal', '--ledger', LEDGER, '--json', '--format', 'jsonl'])))
      .toBe('fal-budget: --json and --format jsonl contradict each other: give one (see fal-budget --help)');
    expect(failureLine(await runCli(['ledger', 'status', '--ledger', LEDGER, '--format', 'jsonl']))).toMatch(/^fal-budget: Invalid values:/);
    expect(failureLine(await runCli(['ledger', 'status']))).toBe('fal-budget: Missing required argument: ledger (see fal-budget --help)');
    expect(failureLine(await runCli(['ledger']))).toBe('fal-budget: name a ledger command: status or journal (see fal-budget --help)');
    expect(failureLine(await runCli(['ledger', 'status', '--ledger', LEDGER, '--ledger', LEDGER]))).toBe('fal-budget: --ledger was given 2 times: give it once (see fal-budget --help)');
  });

  it('a corrupt ledger file: exit 4 (unavailable), nothing on stdout, the file left as it was', async () => {
    const corrupt = join(root, 'corrupt.json');
    writeFileSync(corrupt, '{"format": "fal-budget-ledger", "version": 2, "budgets": {"total": {"spent": 1.5');
    // The file ledger's own words (pinned in its tests), on one line, exit 4.
    expect(unavailableLine(await runCli(['ledger', 'status', '--ledger', corrupt]))).toMatch(`fal-budget: ledger file ${corrupt} is corrupt`);
    expect(unavailableLine(await runCli(['ledger', 'journal', '--ledger', corrupt, '--format', 'table']))).toMatch(`ledger file ${corrupt} is corrupt`);
    expect(readFileSync(corrupt, 'utf8')).toBe('{"format": "fal-budget-ledger", "version": 2, "budgets": {"total": {"spent": 1.5');
  });
});
