import type { CallContext } from '../guard/budget-spec.js';
import { InvalidOptionError } from '../core/errors/invalid-option-error.js';
import type { CoreBudgetGuard, Reservation } from '../guard/guard-types.js';
import { snapshotInput } from './input-snapshot.js';
import { mediaBlobs, replaceMediaBlobs } from './media-placeholders.js';
import { targetOf, type GuardedMethod } from './client-target.js';
import { appOfEndpointId } from './fal-url.js';
import { GuardedCall, settleHold } from './guarded-call.js';
import { checkTransport } from './guarded-fetch.js';
import { outcomeOfResultError, outcomeOfStartError, outcomeOfStatus, statusOfError, type Outcome } from './settlement.js';

/* The parts of @fal-ai/client 1.10's FalClient the guard touches, typed loosely on purpose: the
   wrapper returns the caller's own client type, and this package does not depend on the client. */
type Options = Record<string, unknown> & { input?: unknown };
type RequestOptions = Record<string, unknown> & { requestId: string };
interface QueueLike {
  submit(endpointId: string, options: Options): Promise<{ request_id?: unknown }>;
  status(endpointId: string, options: RequestOptions): Promise<unknown>;
  subscribeToStatus(endpointId: string, options: RequestOptions): Promise<unknown>;
  result(endpointId: string, options: RequestOptions): Promise<unknown>;
  cancel(endpointId: string, options: RequestOptions): Promise<void>;
}
interface StreamLike {
  done(): Promise<unknown>;
}
interface FalClientLike {
  queue: QueueLike;
  storage: { upload(file: Blob): Promise<unknown> };
  streaming?: { stream(endpointId: string, options: Options): Promise<StreamLike> };
  stream(endpointId: string, options: Options): Promise<StreamLike>;
  run(endpointId: string, options?: Options): Promise<unknown>;
  subscribe(endpointId: string, options: Options): Promise<unknown>;
}

function assertFalClient(client: unknown): asserts client is FalClientLike {
  const candidate = client as Partial<FalClientLike> | null;
  const queue = candidate?.queue as Partial<QueueLike> | undefined;
  const ok = typeof candidate === 'object' && candidate !== null
    && typeof candidate.run === 'function' && typeof candidate.subscribe === 'function' && typeof candidate.stream === 'function'
    && typeof candidate.storage?.upload === 'function'
    && typeof queue?.submit === 'function' && typeof queue.status === 'function' && typeof queue.subscribeToStatus === 'function'
    && typeof queue.result === 'function' && typeof queue.cancel === 'function';
  if (!ok) throw new InvalidOptionError('client', 'is not a fal client (createFalClient() from @fal-ai/client 1.x)');
}

function parseAllowFallbacks(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidOptionError('allowFallbacks', `must be true or false (got ${String(value)})`);
  return value;
}

export interface WrapOptions {
  /** The budget context of every call through this wrapper, or a function read at each call. */
  readonly context?: CallContext | (() => CallContext);
  /** Pricing provider of the wrapped client's endpoints. Default "fal". */
  readonly provider?: string;
  /**
   * Let fal reroute a failing call to an "equivalent alternative endpoint". Default false: guarded
   * calls send `x-fal-disable-fallbacks: true`, so the model that runs is the model priced. When
   * true, the hold is still the quote of the endpoint asked for; a fallback bills at its own price.
   */
  readonly allowFallbacks?: boolean;
}

/**
 * `{ requestId, ...options }` without `input`, copied key by key: in V8 11 (Node 20) an object
 * spread mixed with other properties builds a fresh hidden class per object (~1 µs per call).
 * The options are the guard's own copy (client-target.ts), data properties with known names.
 */
function withoutInput(requestId: string, options: Options): RequestOptions {
  const copy: RequestOptions = { requestId };
  for (const key of Object.keys(options)) if (key !== 'input') copy[key] = options[key];
  return copy;
}

/** The caller's input, read once (a getter on `input` gets one chance to answer). */
const inputOf = (options: unknown): unknown => (typeof options === 'object' && options !== null ? (options as Options).input : undefined);

/**
 * Wraps a fal client created with `fetch: guardedFetch(guard)`: subscribe, run, stream (and
 * streaming.stream) and queue.submit are checked, quoted and reserved before the client does
 * anything, uploads included; queue.result, queue.status, queue.subscribeToStatus and
 * queue.cancel settle the holds they learn the outcome of. Everything else is the client's own.
 */
