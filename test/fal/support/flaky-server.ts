import { createServer, type Server } from 'node:http';
import type { FakeFal, RecordedRequest } from './fake-fal.js';

/**
 * The fake fal over real HTTP on 127.0.0.1, able to drop a connection after reading a whole
 * request: the transport error a client sees when fal received (and may have started) a job but
 * the answer never arrived. `fetch` is the real global fetch pointed at this server; the host a
 * request was addressed to travels in the x-fake-host header.
 */
export interface FlakyServer {
  /** Every request the server read, dropped or answered. */
  readonly received: RecordedRequest[];
  /** How many of the next POSTs to drop after reading them. */
  dropPosts: number;
  readonly fetch: typeof fetch;
  close(): Promise<void>;
}

export async function flakyServer(fake: FakeFal): Promise<FlakyServer> {
  const state: { received: RecordedRequest[]; dropPosts: number } = { received: [], dropPosts: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const host = String(req.headers['x-fake-host']);
      const body = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
      const url = `https://${host}${req.url}`;
      state.received.push({ method: String(req.method), url, body });
      if (req.method === 'POST' && state.dropPosts > 0) {
        state.dropPosts -= 1;
        req.socket.destroy();
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      const response = await fake.fetch(url, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
      const out: Record<string, string> = {};
      response.headers.forEach((value, key) => { out[key] = value; });
      res.writeHead(response.status, out);
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  const origin = `http://127.0.0.1:${address.port}`;
  const viaServer = (async (input: string | URL | Request, init?: RequestInit) => {
    const target = new URL(String(input));
    const headers = new Headers(init?.headers);
    headers.set('x-fake-host', target.host);
    return globalThis.fetch(`${origin}${target.pathname}${target.search}`, { ...init, headers });
  }) as typeof fetch;
  return {
    get received() { return state.received; },
    get dropPosts() { return state.dropPosts; },
    set dropPosts(value: number) { state.dropPosts = value; },
    fetch: viaServer,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
