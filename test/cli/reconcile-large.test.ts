import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinBilling } from '../../src/cli/commands/reconcile/join-billing.js';
import { MAX_EVENTS_DOCUMENT_BYTES, readEventsFile } from '../../src/cli/commands/reconcile/read-events-file.js';
import type { ReconcileReport } from '../../src/cli/commands/reconcile/reconcile-report.js';
import { reconcileJsonPieces } from '../../src/cli/render/reconcile-json.js';
import type { BillingEvent } from '../../src/fal/platform/billing-event.js';
import { billingRow } from '../fal/support/fake-platform.js';
import { ensureBuilt, failureLine, runCli } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const T0 = Date.parse('2026-11-24T10:00:00Z');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fal-budget-reconcile-large-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (count: number) => Array.from({ length: count }, (_, index) => billingRow(`r${index}`, V2V, new Date(T0 + index * 1000).toISOString(), String(720_000_000 + index)));
const noStdin = (async function* () {})();
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const thrown = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected an error'); }, (error: Error) => error.message);

describe('--events is read line by line', () => {
  const limit = 4096;

  it('JSONL many times the document limit: every event, each line parsed alone', async () => {
    const path = write('many.jsonl', `${rows(2000).join('\n')}\n`);
    const events = await readEventsFile(path, noStdin, { maxDocumentBytes: limit });
    expect(events).toHaveLength(2000);
    expect(events[1999]).toMatchObject({ requestId: 'r1999', costNanoUsd: 720_001_999n });
  });

  it('keep drops events as they are read', async () => {
    const path = write('kept.jsonl', `${rows(100).join('\n')}\n`);
    const events = await readEventsFile(path, noStdin, { keep: (event) => event.at < T0 + 10_000 });
    expect(events.map((event) => event.requestId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
  });

  it('one document over the limit: an error naming the limit and the way out', async () => {
    const path = write('pages.json', JSON.stringify([{ billing_events: rows(100).map((row) => JSON.parse(row)) }], null, 2));
    expect(await thrown(readEventsFile(path, noStdin, { maxDocumentBytes: limit })))
      .toBe(`--events ${path}: one JSON document over 4096 bytes, the most one is read whole; save the export as JSONL (one event or page per line), which is read line by line`);
    // Under the limit, the same document is read whole.
    expect(await readEventsFile(path, noStdin)).toHaveLength(100);
  });

  it('one line over the limit: an error naming its line and the limit', async () => {
    const path = write('long-line.jsonl', `${rows(1)[0]}\n${JSON.stringify({ billing_events: rows(100).map((row) => JSON.parse(row)) })}\n`);
    expect(await thrown(readEventsFile(path, noStdin, { maxDocumentBytes: limit })))
      .toBe(`--events ${path} line 2: longer than 4096 bytes, the most one JSON document or JSONL line may be`);
  });

  it('from stdin, chunks cut anywhere (inside a character, inside a CRLF): the same events', async () => {
    const text = `${billingRow('é-1', 'owner/modèle', '2026-11-24T10:00:00Z', '1')}\r\n\r\n${billingRow('ü-2', 'owner/modèle', '2026-11-24T10:00:01Z', '2')}\r\n`;
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [1, 2, 3, 7]) {
      const chunks = (async function* () {
        for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
      })();
      const events = await readEventsFile('-', chunks);
      expect(events.map((event) => [event.requestId, event.endpointId, event.costNanoUsd])).toEqual([['é-1', 'owner/modèle', 1n], ['ü-2', 'owner/modèle', 2n]]);
    }
  });

  it('a pretty-printed document, and one that is not JSON: as before', async () => {
    const pretty = write('pretty.json', JSON.stringify({ billing_events: rows(3).map((row) => JSON.parse(row)) }, null, 2));
    expect(await readEventsFile(pretty, noStdin)).toHaveLength(3);
    const broken = write('broken.json', '[\n  {"request_id": \n');
    expect(await thrown(readEventsFile(broken, noStdin))).toBe(`--events ${broken} line 1: not JSON (unexpected end of JSON at position 1)`);
    const one = write('one-bad.json', '{"request_id":"a"}');
    expect(await thrown(readEventsFile(one, noStdin))).toBe(`--events ${one}: request a: endpoint_id: must be a non-empty string`);
  });

  it('the built CLI: a file past the limit is exit 2 naming it, never a crash', async () => {
    ensureBuilt();
    // Sparse: no disk is used; a single "line" of NULs as long as the limit and then some.
    const path = join(dir, 'huge.json');
    writeFileSync(path, '');
    truncateSync(path, MAX_EVENTS_DOCUMENT_BYTES + 1024);
    const result = await runCli(['reconcile', '--ledger', join(dir, 'none.json'), '--since', '2026-11-24', '--events', path]);
    expect(failureLine(result)).toBe(`fal-budget: --events ${path} line 1: longer than 256 MiB, the most one JSON document or JSONL line may be`);
  });
});

describe('reconcile --json is written in pieces', () => {
  /** A report of `count` billed requests nobody guarded, through the real join. */
  function report(count: number): ReconcileReport {
    const events: BillingEvent[] = Array.from({ length: count }, (_, index) => ({
      requestId: `r${index}`, endpointId: V2V, timestamp: new Date(T0 + index).toISOString(), at: T0 + index,
      outputUnits: '1', unitPrice: '0.72', percentDiscount: '0', costNanoUsd: 720_000_000n,
    }));
    const joined = joinBilling({ entries: [], events, since: T0, until: T0 + count, now: T0 + 10 * count + 1e9, settleDelayMs: 0, openHolds: new Set() });
    return {
      kind: 'reconcile', currency: 'USD', since: 'a', until: 'b', settleDelaySeconds: 0, checkedAt: 'c', billingSource: 'd', ledger: 'e',
      counts: { under_quoted: 0, unguarded: count, unbilled: 0, over_reserved: 0, pending: 0, matched: 0 }, ...joined,
    };
  }

  it('the pieces are exactly JSON.stringify of the report (no rows, one row, many)', () => {
    for (const count of [0, 1, 3000]) {
      const { kind: _kind, ...data } = report(count);
      expect([...reconcileJsonPieces(report(count))].join('')).toBe(`${JSON.stringify(data, null, 2)}\n`);
    }
  });

  it('no piece grows with the report: 50,000 rows come out in pieces of about 64 KiB', () => {
    const pieces = [...reconcileJsonPieces(report(50_000))];
    expect(pieces.length).toBeGreaterThan(100);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(70 * 1024);
  });
});
