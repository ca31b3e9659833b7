/**
 * The fal client uploads every Blob/File in an input (storage.transformInput) and sends its URL
 * instead. The guard must price the input before any upload happens, so it quotes a copy in
 * which each Blob in a media field (`*_url`, `*_urls`) is replaced by a URL, as the client would
 * do. Blobs anywhere else stay Blobs and fail strict validation: the request would be wrong.
 */
export const PLACEHOLDER_URL = 'https://fal.media/files/fal-budget/blob-placeholder';

const isBlob = (value: unknown): value is Blob => typeof Blob !== 'undefined' && value instanceof Blob;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

const isMediaField = (name: string) => name.endsWith('_url') || name.endsWith('_urls');

function substitute(value: unknown): unknown {
  if (isBlob(value)) return PLACEHOLDER_URL;
  if (Array.isArray(value)) return value.some(isBlob) ? value.map((item) => (isBlob(item) ? PLACEHOLDER_URL : item)) : value;
  return value;
}

/** A shallow copy of `input` with Blobs in media fields replaced by a URL; `input` itself if none. */
export function withMediaPlaceholders(input: unknown): unknown {
  if (!isPlainObject(input)) return input;
  let copy: Record<string, unknown> | undefined;
  for (const name in input) {
    if (!Object.hasOwn(input, name) || !isMediaField(name)) continue;
    const value = input[name];
    const replaced = substitute(value);
    if (replaced !== value) {
      copy ??= { ...input };
      copy[name] = replaced;
    }
  }
  return copy ?? input;
}
