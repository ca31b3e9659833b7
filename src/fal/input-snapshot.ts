import { InvalidRequestError, type IssuePath } from '../core/errors/index.js';
import { isMediaField } from './media-placeholders.js';

const isBlob = (value: unknown): value is Blob => typeof Blob !== 'undefined' && value instanceof Blob;

/** Deeper than any request body fal takes; a limit keeps a hostile input from overflowing the stack. */
const MAX_DEPTH = 64;

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

interface Walk {
  readonly endpoint: string;
  /** One stack shared by the whole walk (copied only into an error): a copy allocates no paths. */
  readonly path: (string | number)[];
  /** The objects being copied, to refuse a cycle (JSON.stringify would throw on it). */
  readonly open: Set<object>;
  blobs: number;
}

function refuse(walk: Walk, code: 'blob_not_media' | 'forbidden_key' | 'not_json' | 'too_deep', message: string, cause?: unknown): never {
  throw new InvalidRequestError(walk.endpoint, [{ path: [...walk.path] as IssuePath, code, message }], cause === undefined ? undefined : { cause });
}

/**
 * JSON.stringify drops undefined from an object and writes null for it in an array. It would
 * drop functions and symbols too, but one in an input is a mistake: those are refused, by name.
 */
const isOmitted = (value: unknown) => value === undefined;

/** A Blob may stand where the client uploads it and sends its URL: a media field of the input. */
function blobAllowed(path: readonly (string | number)[]): boolean {
  const field = path[0];
  return typeof field === 'string' && isMediaField(field) && (path.length === 1 || (path.length === 2 && typeof path[1] === 'number'));
}

function copy(walk: Walk, value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  // JSON has no NaN, Infinity or -0: take the value JSON.stringify would send.
  if (typeof value === 'number') return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
  if (typeof value !== 'object') {
    if (typeof value === 'bigint') refuse(walk, 'not_json', 'a bigint is not a JSON value');
    return refuse(walk, 'not_json', `a ${typeof value} is not a JSON value`);
  }
  if (isBlob(value)) {
    if (!blobAllowed(walk.path)) refuse(walk, 'blob_not_media', 'a Blob or File is uploaded and sent as a URL only in a media field (*_url, *_urls)');
    walk.blobs += 1;
    // Blobs are immutable: the client uploads exactly what was quoted as a placeholder URL.
    return value;
  }
  if (walk.path.length >= MAX_DEPTH) refuse(walk, 'too_deep', `nested more than ${MAX_DEPTH} levels`);
  if (walk.open.has(value)) refuse(walk, 'not_json', 'a cycle cannot be sent as JSON');
  if (Array.isArray(value)) return copyArray(walk, value);
  if (isPlainObject(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function') return copyObject(walk, value as Record<string, unknown>);
  // Anything else (a Date, a class instance, a boxed primitive, an object with toJSON) is sent as
  // its JSON form: take that form now, once, so it cannot change between the quote and the send.
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    return refuse(walk, 'not_json', `cannot be sent as JSON: ${(error as Error).message}`, error);
  }
  if (json === undefined) return undefined;
  // Its JSON form is data again: copied the same way, so the rules below hold inside it too.
  return copy(walk, JSON.parse(json));
}

function copyArray(walk: Walk, value: readonly unknown[]): unknown[] {
  walk.open.add(value);
  const result = new Array<unknown>(value.length);
  for (let index = 0; index < value.length; index += 1) {
    walk.path.push(index);
    const item = value[index];
    result[index] = isOmitted(item) ? null : copy(walk, item);
    walk.path.pop();
  }
  walk.open.delete(value);
  return result;
}

function copyObject(walk: Walk, value: Record<string, unknown>): Record<string, unknown> {
  walk.open.add(value);
  // No prototype: the quote sees exactly the keys that are sent, nothing inherited. Dropped
  // before the first key, so no setter or read-only field of Object.prototype meets an
  // assignment below. Not Object.create(null): V8 keeps that object in dictionary mode, which
  // costs ~200 ns per object to build and stringify; `{}` with its prototype dropped stays fast.
  const result = {} as Record<string, unknown>;
  Object.setPrototypeOf(result, null);
  // Own enumerable string keys, as JSON.stringify reads them; each getter is read once, here.
  for (const key of Object.keys(value)) {
    walk.path.push(key);
    // A body key "__proto__" becomes a prototype in a server that merges objects: never sent.
    if (key === '__proto__') refuse(walk, 'forbidden_key', 'a "__proto__" key is refused: a server merging the body could read it as inherited fields');
    const item = value[key];
    if (!isOmitted(item)) {
      const copied = copy(walk, item);
      if (copied !== undefined) result[key] = copied;
    }
    walk.path.pop();
  }
  walk.open.delete(value);
  return result;
}

/**
 * A copy of a call's input, taken once before it is priced: exactly the data JSON.stringify
 * would send (objects without a prototype, no undefined, no functions, toJSON applied), with the
 * Blobs of media fields kept for upload. The guard quotes the copy and sends the same copy, so
 * nothing the caller does to its object afterwards (a mutation while the reservation is
 * awaited, a getter, a toJSON, an inherited field) can make the body differ from the quote.
 * `holdsBlob` says whether anything must be uploaded.
 */
export function snapshotInput(endpoint: string, input: unknown): { input: unknown; holdsBlob: boolean } {
  const walk: Walk = { endpoint, path: [], open: new Set(), blobs: 0 };
  const copied = isOmitted(input) ? undefined : copy(walk, input);
  return { input: copied, holdsBlob: walk.blobs > 0 };
}
