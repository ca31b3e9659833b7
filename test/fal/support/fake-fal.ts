import { createServer, type Server } from 'node:http';

/**
 * A small fake of fal's queue protocol (and fal.run, streaming and storage uploads), reached
 * through the real @fal-ai/client's `fetch` option or over HTTP. It records every request, so
 * a test can say "zero requests" and mean it.
 */
export type Fate =
  | 'success' // COMPLETED; the result is the output (200)
  | 'fail_500' // COMPLETED with an error; the result answers 500 (fal does not bill it)
  | 'fail_422' // COMPLETED with an error; the result answers 422 (may be billed: counted)
  | 'queued' // stays IN_QUEUE until a test changes its fate
  | 'running'; // stays IN_PROGRESS

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string | undefined;
  /** Lower-cased names. */
  readonly headers?: Readonly<Record<string, string>>;
}

interface QueuedRequest {
  readonly id: string;
  readonly endpoint: string;
  fate: Fate;
  cancelled: boolean;
}

export interface FakeFalOptions {
  /** Fate of each new queued request. Default "success". */
  readonly fate?: Fate;
  /** Statuses answered to the next submits, in order, before one is accepted (e.g. [503]). */
  readonly submitFailures?: number[];
  /** Statuses answered to the next run calls, in order, before one succeeds. */
  readonly runFailures?: number[];
  /** Awaited before each answer, e.g. to let fast-check's scheduler interleave requests. */
  readonly beforeAnswer?: (request: RecordedRequest) => Promise<void>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const errorBody = (status: number) =>
  status === 422
    ? { detail: [{ loc: ['body', 'prompt'], msg: 'content policy', type: 'content_policy_violation' }] }
    : { detail: `fake error ${status}`, error_type: status >= 500 ? 'runner_server_error' : 'bad_request' };

export class FakeFal {
  readonly requests: RecordedRequest[] = [];
  readonly queued = new Map<string, QueuedRequest>();
  fate: Fate;
  submitFailures: number[];
  runFailures: number[];
  private readonly beforeAnswer: FakeFalOptions['beforeAnswer'];
  private nextId = 1;

  constructor(options: FakeFalOptions = {}) {
    this.fate = options.fate ?? 'success';
    this.submitFailures = [...(options.submitFailures ?? [])];
    this.runFailures = [...(options.runFailures ?? [])];
    this.beforeAnswer = options.beforeAnswer;
  }