export function wrapFalClient<Client extends object>(guard: CoreBudgetGuard, client: Client, options: WrapOptions = {}): Client {
  assertFalClient(client);
  const fal = client;
  const provider = options.provider ?? 'fal';
  const allowFallbacks = parseAllowFallbacks(options.allowFallbacks);
  const contextOf = (): CallContext | undefined => (typeof options.context === 'function' ? options.context() : options.context);

  /*
   * The request id -> hold link lives in the ledger, so any instance sharing it settles the hold;
   * `app` is the app path fal's polls use, so a poll under another app settles nothing.
   */
  async function attach(reservation: Reservation, requestId: string, app: string | undefined): Promise<void> {
    try {
      await reservation.attachRequest(requestId, app);
    } catch (error) {
      guard.warn({ code: 'settle_failed', message: `could not link request ${requestId} to hold ${reservation.holdId}; it counts as spent when it expires: ${error instanceof Error ? error.message : String(error)}`, cause: error });
    }
  }
  async function holdsRequest(requestId: string): Promise<boolean> {
    try {
      return (await guard.linkOf(requestId)) !== undefined;
    } catch (error) {
      guard.warn({ code: 'settle_failed', message: `could not look up the hold of request ${requestId}: ${error instanceof Error ? error.message : String(error)}`, cause: error });
      return false;
    }
  }
  async function settleRequest(requestId: unknown, outcome: Outcome, app: string | undefined): Promise<void> {
    if (outcome === 'hold' || typeof requestId !== 'string') return;
    try {
      const result = await guard.settleRequest(requestId, outcome, app === undefined ? undefined : { app });
      if (result === 'endpoint_mismatch') {
        guard.warn({ code: 'settle_failed', message: `request ${requestId} was submitted under another app than ${app ?? '(none)'}; its hold is not settled by this call and counts as spent when it expires` });
      }
    } catch (error) {
      guard.warn({ code: 'settle_failed', message: `could not ${outcome} the hold of request ${requestId}; it stays and counts as spent when it expires: ${error instanceof Error ? error.message : String(error)}`, cause: error });
    }
  }

  /** Uploads the input's media files (the client's transformInput would), after the reservation. */
  async function upload(input: unknown): Promise<unknown> {
    const urls = await Promise.all(mediaBlobs(input).map((blob) => fal.storage.upload(blob)));
    let index = 0;
    return replaceMediaBlobs(input, () => {
      const url = urls[index++];
      if (typeof url !== 'string') throw new TypeError(`fal storage returned ${typeof url} for an upload, not a URL`);
      return url;
    });
  }

  /**
   * Works out the call's target, snapshots its input, makes sure the client sends through the
   * guarded fetch, then reserves and uploads: what was priced is exactly what will be sent.
   */
  async function prepare(method: GuardedMethod, endpointId: unknown, callOptions: unknown) {
    const target = targetOf(method, endpointId, callOptions);
    const snapshot = snapshotInput(target.endpoint, inputOf(callOptions));
    const checking = checkTransport(guard, fal);
    if (checking) await checking;
    const context = contextOf();
    const reserve = (input: unknown) => guard.reserve(target.endpoint, input, { context, provider });
    const reservation = await reserve(snapshot.input);
    let data = snapshot.input;
    if (snapshot.holdsBlob) {
      try {
        data = await upload(data);
      } catch (error) {
        // A failed upload sent no request.
        await settleHold(guard, reservation, 'release');
        throw error;
      }
    }
    const call = new GuardedCall(guard, target, reservation, () => reserve(data), allowFallbacks);
    // Not `{ ...target.options, input }`: see withoutInput.
    const options: Options = Object.assign({}, target.options);
    options.input = call.body(data);
    return { call, options };
  }

  /** Settles the last attempt; a call of which no attempt left is released. */
  async function settleLast(call: GuardedCall, outcome: Outcome): Promise<void> {
    const reservation = call.current;
    if (reservation) await settleHold(guard, reservation, call.nothingSent ? 'release' : outcome);
  }

  async function submitPrepared(method: 'submit' | 'subscribe', endpointId: string, callOptions: Options) {
    const { call, options: sent } = await prepare(method, endpointId, callOptions);
    let enqueued: { request_id?: unknown };
    try {
      enqueued = await fal.queue.submit(endpointId, sent);
    } catch (error) {
      await settleLast(call, outcomeOfStartError(error, call.target.phase));
      throw error;
    }
    const requestId = enqueued?.request_id;
    if (call.current && typeof requestId === 'string') {
      await attach(call.current, requestId, call.target.app);
    } else if (call.current) {
      guard.warn({ code: 'request_id_missing', message: `fal accepted a submit to ${endpointId} without a request id; its hold counts as spent when it expires` });
    }
    return { enqueued, call, sent };
  }

  async function submit(endpointId: string, callOptions: Options) {
    return (await submitPrepared('submit', endpointId, callOptions)).enqueued;
  }

  async function result(endpointId: string, callOptions: RequestOptions) {
    let output: unknown;
    try {
      output = await fal.queue.result(endpointId, callOptions);
    } catch (error) {
      await settleRequest(callOptions?.requestId, outcomeOfResultError(error), appOfEndpointId(endpointId));
      throw error;
    }
    await settleRequest(callOptions?.requestId, 'commit', appOfEndpointId(endpointId));
    return output;
  }

  async function status(endpointId: string, callOptions: RequestOptions) {
    const answer = await fal.queue.status(endpointId, callOptions);
    await settleRequest(callOptions?.requestId, outcomeOfStatus(answer), appOfEndpointId(endpointId));
    return answer;
  }

  async function subscribeToStatus(endpointId: string, callOptions: RequestOptions) {
    const answer = await fal.queue.subscribeToStatus(endpointId, callOptions);
    await settleRequest(callOptions?.requestId, outcomeOfStatus(answer), appOfEndpointId(endpointId));
    return answer;
  }

  /**
   * fal answers a cancel the same way whether the request was queued or already running, so the
   * guard looks before and after: queued before, cancel accepted, and afterwards neither running
   * nor completed with an output => it never ran: release. Completed with an output => commit.
   */
  async function cancel(endpointId: string, callOptions: RequestOptions) {
    const requestId = callOptions?.requestId;
    if (typeof requestId !== 'string' || !(await holdsRequest(requestId))) return fal.queue.cancel(endpointId, callOptions);
    const app = appOfEndpointId(endpointId);
    const request = { requestId, abortSignal: callOptions.abortSignal };
    const before = await fal.queue.status(endpointId, request).catch(() => undefined);
    await fal.queue.cancel(endpointId, callOptions);
    const wasQueued = (before as { status?: unknown } | undefined)?.status === 'IN_QUEUE';
    let after: unknown;
    try {
      after = await fal.queue.status(endpointId, request);
    } catch (error) {
      // A cancelled queued request may be gone: only a 404 says so; anything else is unknown.
      if (wasQueued && statusOfError(error) === 404) await settleRequest(requestId, 'release', app);
      return;
    }
    if (outcomeOfStatus(after) === 'commit') await settleRequest(requestId, 'commit', app);
    else if (wasQueued && (after as { status?: unknown }).status !== 'IN_PROGRESS') await settleRequest(requestId, 'release', app);
  }

  async function run(endpointId: string, callOptions: Options = {}) {
    const { call, options: sent } = await prepare('run', endpointId, callOptions);
    let output: unknown;
    try {
      output = await fal.run(endpointId, sent);
    } catch (error) {
      await settleLast(call, outcomeOfStartError(error, call.target.phase));
      throw error;
    }
    await settleLast(call, 'commit');
    return output;
  }

  async function stream(endpointId: string, callOptions: Options) {
    const { call, options: sent } = await prepare('stream', endpointId, callOptions);
    let opened: StreamLike;
    try {
      opened = await fal.stream(endpointId, sent);
    } catch (error) {
      await settleLast(call, outcomeOfStartError(error, 'run'));
      throw error;
    }
    // An aborted stream resolves done() too: counted, since fal may have produced output.
    opened.done().then(
      () => settleLast(call, 'commit'),
      (error: unknown) => settleLast(call, outcomeOfStartError(error, 'run')),
    );
    return opened;
  }

  const queue: QueueLike = { ...fal.queue, submit, status, subscribeToStatus, result, cancel };

  async function subscribe(endpointId: string, callOptions: Options) {
    // What the client's subscribe does, through the guarded submit; the result settles the hold.
    // If the wait fails, the hold stays under the request id for a later result or status.
    const { enqueued, call, sent } = await submitPrepared('subscribe', endpointId, callOptions);
    const requestId = enqueued.request_id as string;
    if (typeof sent.onEnqueue === 'function') sent.onEnqueue(requestId);
    // Polled at the endpoint priced: the client would poll a URL given as the id at a wrong path.
    const polled = call.target.endpoint;
    await fal.queue.subscribeToStatus(polled, withoutInput(requestId, sent));
    let output: unknown;
    try {
      output = await fal.queue.result(polled, { requestId });
    } catch (error) {
      const outcome = outcomeOfResultError(error);
      if (outcome !== 'hold') await settleRequest(requestId, outcome, call.target.app);
      throw error;
    }
    await settleRequest(requestId, 'commit', call.target.app);
    return output;
  }

  const wrapped: FalClientLike = {
    ...fal,
    queue,
    streaming: fal.streaming ? { ...fal.streaming, stream } : undefined,
    stream,
    run,
    subscribe,
  };
  return wrapped as unknown as Client;
}
