import type { CoreBudgetGuard } from '../guard/guard-types.js';
import { UnsupportedCallError } from './errors/unsupported-call-error.js';
import { parseFalUrl, queueRequestOf, type FalUrl } from './fal-url.js';
import { takeArmedCall, type GuardedCall } from './guarded-call.js';

type Fetch = typeof globalThis.fetch;

/** The app a transport check polls: answered by the guarded fetch itself, never sent. */
const PROBE_APP = 'fal-budget/transport-check';

interface Transport {
  /** Tokens of transport checks under way. */
  readonly probes: Set<string>;
  /** Clients seen to send through this guard's fetch. */
  readonly verified: WeakSet<object>;
  readonly verifying: WeakMap<object, Promise<void>>;
}

const transports = new WeakMap<CoreBudgetGuard, Transport>();

function transportOf(guard: CoreBudgetGuard): Transport {
  let transport = transports.get(guard);
  if (!transport) {
    transport = { probes: new Set(), verified: new WeakSet(), verifying: new WeakMap() };
    transports.set(guard, transport);
  }
  return transport;
}

/**
 * Whether a request could start a billed job: anything to fal.run (a GET runs too, its input in
 * the query), and anything to queue.fal.run that is not a read or cancel of one request.
 */
function couldSpend(parsed: FalUrl | undefined): boolean {
  if (!parsed) return false;
  if (parsed.host === 'run') return true;
  return parsed.host === 'queue' && parsed.request === undefined;
}

/** Header names seen, lower-cased: bounded, since a caller may name its own headers. */
const lowerNames = new Map<string, string>();
const MAX_LOWER_NAMES = 64;

/**
 * `name.toLowerCase()`, kept for the few names a client sends on every request (Authorization,
 * Accept, Content-Type, User-Agent): lower-casing them anew made four strings per request, each
 * then hashed as a new property name (~0.5 µs a request).
 */
function lowerName(name: string): string {
  let lower = lowerNames.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowerNames.size < MAX_LOWER_NAMES) lowerNames.set(name, lower);
  }
  return lower;
}

/**
 * The request's headers as a plain object with lower-case names. The client passes a plain
 * object: copied without building a Headers (this runs on every request of a wrapped client).
 */
function headersOf(input: string | URL | Request, init: RequestInit | undefined): Record<string, string> {
  const given = init?.headers ?? (input instanceof Request ? input.headers : undefined);
  const plain: Record<string, string> = {};
  if (given !== undefined && !(given instanceof Headers) && !Array.isArray(given)) {
    for (const key of Object.keys(given)) plain[lowerName(key)] = String((given as Record<string, unknown>)[key]);
  } else {
    new Headers(given).forEach((value, key) => { plain[key] = value; });
  }
  return plain;
}

/** The x-fal-target-url header, looked up without copying the headers. */
function targetHeader(input: string | URL | Request, init: RequestInit | undefined): string | undefined {
  const given = init?.headers ?? (input instanceof Request ? input.headers : undefined);
  if (given === undefined) return undefined;
  if (given instanceof Headers) return given.get('x-fal-target-url') ?? undefined;
  if (Array.isArray(given)) return new Headers(given).get('x-fal-target-url') ?? undefined;
  for (const key of Object.keys(given)) {
    if (key.length === 16 && key.toLowerCase() === 'x-fal-target-url') return String((given as Record<string, unknown>)[key]);
  }
  return undefined;
}

