import { existsSync } from 'node:fs';
import type { Ledger } from '../../../core/budget/ledger-types.js';
import { fileLedger } from '../../../guard/ledgers/file-ledger.js';
import { redisLedger } from '../../../guard/ledgers/redis-ledger.js';
import { CliError } from '../../cli-error.js';

/** --ledger: a redis:// or rediss:// URL, or the path of a ledger file that must already exist. */
export function openLedger(where: string): Ledger {
  if (/^rediss?:\/\//.test(where)) return redisLedger({ url: where, timeoutMs: 10_000 });
  // fileLedger would start an empty file; a mistyped path must not read as "no spend at all".
  if (!existsSync(where)) throw new CliError('unreadable_input', `--ledger ${where}: no such ledger file (give a file path or a redis:// URL)`);
  return fileLedger({ path: where });
}
