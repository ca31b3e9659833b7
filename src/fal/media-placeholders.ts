/**
 * The fal client uploads every Blob/File in an input and sends its URL instead. The guard must
 * price the input before any upload happens, so it quotes a copy in which each Blob in a media
 * field (`*_url`, `*_urls`, or an item of one) is replaced by a URL, as the client would do.
 * Blobs anywhere else stay Blobs and fail strict validation (the input snapshot refuses them).
 */
const PLACEHOLDER_URL = 'https://fal.media/files/fal-budget/blob-placeholder';

const isBlob = (value: unknown): value is Blob => typeof Blob !== 'undefined' && value instanceof Blob;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export const isMediaField = (name: string): boolean => name.endsWith('_url') || name.endsWith('_urls');

function substitute(value: unknown, replace: (blob: Blob) => string): unknown {
  if (isBlob(value)) return replace(value);
  if (Array.isArray(value)) return value.some(isBlob) ? value.map((item) => (isBlob(item) ? replace(item) : item)) : value;
  return value;
}

/** Defines a data property, whatever the key: a "__proto__" key stays a key, no setter runs. */
const define = (target: object, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

function dataCopy(input: Record<string, unknown>): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(input)) as Record<string, unknown>;
  for (const key of Object.keys(input)) define(copy, key, input[key]);
  return copy;
}

/**
 * A shallow copy of `input` with each Blob of a media field replaced by `replace(blob)`, in the
 * order the fields and items come; `input` itself when it holds none. The copy keeps the
 * input's prototype (none, for a snapshot).
 */
export function replaceMediaBlobs(input: unknown, replace: (blob: Blob) => string): unknown {
  if (!isPlainObject(input)) return input;
  let copy: Record<string, unknown> | undefined;
  for (const name of Object.keys(input)) {
    if (!isMediaField(name)) continue;
    const value = input[name];
    const replaced = substitute(value, replace);
    if (replaced !== value) {
      copy ??= dataCopy(input);
      define(copy, name, replaced);
    }
  }
  return copy ?? input;
}

/** The Blobs of `input`'s media fields, in the order replaceMediaBlobs visits them. */
export function mediaBlobs(input: unknown): Blob[] {
  const blobs: Blob[] = [];
  replaceMediaBlobs(input, (blob) => {
    blobs.push(blob);
    return PLACEHOLDER_URL;
  });
  return blobs;
}

/** `input` as the guard quotes it: each media Blob stands for the URL it will be uploaded to. */
export function withMediaPlaceholders(input: unknown): unknown {
  return replaceMediaBlobs(input, () => PLACEHOLDER_URL);
}
