/**
 * What an observed outcome means for a hold. fal bills successful outputs, never a 5xx; a 422
 * may be billed and is counted. What the guard cannot read stays held and counts as spent when
 * the hold expires: the guard may over-count, never under-count.
 */
export type Outcome = 'commit' | 'release' | 'hold';

/** Refusals of fal's gateway before anything runs: credentials, payment, unknown app, method, rate limit. */
const REFUSED_AT_THE_DOOR: ReadonlySet<number> = new Set([401, 402, 403, 404, 405, 429]);

/**
 * The answer to the call that starts the work. `submit`: a 2xx keeps the hold under the request
 * id; the queue runs nothing it refused, so any 4xx but 422 releases. `run` (and stream): the
 * answer is the outcome; a 4xx from the app itself may follow billed work, so only the gateway's
 * own refusals release.
 */
export function outcomeOfStart(status: number | undefined, phase: 'submit' | 'run', fromFal = true): Outcome {
  if (status === undefined) return 'hold';
  if (status >= 200 && status < 300) return phase === 'run' ? 'commit' : 'hold';
  if (status >= 500) return fromFal ? 'release' : 'hold';
  if (status === 422) return 'commit';
  if (status < 400) return 'hold';
  if (phase === 'submit') return 'release';
  return REFUSED_AT_THE_DOOR.has(status) ? 'release' : 'commit';
}

/**
 * The answer to GET .../requests/{id} (the result). A 2xx is the output; 5xx and 422 are the
 * request's stored outcome. Any other 4xx (still running, not found, no access) says nothing.
 */
export function outcomeOfResult(status: number | undefined, fromFal = true): Outcome {
  if (status === undefined) return 'hold';
  if (status >= 200 && status < 300) return 'commit';
  if (status >= 500) return fromFal ? 'release' : 'hold';
  if (status === 422) return 'commit';
  return 'hold';
}

/** A queue status body: COMPLETED without an error means the output exists and was billed. */
export function outcomeOfStatus(body: unknown): Outcome {
  if (typeof body !== 'object' || body === null) return 'hold';
  const { status, error } = body as { status?: unknown; error?: unknown };
  return status === 'COMPLETED' && (error === undefined || error === null) ? 'commit' : 'hold';
}

/** The HTTP status of a fal client error (ApiError, ValidationError); undefined for anything else. */
export function statusOfError(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status } = error as { status?: unknown };
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

/**
 * Whether an error answer came from fal: fal answers errors with a JSON object ({ detail, ... }).
 * A 5xx without one (an HTML page from a proxy in between, or FalStream's wrapper around a dropped
 * connection, which it reports as a bodiless 500) says nothing about the request: it stays held.
 */
function answeredByFal(error: unknown): boolean {
  const body = typeof error === 'object' && error !== null ? (error as { body?: unknown }).body : undefined;
  return typeof body === 'object' && body !== null;
}

export function outcomeOfStartError(error: unknown, phase: 'submit' | 'run'): Outcome {
  return outcomeOfStart(statusOfError(error), phase, answeredByFal(error));
}

export function outcomeOfResultError(error: unknown): Outcome {
  return outcomeOfResult(statusOfError(error), answeredByFal(error));
}
