// A separate OS process using the file ledger, driven by test/guard/file-ledger*.test.ts.
//   hammer <file> <attempts> <amount> <limit>   reserve, then commit two in three and release the rest
//   forever <file> <amount> <limit>             reserve and commit until killed, reporting progress
//   hold-lock <file>                            take the ledger's lock and keep it until killed
//   storm <file> <tag> <iterations> <limit> <staleLockMs> <compactAfterBytes>
//                                               random reserves, commits, releases, links and settles by
//                                               request id; prints every acknowledged answer as a line
//   guard-submit <file> <fal origin> <prompt>   a budget guard's queue.submit; prints the request id
//   guard-result <file> <fal origin> <id>       a budget guard's queue.result of that request id
//   paused <file> <pattern> <ops> <holdId> <compactAfterBytes>
//                                               stops itself (SIGSTOP) at its first change to a file: a
//                                               truncate, or a write whose bytes match <pattern>; then
//                                               runs <ops>: r reserve 1.00, c commit, x five reserves
//                                               of 0.10; prints each answer, or E and the error
import { existsSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { createFalClient } from '@fal-ai/client';
import { createBudgetGuard } from '../../../src/create-budget-guard.js';
import { fileLedger } from '../../../src/guard/ledgers/file-ledger.js';
import { lockLedger } from '../../../src/guard/ledgers/file-ledger-lock.js';
import { guardedFetch } from '../../../src/fal/guarded-fetch.js';

const [mode, file, ...rest] = process.argv.slice(2);
const now = 1_800_000_000_000;
const out = (line: string) => process.stdout.write(`${line}\n`);
const V2V = 'luma/agent/ray/v3.2/video-to-video';

/** fal's hosts, reached on the test's fake (FakeFal.listen) at `origin`: the real client, its fetch pointed there. */
function forwardingFetch(origin: string): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set('x-fake-host', url.host);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
    return fetch(`${origin}${url.pathname}${url.search}`, { method: request.method, headers, body });
  };
}

async function storm(tag: string, iterations: number, limit: string, staleLockMs: number, compactAfterBytes: number): Promise<void> {
  const ledger = fileLedger({ path: file!, staleLockMs, lockTimeoutMs: 60_000, compactAfterBytes });
  const budgets = [{ key: 'global', limit }];
  const attempt = async <T>(what: string, holdId: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ledger_unavailable') throw error;
      // Failed closed: not acknowledged, so the test does not count on it.
      out(`E ${what} ${holdId} ${String((error as Error).message).replace(/\s+/g, ' ')}`);
      return undefined;
    }
  };
  for (let index = 0; index < iterations; index += 1) {
    const holdId = `${tag}-${index}`;
    const amount = `0.${String(5 + Math.floor(Math.random() * 36)).padStart(2, '0')}`;
    const ttl = Math.random() < 0.2 ? 200 + Math.floor(Math.random() * 800) : 600_000;
    const at = Date.now();
    const reserved = await attempt('reserve', holdId, () => ledger.reserve({
      holdId, amount, budgets, now: at, expiresAt: at + ttl, details: { endpoint: V2V, provider: 'fal', scope: { worker: tag } },
    }));
    if (reserved === undefined) continue;
    if (!reserved.ok) {
      out(`R ${holdId} ${amount} refused ${JSON.stringify(reserved.refusal)}`);
      continue;
    }
    out(`R ${holdId} ${amount} ok`);
    const roll = Math.random();
    if (roll < 0.4) {
      const result = await attempt('commit', holdId, () => ledger.commit(holdId, Date.now()));
      if (result !== undefined) out(`C ${holdId} ${result}`);
    } else if (roll < 0.65) {
      const result = await attempt('release', holdId, () => ledger.release(holdId, Date.now()));
      if (result !== undefined) out(`L ${holdId} ${result}`);
    } else if (roll < 0.85) {
      const requestId = `req-${holdId}`;
      const linked = await attempt('link', holdId, () => ledger.link({ requestId, holdId, app: 'luma/agent', now: Date.now() }));
      if (linked !== true) continue;
      out(`K ${holdId} ${requestId}`);
      const settlement = Math.random() < 0.6 ? 'commit' : 'release';
      const result = await attempt('settleRequest', holdId, () => ledger.settleRequest(requestId, settlement, Date.now(), 'luma/agent'));
      if (result !== undefined) out(`S ${holdId} ${requestId} ${settlement} ${result}`);
    }
    // else: abandoned, as by a caller that died; it expires as spent.
    if (index % 4 === 0) {
      const usage = await attempt('usage', holdId, () => ledger.usage(['global'], Date.now()));
      if (usage !== undefined) out(`U ${usage[0]!.spent} ${usage[0]!.reserved}`);
    }
  }
  await ledger.close?.();
  out('done');
}

/**
 * Pauses this process, once, just before it first changes a file after reading it: where a writer
 * whose lock is about to be taken from it (paused past staleLockMs) stands.
 */
