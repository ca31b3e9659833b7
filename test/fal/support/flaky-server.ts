import type { FakeFal, RecordedRequest } from './fake-fal.js';

/**
 * The fake fal over real HTTP on 127.0.0.1, dropping the next `dropPosts` POSTs after reading
 * them whole: the transport error a client sees when fal received (and may have started) a job
 * but the answer never arrived. `fetch` is the real global fetch pointed at it; the host a
 * request was addressed to travels in the x-fake-host header.
 */
export interface FlakyServer {
  /** Every request the server read, dropped or answered. */
  readonly received: RecordedRequest[];
  dropPosts: number;
  readonly fetch: typeof fetch;
  close(): Promise<void>;
}

export async function flakyServer(fake: FakeFal): Promise<FlakyServer> {
  const flaky = {
    dropPosts: 0,
    received: [] as RecordedRequest[],
    fetch: undefined as unknown as typeof fetch,
    close: async () => {},
  };
  const drop = (request: RecordedRequest) => {
    if (request.method !== 'POST' || flaky.dropPosts === 0) return false;
    flaky.dropPosts -= 1;
    return true;
  };
  const { server, origin, received } = await fake.listen({ dropAfterReading: drop });
  flaky.received = received;
  flaky.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const target = new URL(String(input));
    const headers = new Headers(init?.headers);
    headers.set('x-fake-host', target.host);
    return globalThis.fetch(`${origin}${target.pathname}${target.search}`, { ...init, headers });
  });
  flaky.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return flaky;
}
