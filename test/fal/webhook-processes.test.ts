import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JournalEntry } from '../../src/index.js';
import { fileLedger } from '../../src/node.js';
import { JwksServer, webhookBody, WebhookSigner } from './support/fal-webhooks.js';

const WORKER = fileURLToPath(new URL('./support/webhook-worker.ts', import.meta.url));
const T0 = Date.parse('2026-11-24T12:00:00Z');

function worker(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
function printed(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) resolve(match);
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code} before printing ${pattern}: ${out}${err}`)));
  });
}

// The Redis ledger's request links are written on another branch; until they are, the two
// processes share a file ledger, which keeps its links in the same file the same way.
describe('two processes on one ledger: the webhook reaches the one that did not submit', () => {
  const signer = new WebhookSigner();
  const jwks = new JwksServer();
  let dir: string;
  let receiver: ChildProcess;
  let origin: string;
  let path: string;

  beforeAll(async () => {
    await jwks.start();
    jwks.keys = [signer.jwk];
    dir = mkdtempSync(join(tmpdir(), 'fal-budget-webhooks-'));
    path = join(dir, 'ledger.json');
    receiver = worker('receive', path, String(T0), jwks.url);
    const [, port] = await printed(receiver, /listening (\d+)/);
    origin = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    receiver?.kill();
    await jwks.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function deliver(body: string, headers: Record<string, string>) {
    const response = await fetch(`${origin}/fal/webhook`, { method: 'POST', headers, body });
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  }

  it('process A submits with webhookUrl and exits; process B verifies the delivery and commits A\'s hold', async () => {
    const submitter = worker('submit', path, String(T0), `${origin}/fal/webhook`);
    const [line] = await printed(submitter, /\{.*\}\n/);
    const { requestId, pid } = JSON.parse(line) as { requestId: string; pid: number };
    expect(pid).not.toBe(receiver.pid);
    await new Promise((resolve) => submitter.once('exit', resolve));

    const ledger = fileLedger({ path });
    expect(await ledger.linkOf(requestId, T0)).toMatchObject({ status: 'held' });
    const body = webhookBody(requestId, 'OK');
    const timestamp = Math.floor(T0 / 1000);

    // Forged and stale first: nothing changes.
    expect((await deliver(body, new WebhookSigner().headers(body, { requestId, timestamp }))).status).toBe(401);
    expect((await deliver(body, signer.headers(body, { requestId, timestamp: timestamp - 301 }))).status).toBe(401);
    expect(await ledger.linkOf(requestId, T0)).toMatchObject({ status: 'held' });

    expect(await deliver(body, signer.headers(body, { requestId, timestamp }))).toMatchObject({ status: 200, body: { result: 'committed' } });
    expect(await deliver(body, signer.headers(body, { requestId, timestamp }))).toMatchObject({ status: 200, body: { result: 'already_committed' } });
    expect(await ledger.linkOf(requestId, T0)).toMatchObject({ status: 'committed' });
    const journal: JournalEntry[] = [];
    for await (const entry of ledger.journal()) journal.push(entry);
    expect(journal).toEqual([expect.objectContaining({ outcome: 'committed', requestId, amount: '0.72', endpoint: 'luma/agent/ray/v3.2/video-to-video' })]);
  });
});