async function pauseAtFirstChange(pattern: RegExp): Promise<void> {
  const probe = await open('/dev/null');
  const proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const { truncate, write } = proto;
  let paused = false;
  const pause = (what: string) => {
    if (paused) return;
    paused = true;
    out(`pausing before ${what}`); // stdout is a pipe: written synchronously on Linux
    process.kill(process.pid, 'SIGSTOP');
  };
  proto.truncate = function (this: FileHandle, ...args: Parameters<FileHandle['truncate']>) {
    pause('a truncate');
    return truncate.apply(this, args);
  };
  proto.write = function (this: FileHandle, ...args: unknown[]) {
    if (Buffer.isBuffer(args[0]) && pattern.test(args[0].toString('utf8', (args[1] as number | undefined) ?? 0))) pause('a write');
    return (write as (...inner: unknown[]) => unknown).apply(this, args);
  } as FileHandle['write'];
}

async function paused(pattern: string, ops: string, holdId: string, compactAfterBytes: number): Promise<void> {
  await pauseAtFirstChange(new RegExp(pattern));
  const ledger = fileLedger({ path: file!, staleLockMs: 2_000, lockTimeoutMs: 20_000, compactAfterBytes });
  const budgets = [{ key: 'g', limit: '10.00' }];
  const reserve = (id: string, amount: string) => ledger.reserve({ holdId: id, amount, budgets, expiresAt: now + 3_600_000, now });
  const report = async (what: string, call: () => Promise<unknown>) => {
    try {
      out(`${what} ${JSON.stringify(await call())}`);
    } catch (error) {
      out(`E ${what} ${(error as { code?: string }).code}`);
    }
  };
  if (ops.includes('r')) await report(`reserve ${holdId}`, () => reserve(holdId, '1.00'));
  if (ops.includes('c')) await report(`commit ${holdId}`, () => ledger.commit(holdId, now));
  if (ops.includes('x')) for (const id of ['hD', 'hE', 'hF', 'hG', 'hH']) await report(`reserve ${id}`, () => reserve(id, '0.10'));
  await ledger.close?.();
  out('done');
}

async function main(): Promise<void> {
  if (mode === 'paused') {
    const [pattern, ops, holdId, compactAfterBytes] = rest as [string, string, string, string];
    await paused(pattern, ops, holdId, Number(compactAfterBytes));
    return;
  }
  if (mode === 'hold-lock') {
    await lockLedger(file!, { timeoutMs: 10_000, staleMs: 2_000 });
    out('locked');
    setInterval(() => {}, 1_000);
    return;
  }
  if (mode === 'storm') {
    const [tag, iterations, limit, staleLockMs, compactAfterBytes] = rest as [string, string, string, string, string];
    // Our pid here and as the host sees it (NSpid lists the outermost first): they differ in a pid namespace.
    const nspid = /^NSpid:\s+(.*)$/m.exec(await readFile('/proc/self/status', 'utf8'))?.[1]?.split(/\s+/) ?? [];
    out(`pid ${process.pid} ${nspid[0] ?? process.pid}`);
    await storm(tag, Number(iterations), limit, Number(staleLockMs), Number(compactAfterBytes));
    return;
  }
  if (mode === 'guard-submit' || mode === 'guard-result') {
    const [origin, argument] = rest as [string, string];
    const guard = createBudgetGuard({ limit: '100.00', ledger: fileLedger({ path: file! }), onWarning: () => {} });
    const fal = guard.wrap(createFalClient({ credentials: 'test', fetch: guardedFetch(guard, forwardingFetch(origin)) }));
    if (mode === 'guard-submit') {
      const input = { prompt: argument, video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true };
      const { request_id: requestId } = await fal.queue.submit(V2V, { input });
      out(requestId);
      return;
    }
    try {
      await fal.queue.result(V2V, { requestId: argument });
      out('result ok');
    } catch (error) {
      out(`result failed ${(error as { status?: number }).status}`);
    }
    return;
  }
  const ledger = fileLedger({ path: file!, staleLockMs: 2_000 });
  if (mode === 'hammer') {
    const [attempts, amount, limit] = rest as [string, string, string];
    const committed: string[] = [];
    let refused = 0;
    // Start together: wait for the test to create <file>.go once every worker is ready.
    out('ready');
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
    out(JSON.stringify({ committed, refused }));
    return;
  }
  if (mode === 'forever') {
    const [amount, limit] = rest as [string, string];
    for (let index = 0; ; index += 1) {
      const holdId = `${process.pid}-${index}`;
      const reserved = await ledger.reserve({ holdId, amount, budgets: [{ key: 'shared', limit }], expiresAt: now + 3_600_000, now });
      if (reserved.ok && index % 2 === 0) await ledger.commit(holdId, now);
      if (reserved.ok && index % 4 === 1) await ledger.release(holdId, now);
      if (index % 10 === 0) out(`ops ${index}`);
    }
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
