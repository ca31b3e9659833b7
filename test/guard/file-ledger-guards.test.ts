import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/core/budget/ledger-types.js';
import { createBudgetGuard } from '../../src/index.js';
import { fileLedger } from '../../src/node.js';
import { FakeFal } from '../fal/support/fake-fal.js';
import { journalOf as journalOfLedger } from '../support/journal.js';
import { finished, ledgerPath, worker } from './support/file-ledger-processes.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';

/**
 * Two instances of an app behind a load balancer, as two OS processes sharing one ledger file:
 * each runs a budget guard around the real @fal-ai/client, whose fetch reaches a fake of fal's
 * queue on 127.0.0.1. The request id -> hold link lives in the file, so the instance that did not
 * submit settles the hold.
 */
describe('file ledger: a hold settles from the other process', () => {
  let fake: FakeFal;
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    fake = new FakeFal();
    ({ server, origin } = await fake.listen());
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function submitted(path: string, prompt: string): Promise<string> {
    const requestId = (await finished(worker('guard-submit', path, origin, prompt))).trim();
    expect(requestId).toMatch(/^req-\d+$/);
    return requestId;
  }

  function journalOf(path: string): Promise<JournalEntry[]> {
    return journalOfLedger(fileLedger({ path, readOnly: true }));
  }

  const status = (path: string) => createBudgetGuard({ limit: '100.00', ledger: fileLedger({ path }), onWarning: () => {} }).status();

  it('submit in one process, result in the other: committed, and journaled with the request id', async () => {
    const path = ledgerPath();
    const requestId = await submitted(path, 'a cat surfing');
    expect(await status(path)).toMatchObject({ spent: '0.00', reserved: '4.32' });
    expect(await fileLedger({ path }).linkOf(requestId, Date.now())).toMatchObject({ requestId, status: 'held' });
    expect(await finished(worker('guard-result', path, origin, requestId))).toBe('result ok\n');
    expect(await status(path)).toMatchObject({ spent: '4.32', reserved: '0.00' });
    expect(await journalOf(path)).toMatchObject([{ outcome: 'committed', amount: '4.32', requestId, endpoint: V2V, provider: 'fal', pricingVersion: expect.any(String) }]);
  });

  it('a 5xx with fal\'s JSON error body, seen by the other process, releases the hold', async () => {
    const path = ledgerPath();
    const requestId = await submitted(path, 'fate:fail_500');
    expect(await status(path)).toMatchObject({ spent: '0.00', reserved: '4.32' });
    expect(await finished(worker('guard-result', path, origin, requestId))).toBe('result failed 500\n');
    expect(await status(path)).toMatchObject({ spent: '0.00', reserved: '0.00' });
    expect(await journalOf(path)).toMatchObject([{ outcome: 'released', amount: '4.32', requestId }]);
  });
});
