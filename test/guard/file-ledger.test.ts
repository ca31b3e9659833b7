import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import { fileLedger, LedgerUnavailableError } from '../../src/index.js';
import { describeLedgerContract } from '../support/ledger-contract.js';

const WORKER = fileURLToPath(new URL('./support/file-ledger-worker.ts', import.meta.url));
const NOW = 1_800_000_000_000;
const directories: string[] = [];
const children: ChildProcess[] = [];

function ledgerPath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'fal-budget-ledger-'));
  directories.push(directory);
  return join(directory, 'ledger.json');
}

function worker(...args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

/** Resolves with everything the process printed once it exits successfully. */
function finished(child: ChildProcess): Promise<string> {
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

/** Resolves once the process has printed a line matching `pattern`. */
function printed(child: ChildProcess, pattern: RegExp): Promise<void> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (pattern.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code} before printing ${pattern}: ${out}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const hold = (holdId: string, amount: string, limit = '10.00', now = NOW) =>
  ({ holdId, amount, budgets: [{ key: 'g', limit }], expiresAt: now + 60_000, now });

describeLedgerContract('fileLedger', () => fileLedger({ path: ledgerPath() }));

describe('file ledger', () => {
  it('survives a restart: a new instance reads what the last one wrote; the file is 0600 and written whole', async () => {
    const path = ledgerPath();
    const first = fileLedger({ path });
    await first.reserve(hold('a', '2.16'));
    await first.reserve(hold('b', '4.32'));
    await first.commit('a', NOW);
    const second = fileLedger({ path });
    expect(await second.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '2.16', reserved: '4.32' }]);
    expect(await second.commit('a', NOW)).toBe('already_committed');
    expect(await second.release('b', NOW)).toBe('released');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // No temp or lock file is left behind.
    expect(readdirSync(join(path, '..'))).toEqual(['ledger.json']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ format: 'fal-budget-ledger', version: 2, budgets: { g: { spent: '2.16', reserved: '0.00' } } });
  });

  it('two OS processes hammering one file never overspend: spent is exact at the end', async () => {
    const path = ledgerPath();
    const workers = [worker('hammer', path, '120', '0.10', '5.00'), worker('hammer', path, '120', '0.10', '5.00')];
    const runs = workers.map(finished);
    await Promise.all(workers.map((child) => printed(child, /ready/)));
    writeFileSync(`${path}.go`, '');
    const reports = (await Promise.all(runs)).map((out) => JSON.parse(out.trim().split('\n').pop()!) as { committed: string[]; refused: number });
    const committed = reports.flatMap((report) => report.committed);
    // 5.00 / 0.10 = 50 commits fit, and 240 attempts are more than enough to reach them.
    expect(committed).toHaveLength(50);
    expect(new Set(committed).size).toBe(50);
    expect(reports.every((report) => report.committed.length > 0)).toBe(true);
    expect(await fileLedger({ path }).usage(['shared'], NOW)).toEqual([{ key: 'shared', spent: '5.00', reserved: '0.00' }]);
  });

  it('a process killed with SIGKILL mid-run leaves a readable, consistent ledger', async () => {
    const path = ledgerPath();
    for (let round = 0; round < 3; round += 1) {
      const child = worker('forever', path, '0.01', '1000.00');
      await printed(child, new RegExp(`ops ${20 + round * 30}\\b`));
      await killed(child);
      // Every operation works again (a lock left behind is recovered) and the state adds up.
      const ledger = fileLedger({ path, lockTimeoutMs: 5_000 });
      const [usage] = await ledger.usage(['shared'], NOW);
      expect(new Decimal(usage!.spent).plus(usage!.reserved).lte('1000.00')).toBe(true);
      expect(await ledger.reserve({ ...hold(`after-${round}`, '0.01', '1000.00'), budgets: [{ key: 'shared', limit: '1000.00' }] })).toEqual({ ok: true });
      const state = JSON.parse(readFileSync(path, 'utf8')) as { holds: Record<string, { amount: string; status: string; keys: string[] }> };
      const open = Object.values(state.holds).filter((entry) => entry.status === 'held').reduce((sum, entry) => sum.plus(entry.amount), new Decimal(0));
      expect((await ledger.usage(['shared'], NOW))[0]!.reserved).toBe(open.toFixed(2));
    }
  });

  it('recovers the lock of a killed holder; waits for a live one, then fails closed', async () => {
    const path = ledgerPath();
    const holder = worker('hold-lock', path);
    await printed(holder, /locked/);
    const ledger = fileLedger({ path, lockTimeoutMs: 300 });
    const waited = await ledger.usage(['g'], NOW).catch((error: unknown) => error);
    expect(waited).toBeInstanceOf(LedgerUnavailableError);
    expect((waited as LedgerUnavailableError).message).toMatch(new RegExp(`could not lock ledger file .*ledger\\.json within 300 ms \\(held by pid ${holder.pid}`));
    await killed(holder);
    expect(existsSync(`${path}.lock`)).toBe(true);
    expect(await ledger.reserve(hold('a', '1.00'))).toEqual({ ok: true });
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  describe('a corrupt or unreadable file is refused loudly, never reset', () => {
    const valid = {
      format: 'fal-budget-ledger', version: 2, journal: [],
      budgets: { g: { spent: '1.00', reserved: '2.00' } },
      holds: { a: { amount: '2.00', keys: ['g'], expiresAt: NOW + 60_000, status: 'held' } },
    };
    const cases: Array<[string, string, RegExp]> = [
      ['not JSON', '{"format": "fal-budget-ledger", "budg', /not valid JSON/],
      ['empty', '', /the file is empty/],
      ['money as a JSON number', JSON.stringify({ ...valid, budgets: { g: { spent: 1, reserved: '2.00' } } }), /at \$\.budgets\.g\.spent/],
      ['a negative amount', JSON.stringify({ ...valid, holds: { a: { ...valid.holds.a, amount: '-2.00' } } }), /at \$\.holds\.a\.amount: must be a decimal string/],
      ['reserved that its holds do not add up to', JSON.stringify({ ...valid, budgets: { g: { spent: '1.00', reserved: '0.00' } } }), /says \$0\.00 reserved but its open holds add up to \$2\.00/],
      ['another format', JSON.stringify({ ...valid, format: 'something-else' }), /at \$\.format/],
    ];
    for (const [name, text, reason] of cases) {
      it(name, async () => {
        const path = ledgerPath();
        writeFileSync(path, text);
        const ledger = fileLedger({ path });
        for (const operation of [() => ledger.reserve(hold('b', '1.00')), () => ledger.usage(['g'], NOW), () => ledger.commit('a', NOW)]) {
          const error = await operation().catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(LedgerUnavailableError);
          expect(error).toMatchObject({ code: 'ledger_unavailable', ledger: 'file', location: path });
          expect((error as Error).message).toContain(`ledger file ${path} is corrupt`);
          expect((error as Error).message).toMatch(reason);
        }
        expect(readFileSync(path, 'utf8')).toBe(text);
      });
    }

    it('a path that cannot be read as a file', async () => {
      const path = ledgerPath();
      mkdirSync(path);
      const error = await fileLedger({ path }).usage(['g'], NOW).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LedgerUnavailableError);
      expect((error as Error).message).toContain(`cannot read ledger file ${path}`);
    });

    it('a directory that does not exist', async () => {
      const path = join(ledgerPath(), '..', 'missing', 'ledger.json');
      const error = await fileLedger({ path }).reserve(hold('a', '1.00')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LedgerUnavailableError);
    });
  });
});
