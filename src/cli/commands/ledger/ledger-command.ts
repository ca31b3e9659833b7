import { renderLedgerJournal } from '../../render/ledger-journal.js';
import { renderLedgerStatus } from '../../render/ledger-status.js';
import type { LedgerInvocation } from './ledger-flags.js';
import { journalLines, journalQuery, journalSummary } from './ledger-journal.js';
import { ledgerStatus } from './ledger-status.js';
import { openLedgerForReading } from './open-ledger.js';

export interface LedgerIo {
  readonly now: () => Date;
  /** Writes to stdout with back-pressure. */
  readonly write: (text: string) => Promise<void>;
  readonly colour: boolean;
}

/** Lines are written in chunks this big: a long journal streams without a write per line. */
const CHUNK = 1 << 16;

/**
 * `fal-budget ledger status|journal`: opens the ledger read-only, reads it, prints. Flags are
 * checked before the ledger is opened; nothing is printed before the first answer, so a ledger
 * that cannot be read leaves stdout empty.
 */
export async function ledgerCommand(invocation: LedgerInvocation, io: LedgerIo): Promise<void> {
  const query = invocation.action === 'journal' ? journalQuery(invocation.flags) : undefined;
  const opened = await openLedgerForReading(invocation.flags);
  try {
    if (invocation.action === 'status') {
      await io.write(renderLedgerStatus(await ledgerStatus(opened, io.now()), invocation.format, io));
    } else if (invocation.format === 'jsonl') {
      let buffered = '';
      for await (const line of journalLines(opened, query!)) {
        buffered += line;
        if (buffered.length >= CHUNK) {
          await io.write(buffered);
          buffered = '';
        }
      }
      await io.write(buffered);
    } else {
      await io.write(renderLedgerJournal(await journalSummary(opened, query!), invocation.format, io));
    }
  } finally {
    await opened.close();
  }
}
