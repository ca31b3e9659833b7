import type { CoreBudgetGuard, Reservation } from '../guard/guard-types.js';
import type { CallTarget } from './client-target.js';
import { UnsupportedCallError } from './errors/unsupported-call-error.js';
import { outcomeOfStart, type Outcome } from './settlement.js';

/** What the guarded fetch saw of one attempt: its status (undefined: the exchange broke off). */
interface Observation {
  readonly status: number | undefined;
  /** A 2xx, or an error answer with fal's JSON body. */
  readonly fromFal: boolean;
}

/** Commits or releases a hold; a ledger failure then is a warning, never the caller's error. */
export async function settleHold(guard: CoreBudgetGuard, reservation: Reservation, outcome: Outcome): Promise<void> {
  if (outcome === 'hold') return;
  try {
    await (outcome === 'commit' ? reservation.commit() : reservation.release());
  } catch (error) {
    guard.warn({
      code: 'settle_failed',
      message: `could not ${outcome} hold ${reservation.holdId}; it stays and counts as spent when it expires: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

/**
 * The call whose body is being serialized right now. The client serializes the body of each
 * attempt (JSON.stringify in dispatchRequest) and calls its fetch in the same synchronous step,
 * so the guarded fetch takes this at its first line and knows which call, and which attempt,
 * it is sending. Cleared after the current task: a fetch that is not the guarded one never
 * leaves it to a later request.
 */
let armed: GuardedCall | undefined;

export function takeArmedCall(): GuardedCall | undefined {
  const call = armed;
  armed = undefined;
  return call;
}

/**
 * One guarded call and its attempts. The client retries a failed attempt (429, 502-504, a
 * broken connection) and fal may have started a job for it, so every attempt after the first
 * is reserved again before it is sent, and the attempt before it settles by what fal answered.
 */
export class GuardedCall {
  /** Times the client serialized the body: attempts it made. */
  serialized = 0;
  /** Attempts the guarded fetch took and sent. */
  taken = 0;
  /** Attempts the guarded fetch refused to send (not the request priced). */
  refused = 0;
  /** The hold of the latest attempt; undefined when its retry could not be reserved. */
  current: Reservation | undefined;
  private observed: Observation | undefined;

  constructor(
    readonly guard: CoreBudgetGuard,
    readonly target: CallTarget,
    first: Reservation,
    private readonly reserveAgain: () => Promise<Reservation>,
    readonly allowFallbacks: boolean,
  ) {
    this.current = first;
  }

  /** The input as the client receives it: its JSON is the priced snapshot, once per attempt. */
  body(data: unknown): PricedBody {
    return new PricedBody(this, data);
  }

  /** Called by PricedBody.toJSON: an attempt is about to be fetched. */
  serialize(): void {
    // The last attempt never reached the guarded fetch: this retry would go out unpriced.
    if (this.serialized > this.taken + this.refused) {
      throw new UnsupportedCallError(this.target.endpoint, 'fetch', 'the client is retrying a request that did not go through guardedFetch(guard); the retry is not sent');
    }
    this.serialized += 1;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the module's one armed slot names this call for the guarded fetch to take; not a stand-in for `this`
    armed = this;
    queueMicrotask(() => {
      if (armed === this) armed = undefined;
    });
  }

  /** Whether no attempt left: the client never serialized one, or the guarded fetch refused each. */
  get nothingSent(): boolean {
    return this.taken === 0 && this.serialized === this.refused;
  }

  /**
   * The guarded fetch is about to send an attempt: a retry gets its own hold first (or rejects).
   * The first attempt has its hold already: nothing to wait for.
   */
  beginAttempt(): Promise<void> | undefined {
    this.taken += 1;
    return this.taken > 1 ? this.reserveRetry() : undefined;
  }

  private async reserveRetry(): Promise<void> {
    const previous = this.current;
    const outcome = this.outcomeOfObserved();
    this.current = undefined;
    this.observed = undefined;
    // Settled first, so a retry of a refused attempt (a 429) fits where the refused one was.
    if (previous) await settleHold(this.guard, previous, outcome);
    this.current = await this.reserveAgain();
  }

  observe(status: number | undefined, fromFal: boolean): void {
    this.observed = { status, fromFal };
  }

  private outcomeOfObserved(): Outcome {
    const seen = this.observed;
    return seen ? outcomeOfStart(seen.status, this.target.phase, seen.fromFal) : 'hold';
  }
}

/**
 * What the wrapper hands the client as `input`. Not a plain object, so the client's
 * transformInput leaves it as it is (the guard uploaded the files already); JSON.stringify asks it
 * for its JSON once per attempt, which is how the guarded fetch learns of each attempt.
 */
export class PricedBody {
  constructor(private readonly call: GuardedCall, private readonly data: unknown) {}

  toJSON(): unknown {
    this.call.serialize();
    return this.data;
  }
}
