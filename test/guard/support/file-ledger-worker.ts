// A separate OS process using the file ledger, driven by file-ledger.test.ts.
//   hammer <file> <attempts> <amount> <limit>  reserve, then commit two in three and release the rest
//   forever <file> <amount> <limit>            reserve and commit until killed, reporting progress
//   hold-lock <file>                           take the ledger's lock and keep it until killed
import { existsSync } from 'node:fs';
import { acquireFileLock } from '../../../src/guard/ledgers/file-lock.js';
import { fileLedger } from '../../../src/guard/ledgers/file-ledger.js';

const [mode, file, ...rest] = process.argv.slice(2);
const now = 1_800_000_000_000;

async function main(): Promise<void> {
  if (mode === 'hold-lock') {
    await acquireFileLock(`${file}.lock`, { file: file!, timeoutMs: 10_000, staleMs: 60_000 });
    process.stdout.write('locked\n');
    setInterval(() => {}, 1_000);
    return;
  }
  const ledger = fileLedger({ path: file! });
  if (mode === 'hammer') {
    const [attempts, amount, limit] = rest as [string, string, string];
    const committed: string[] = [];
    let refused = 0;
    // Start together: wait for the test to create <file>.go once every worker is ready.
    process.stdout.write('ready\n');
    while (!existsSync(`${file}.go`)) await new Promise((resolve) => setTimeout(resolve, 1));
    for (let index = 0; index < Number(attempts); index += 1) {
      const holdId = `${process.pid}-${index}`;
      const reserved = await ledger.reserve({ holdId, amount, budgets: [{ key: 'shared', limit }], expiresAt: now + 3_600_000, now });
      if (!reserved.ok) {
        refused += 1;
        continue;
      }
      if (index % 3 === 2) {
        if ((await ledger.release(holdId, now)) !== 'released') throw new Error(`release of ${holdId} failed`);
      } else if ((await ledger.commit(holdId, now)) === 'committed') {
        committed.push(holdId);
      } else {
        throw new Error(`commit of ${holdId} failed`);
      }
    }
    process.stdout.write(`${JSON.stringify({ committed, refused })}\n`);
    return;
  }
  if (mode === 'forever') {
    const [amount, limit] = rest as [string, string];
    for (let index = 0; ; index += 1) {
      const holdId = `${process.pid}-${index}`;
      const reserved = await ledger.reserve({ holdId, amount, budgets: [{ key: 'shared', limit }], expiresAt: now + 3_600_000, now });
      if (reserved.ok && index % 2 === 0) await ledger.commit(holdId, now);
      if (reserved.ok && index % 4 === 1) await ledger.release(holdId, now);
      if (index % 10 === 0) process.stdout.write(`ops ${index}\n`);
    }
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
