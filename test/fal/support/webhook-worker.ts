// A separate OS process on a shared ledger, driven by test/fal/webhook-processes.test.ts.
//   submit  <ledger> <now> <webhookUrl>  the real client submits one request with webhookUrl, prints its id, exits
//   receive <ledger> <now> <jwksUrl>     serves webhookMiddleware on 127.0.0.1, prints "listening <port>", runs until killed
// <ledger>: a file path (fileLedger) or a redis:// URL (redisLedger).
import { createFalClient } from '@fal-ai/client';
import express from 'express';
import { createBudgetGuard, type Ledger, guardedFetch } from '../../../src/index.js';
import { fileLedger, redisLedger } from '../../../src/node.js';
import { webhookMiddleware } from '../../../src/express.js';
import { FakeFal } from './fake-fal.js';

const [mode, where, now, url] = process.argv.slice(2) as [string, string, string, string];
const ledger: Ledger = where.startsWith('redis://') ? redisLedger({ url: where, prefix: 'webhook-processes', timeoutMs: 10_000 }) : fileLedger({ path: where });
const guard = createBudgetGuard({ limit: '10.00', ledger, now: () => Number(now), onWarning: () => {} });

async function main(): Promise<void> {
  if (mode === 'submit') {
    // fal itself is the in-process fake: this process is the only one that talks to it.
    const fake = new FakeFal({ fate: 'running' });
    const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, fake.fetch) }));
    const { request_id: requestId } = await fal.queue.submit('luma/agent/ray/v3.2/video-to-video', {
      input: { prompt: 'a cat surfing', video_url: 'https://example.com/in.mp4' }, webhookUrl: url,
    });
    process.stdout.write(`${JSON.stringify({ requestId, pid: process.pid })}\n`);
    await ledger.close?.();
    return;
  }
  if (mode === 'receive') {
    const app = express();
    app.post('/fal/webhook', webhookMiddleware(guard, { jwksUrl: url }));
    const server = app.listen(0, '127.0.0.1', () => {
      const address = server.address();
      process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : '?'}\n`);
    });
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
