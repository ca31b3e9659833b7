import { memoryLedger } from '../src/guard/ledgers/memory-ledger.js';
import { describeLedgerContract } from './support/ledger-contract.js';

// The reference: the memory ledger is the pure state machine of src/core/budget/ledger-state.ts.
describeLedgerContract('memoryLedger', () => memoryLedger());
