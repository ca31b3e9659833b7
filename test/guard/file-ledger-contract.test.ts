import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { fileLedger } from '../../src/node.js';
import { describeLedgerContract } from '../support/ledger-contract.js';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function ledgerPath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'fal-budget-contract-'));
  directories.push(directory);
  return join(directory, 'ledger.jsonl');
}

describeLedgerContract('fileLedger', () => fileLedger({ path: ledgerPath() }));
// Compacting after every few records: the contract holds across snapshots too.
describeLedgerContract('fileLedger, compacting constantly', () => fileLedger({ path: ledgerPath(), compactAfterBytes: 1 }));
