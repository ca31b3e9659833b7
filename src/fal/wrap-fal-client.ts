import type { CallContext } from '../guard/budget-spec.js';
import { InvalidOptionError } from '../guard/errors/invalid-option-error.js';
import type { BudgetGuard, Reservation, WrapOptions } from '../guard/guard-types.js';
import { snapshotInput } from '../guard/input-snapshot.js';
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
  storage: { transformInput(input: unknown): Promise<unknown> };
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
    && typeof candidate.storage?.transformInput === 'function'
    && typeof queue?.submit === 'function' && typeof queue.status === 'function' && typeof queue.subscribeToStatus === 'function'
    && typeof queue.result === 'function' && typeof queue.cancel === 'function';
  if (!ok) throw new InvalidOptionError('client', 'is not a fal client (createFalClient() from @fal-ai/client 1.x)');
}

/**
 * Wraps a fal client: subscribe, run, stream (and streaming.stream) and queue.submit are quoted
 * and reserved before the client does anything, uploads included; queue.result, queue.status,
 * queue.subscribeToStatus and queue.cancel settle the holds they learn the outcome of.
 * Everything else is the client's own.
 */
export function wrapFalClient<Client extends object>(guard: BudgetGuard, client: Client, options: WrapOptions = {}): Client {
  assertFalClient(client);
  const fal = client;
  const provider = options.provider ?? 'fal';
  const contextOf = (): CallContext | undefined => (typeof options.context === 'function' ? options.context() : options.context);

  /**
   * Snapshots the call's input, then quotes and reserves the snapshot. The snapshot is also what
   * the caller of this returns to the client: what was priced is exactly what is sent.
   */
  async function reserve(endpointId: string, callOptions: Options | undefined) {
    const options = callOptions ?? {};
    const snapshot = snapshotInput(endpointId, options.input);
    const frozen: Options = options.input === undefined ? options : { ...options, input: snapshot.input };
    const reservation = await guard.reserve(endpointId, frozen.input, { context: contextOf(), provider });
    return { reservation, frozen, holdsBlob: snapshot.holdsBlob };
  }

  const failed = (doing: string, error: unknown) =>
    guard.warn({ code: 'settle_failed', message: `could not ${doing}; the hold stays and counts as spent when it expires: ${error instanceof Error ? error.message : String(error)}`, cause: error });

  async function settle(reservation: Reservation, outcome: Outcome): Promise<void> {
    if (outcome === 'hold') return;
    try {
      await (outcome === 'commit' ? reservation.commit() : reservation.release());
    } catch (error) {
      failed(`${outcome} hold ${reservation.holdId}`, error);
    }
  }

  async function settleRequest(requestId: unknown, outcome: Outcome): Promise<void> {
    if (outcome === 'hold' || typeof requestId !== 'string') return;
    try {
      await guard.settleRequest(requestId, outcome);
    } catch (error) {
      failed(`${outcome} the hold of request ${requestId}`, error);
    }
  }

  /** Whether the ledger links this request id to a hold; a ledger that cannot answer: no. */
  async function linked(requestId: string): Promise<boolean> {
    try {
      return (await guard.linkOf(requestId)) !== undefined;
    } catch (error) {
      failed(`look up the hold of request ${requestId}`, error);
      return false;
    }
  }

  /**
   * Uploads the input's files only once the call is reserved; a failed upload sent no request.
   * Without a Blob there is nothing to upload: the client's own transform is left to do nothing.
   */
  async function uploadAfterReserve(reservation: Reservation, callOptions: Options): Promise<Options> {
    try {
      return { ...callOptions, input: await fal.storage.transformInput(callOptions.input) };
    } catch (error) {
      await settle(reservation, 'release');
      throw error;
    }
  }

  const withUploads = (reservation: Reservation, callOptions: Options, holdsBlob: boolean): Options | Promise<Options> =>
    (holdsBlob ? uploadAfterReserve(reservation, callOptions) : callOptions);

  async function submit(endpointId: string, callOptions: Options) {
    return (await submitReserved(endpointId, callOptions)).enqueued;
  }

  async function submitReserved(endpointId: string, callOptions: Options) {
    const { reservation, frozen, holdsBlob } = await reserve(endpointId, callOptions);
    const pending = withUploads(reservation, frozen, holdsBlob);
    const uploaded = pending instanceof Promise ? await pending : pending;
    let enqueued: { request_id?: unknown };
    try {
      // The client's own retries of this one submit (429/502/503/504) stay inside this call: one hold.
      enqueued = await fal.queue.submit(endpointId, uploaded);
    } catch (error) {
      await settle(reservation, outcomeOfStartError(error, 'submit'));
      throw error;
    }
    if (typeof enqueued?.request_id === 'string') {
      try {
        await reservation.attachRequest(enqueued.request_id);
      } catch (error) {
        failed(`link request ${enqueued.request_id} to hold ${reservation.holdId}`, error);
      }
    } else {
      guard.warn({ code: 'request_id_missing', message: `fal accepted a submit to ${endpointId} without a request id; its hold counts as spent when it expires` });
    }
    return { enqueued, reservation };
  }

  async function result(endpointId: string, callOptions: RequestOptions) {
    let output: unknown;
    try {
      output = await fal.queue.result(endpointId, callOptions);
    } catch (error) {
      await settleRequest(callOptions?.requestId, outcomeOfResultError(error));
      throw error;
    }
    await settleRequest(callOptions?.requestId, 'commit');
    return output;
  }

  async function status(endpointId: string, callOptions: RequestOptions) {
    const answer = await fal.queue.status(endpointId, callOptions);
    await settleRequest(callOptions?.requestId, outcomeOfStatus(answer));
    return answer;
  }

  async function subscribeToStatus(endpointId: string, callOptions: RequestOptions) {
    const answer = await fal.queue.subscribeToStatus(endpointId, callOptions);
    await settleRequest(callOptions?.requestId, outcomeOfStatus(answer));
    return answer;
  }

  /**
   * fal answers a cancel the same way whether the request was queued or already running, so the
   * guard looks before and after: queued before, cancel accepted, and afterwards neither running
   * nor completed with an output => it never ran: release. Completed with an output => commit.
   */
  async function cancel(endpointId: string, callOptions: RequestOptions) {
    const requestId = callOptions?.requestId;
    if (typeof requestId !== 'string' || !(await linked(requestId))) return fal.queue.cancel(endpointId, callOptions);
    const request = { requestId, abortSignal: callOptions.abortSignal };
    const before = await fal.queue.status(endpointId, request).catch(() => undefined);
    await fal.queue.cancel(endpointId, callOptions);
    const wasQueued = (before as { status?: unknown } | undefined)?.status === 'IN_QUEUE';
    let after: unknown;
    try {
      after = await fal.queue.status(endpointId, request);
    } catch (error) {
      // A cancelled queued request may be gone: only a 404 says so; anything else is unknown.
      if (wasQueued && statusOfError(error) === 404) await settleRequest(requestId, 'release');
      return;
    }
    if (outcomeOfStatus(after) === 'commit') await settleRequest(requestId, 'commit');
    else if (wasQueued && (after as { status?: unknown }).status !== 'IN_PROGRESS') await settleRequest(requestId, 'release');
  }

  async function run(endpointId: string, callOptions: Options = {}) {
    const { reservation, frozen, holdsBlob } = await reserve(endpointId, callOptions);
    const uploaded = await withUploads(reservation, frozen, holdsBlob);
    try {
      const output = await fal.run(endpointId, uploaded);
      await settle(reservation, 'commit');
      return output;
    } catch (error) {
      await settle(reservation, outcomeOfStartError(error, 'run'));
      throw error;
    }
  }

  async function stream(endpointId: string, callOptions: Options) {
    const { reservation, frozen, holdsBlob } = await reserve(endpointId, callOptions);
    const uploaded = await withUploads(reservation, frozen, holdsBlob);
    let opened: StreamLike;
    try {
      opened = await fal.stream(endpointId, uploaded);
    } catch (error) {
      await settle(reservation, outcomeOfStartError(error, 'run'));
      throw error;
    }
    // An aborted stream resolves done() too: counted, since fal may have produced output.
    opened.done().then(
      () => settle(reservation, 'commit'),
      (error: unknown) => settle(reservation, outcomeOfStartError(error, 'run')),
    );
    return opened;
  }

  const queue: QueueLike = { ...fal.queue, submit, status, subscribeToStatus, result, cancel };

  async function subscribe(endpointId: string, callOptions: Options) {
    // What the client's subscribe does, through the guarded submit; the result settles the hold.
    // If the wait fails, the hold stays under the request id for a later result or status.
    const { enqueued, reservation } = await submitReserved(endpointId, callOptions);
    const requestId = enqueued.request_id as string;
    if (typeof callOptions.onEnqueue === 'function') callOptions.onEnqueue(requestId);
    await fal.queue.subscribeToStatus(endpointId, { requestId, ...callOptions });
    let output: unknown;
    try {
      output = await fal.queue.result(endpointId, { requestId });
    } catch (error) {
      const outcome = outcomeOfResultError(error);
      if (outcome !== 'hold') await settleRequest(requestId, outcome);
      throw error;
    }
    if (await linked(requestId)) await settleRequest(requestId, 'commit');
    else await settle(reservation, 'commit');
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