  /** Pass as createFalClient({ fetch: fake.fetch }). */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => { headers[key] = value; });
    const recorded: RecordedRequest = { method: request.method, url: request.url, body, headers };
    this.requests.push(recorded);
    if (this.beforeAnswer) await this.beforeAnswer(recorded);
    return this.answer(recorded);
  };

  count(predicate: (request: RecordedRequest) => boolean = () => true): number {
    return this.requests.filter(predicate).length;
  }

  submits(): number {
    return this.count((request) => request.method === 'POST' && new URL(request.url).host === 'queue.fal.run');
  }

  uploads(): number {
    return this.count((request) => new URL(request.url).host === 'rest.fal.ai' || new URL(request.url).host === 'upload.fake');
  }

  setFate(requestId: string, fate: Fate): void {
    const request = this.queued.get(requestId);
    if (!request) throw new Error(`no such request ${requestId}`);
    request.fate = fate;
  }

  private answer(request: RecordedRequest): Response {
    const url = new URL(request.url);
    if (url.host === 'rest.fal.ai' && url.pathname === '/storage/upload/initiate' && request.method === 'POST') {
      const n = this.nextId++;
      return json(200, { upload_url: `https://upload.fake/${n}`, file_url: `https://v3.fal.media/files/fake/${n}.bin` });
    }
    if (url.host === 'upload.fake' && request.method === 'PUT') return new Response(null, { status: 200 });
    if (url.host === 'fal.run' && request.method === 'POST') return this.run(url);
    if (url.host === 'queue.fal.run') return this.queue(request, url);
    return json(404, { detail: `fake fal does not serve ${request.method} ${request.url}` });
  }

  private run(url: URL): Response {
    const failure = this.runFailures.shift();
    if (failure !== undefined) return json(failure, errorBody(failure));
    if (url.pathname.endsWith('/stream')) {
      const events = 'data: {"progress":0.5}\n\ndata: {"video":{"url":"https://v3.fal.media/files/fake/out.mp4"}}\n\n';
      return new Response(events, { status: 200, headers: { 'content-type': 'text/event-stream', 'x-fal-request-id': 'stream-1' } });
    }
    return json(200, { video: { url: 'https://v3.fal.media/files/fake/out.mp4' } }, { 'x-fal-request-id': `run-${this.nextId++}` });
  }

  private queue(request: RecordedRequest, url: URL): Response {
    const match = /^\/(.+?)\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(url.pathname);
    if (!match) {
      if (request.method !== 'POST') return json(405, { detail: 'method not allowed' });
      // A test can steer one submit from its prompt: "submit:500" answers 500, "fate:fail_422" sets its fate.
      const prompt = String((JSON.parse(request.body ?? '{}') as { prompt?: unknown }).prompt ?? '');
      const failure = this.submitFailures.shift() ?? Number(/submit:(\d{3})/.exec(prompt)?.[1] ?? NaN);
      if (!Number.isNaN(failure)) return json(failure, errorBody(failure));
      const endpoint = url.pathname.slice(1);
      const id = `req-${this.nextId++}`;
      const fate = (/fate:(\w+)/.exec(prompt)?.[1] as Fate | undefined) ?? this.fate;
      this.queued.set(id, { id, endpoint, fate, cancelled: false });
      const base = `https://queue.fal.run/${endpoint.split('/').slice(0, 2).join('/')}/requests/${id}`;
      return json(200, { status: 'IN_QUEUE', request_id: id, status_url: `${base}/status`, response_url: base, cancel_url: `${base}/cancel`, queue_position: 0 }, { 'x-fal-request-id': id });
    }
    const [, , id, action] = match;
    const queued = this.queued.get(id!);
    if (!queued) return json(404, { detail: `request ${id} not found` });
    if (action === '/cancel') {
      if (request.method !== 'PUT') return json(405, { detail: 'method not allowed' });
      if (queued.fate === 'queued') {
        queued.cancelled = true;
        return json(202, { status: 'CANCELLATION_REQUESTED' });
      }
      if (queued.fate === 'running') return json(202, { status: 'CANCELLATION_REQUESTED' });
      return json(400, { status: 'ALREADY_COMPLETED' });
    }
    if (action === '/status') {
      if (queued.cancelled) return json(200, { status: 'COMPLETED', request_id: id, error: 'Request was cancelled', error_type: 'client_cancelled' });
      if (queued.fate === 'queued') return json(200, { status: 'IN_QUEUE', request_id: id, queue_position: 0 });
      if (queued.fate === 'running') return json(200, { status: 'IN_PROGRESS', request_id: id, logs: [] });
      const failed = queued.fate !== 'success';
      return json(200, { status: 'COMPLETED', request_id: id, logs: [], metrics: {}, ...(failed ? { error: 'failed', error_type: 'runner_server_error' } : {}) });
    }
    // The result.
    if (queued.cancelled) return json(499, { detail: 'Request was cancelled', error_type: 'client_cancelled' });
    if (queued.fate === 'queued' || queued.fate === 'running') return json(400, { detail: 'Request is still in progress' });
    if (queued.fate === 'fail_500') return json(500, errorBody(500), { 'x-fal-request-id': id! });
    if (queued.fate === 'fail_422') return json(422, errorBody(422), { 'x-fal-request-id': id! });
    return json(200, { video: { url: `https://v3.fal.media/files/fake/${id}.mp4` } }, { 'x-fal-request-id': id! });
  }

  /**
   * The same fake over HTTP on 127.0.0.1, for @fal-ai/server-proxy to forward to. `dropAfterReading`
   * may drop a connection once the whole request is read (fal received it, the answer is lost);
   * `received` lists every request read, dropped or answered.
   */
  async listen(options: { dropAfterReading?: (request: RecordedRequest) => boolean } = {}): Promise<{ server: Server; origin: string; received: RecordedRequest[] }> {
    const received: RecordedRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      const forward = async () => {
        // The proxy addresses the real host names; they arrive here in the x-fake-host header.
        const host = String(req.headers['x-fake-host'] ?? req.headers.host);
        const body = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
        const url = `https://${host}${req.url}`;
        const forwarded = Object.fromEntries(Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
        const request: RecordedRequest = { method: String(req.method), url, body, headers: forwarded };
        received.push(request);
        if (options.dropAfterReading?.(request)) {
          req.socket.destroy();
          return;
        }
        const response = await this.fetch(url, { method: req.method, headers: forwarded, body: req.method === 'GET' ? undefined : body });
        const headers: Record<string, string> = {};
        response.headers.forEach((value, key) => { headers[key] = value; });
        res.writeHead(response.status, headers);
        res.end(Buffer.from(await response.arrayBuffer()));
      };
      // A fake that throws answers nothing: the connection drops, as an exchange that broke off does.
      req.on('end', () => {
        forward().catch(() => res.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    return { server, origin: `http://127.0.0.1:${address.port}`, received };
  }
}
