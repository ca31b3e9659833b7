import { InvalidRequestError, type IssuePath } from '../core/errors/index.js';

const isBlob = (value: unknown): value is Blob => typeof Blob !== 'undefined' && value instanceof Blob;

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

interface Walk {
  readonly endpoint: string;
  /** One stack shared by the whole walk (copied only into an error): a copy allocates no paths. */
  readonly path: (string | number)[];
  blobs: number;
}

function copy(walk: Walk, value: unknown): unknown {
  const { endpoint, path } = walk;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === undefined) return value;
  if (typeof value !== 'object') {
    throw new InvalidRequestError(endpoint, [{ path: [...path] as IssuePath, code: 'not_json', message: `a ${typeof value} is not a JSON value` }]);
  }
  // Blobs are immutable: the client uploads exactly what was quoted as a placeholder URL.
  if (isBlob(value)) {
    walk.blobs += 1;
    return value;
  }
  if (Array.isArray(value)) {
    const result = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index += 1) {
      path.push(index);
      result[index] = copy(walk, value[index]);
      path.pop();
    }
    return result;
  }
  if (isPlainObject(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const result: Record<string, unknown> = {};
    // Each getter is read once, here: the snapshot is what gets quoted and what gets sent.
    for (const key of Object.keys(value)) {
      path.push(key);
      result[key] = copy(walk, (value as Record<string, unknown>)[key]);
      path.pop();
    }
    return result;
  }
  // Anything else (a Date, a class instance, an object with toJSON) is sent as its JSON form:
  // take that form now, once, so it cannot change between the quote and the send.
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidRequestError(endpoint, [{ path: [...path] as IssuePath, code: 'not_json', message: `cannot be sent as JSON: ${(error as Error).message}` }], { cause: error });
  }
  return json === undefined ? undefined : JSON.parse(json);
}

/**
 * A copy of a call's input, taken once before it is priced: the guard quotes the copy and hands
 * the same copy to the client, so nothing the caller does to its object afterwards (a mutation
 * while the reservation is awaited, a getter, a toJSON) can send more than was reserved.
 * `holdsBlob` says whether the client will upload anything.
 */
export function snapshotInput(endpoint: string, input: unknown): { input: unknown; holdsBlob: boolean } {
  const walk: Walk = { endpoint, path: [], blobs: 0 };
  const copied = copy(walk, input);
  return { input: copied, holdsBlob: walk.blobs > 0 };
}