function urlOf(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/** fal answers an error with a JSON object; a proxy's error page or an empty body is not fal's. */
async function isFalError(response: Response): Promise<boolean> {
  if (!(response.headers.get('content-type') ?? '').includes('application/json')) return false;
  try {
    const body: unknown = await response.clone().json();
    return typeof body === 'object' && body !== null;
  } catch {
    return false;
  }
}

const probeAnswer = (token: string) =>
  new Response(JSON.stringify({ status: 'COMPLETED', request_id: token, fal_budget: 'transport-check' }), {
    status: 200, headers: { 'content-type': 'application/json' },
  });

async function sendAttempt(call: GuardedCall, base: Fetch, url: string, init: RequestInit | undefined, headers: Record<string, string>): Promise<Response> {
  const retry = call.beginAttempt();
  if (retry) await retry;
  // So the model that runs is the model priced: no rerouting to an "equivalent" endpoint.
  if (!call.allowFallbacks) headers['x-fal-disable-fallbacks'] = 'true';
  let response: Response;
  try {
    // Object.assign, not `{ ...init, headers }`: V8 11 (Node 20) builds a new hidden class for
    // every object made by a spread followed by more properties (~1 µs each).
    response = await base(url, Object.assign({}, init, { headers }));
  } catch (error) {
    call.observe(undefined, false);
    throw error;
  }
  call.observe(response.status, response.ok || (await isFalError(response)));
  return response;
}

/**
 * A fetch for `createFalClient({ fetch: guardedFetch(guard) })`, the transport of a wrapped
 * client (`guard.wrap(client)` refuses a client without it). For each attempt of a guarded call
 * it checks the request is the one priced (method, target), reserves every retry anew before
 * sending it, settles the attempt before by what fal answered, and sends
 * `x-fal-disable-fallbacks: true`. A request that could start a billed job but belongs to no
 * guarded call (the unwrapped client's `run`, say) is refused. Everything else (polls, uploads,
 * tokens) goes to `fetch` (default: the global fetch) untouched.
 */
export function guardedFetch(guard: CoreBudgetGuard, fetch?: Fetch): Fetch {
  const transport = transportOf(guard);
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new UnsupportedCallError('(guardedFetch)', 'fetch', 'must be a fetch function');
  }
  const base: Fetch = fetch ?? ((input, init) => globalThis.fetch(input, init));
  // Not async: a refusal is a rejected promise, a request passed on is the base fetch's own.
  return function falBudgetFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    try {
      return route(input, init);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  function route(input: string | URL | Request, init: RequestInit | undefined): Promise<Response> {
    // First, in the same synchronous step as the client's JSON.stringify of the body.
    const call = takeArmedCall();
    const url = urlOf(input);
    // Copied only for a guarded attempt, which adds a header; a request passed on keeps its own.
    const headers = call === undefined ? undefined : headersOf(input, init);
    // Behind the client's proxy middleware the URL is the proxy's; the target is in this header.
    const target = (headers ? headers['x-fal-target-url'] : targetHeader(input, init)) ?? url;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (call === undefined || headers === undefined) {
      // A poll or result of one request (most of what passes through) never spends.
      const read = queueRequestOf(target);
      if (read !== undefined) {
        if (read.app === PROBE_APP && transport.probes.has(read.request.id)) return Promise.resolve(probeAnswer(read.request.id));
        return base(input, init);
      }
      const parsed = parseFalUrl(target);
      if (parsed?.request && parsed.app === PROBE_APP && transport.probes.has(parsed.request.id)) return Promise.resolve(probeAnswer(parsed.request.id));
      if (couldSpend(parsed) && method !== 'OPTIONS') {
        throw new UnsupportedCallError(target, 'fetch', `${method} ${target} could start a billed job, but no guarded call priced it: call it through guard.wrap(client)`);
      }
      return base(input, init);
    }
    if (call.guard !== guard) {
      call.refused += 1;
      throw new UnsupportedCallError(call.target.endpoint, 'fetch', 'the client sends through the guardedFetch of another guard; not sent');
    }
    if (method !== 'POST' || target !== call.target.url || input instanceof Request) {
      call.refused += 1;
      throw new UnsupportedCallError(call.target.endpoint, 'fetch', `the client is sending ${method} ${target}, not the POST ${call.target.url} that was priced; not sent`);
    }
    return sendAttempt(call, base, url, init, headers);
  }
}

/**
 * Makes sure `client` sends through this guard's guardedFetch before its first guarded call,
 * without sending anything: it asks the client for a status with an already-aborted signal. The
 * guarded fetch answers that itself; any other fetch rejects it at once (an aborted fetch sends
 * nothing), and the call is refused.
 */
export function checkTransport(guard: CoreBudgetGuard, client: { queue: { status(endpointId: string, options: object): Promise<unknown> } }): Promise<void> | undefined {
  const transport = transportOf(guard);
  // Checked already: nothing to wait for (this runs before every guarded call).
  if (transport.verified.has(client)) return undefined;
  let pending = transport.verifying.get(client);
  if (!pending) {
    pending = probe(transport, client).finally(() => transport.verifying.delete(client));
    transport.verifying.set(client, pending);
  }
  return pending;
}

async function probe(transport: Transport, client: { queue: { status(endpointId: string, options: object): Promise<unknown> } }): Promise<void> {
  const token = globalThis.crypto.randomUUID();
  transport.probes.add(token);
  let answer: unknown;
  let failure: unknown;
  try {
    answer = await client.queue.status(PROBE_APP, { requestId: token, abortSignal: AbortSignal.abort() });
  } catch (error) {
    failure = error;
  } finally {
    transport.probes.delete(token);
  }
  const { request_id: echoed, fal_budget: mark } = (answer ?? {}) as { request_id?: unknown; fal_budget?: unknown };
  if (echoed !== token || mark !== 'transport-check') {
    throw new UnsupportedCallError(
      '(client)', 'fetch',
      'the client does not send through guardedFetch(guard): create it with createFalClient({ ..., fetch: guardedFetch(guard) }), so retries are reserved and fallbacks switched off',
      failure === undefined ? undefined : { cause: failure },
    );
  }
  transport.verified.add(client);
}
