import { ProxyRequestError } from './proxy-request-error.js';

/** The most of a request body the middleware reads by default: fal's JSON inputs carry media as URLs. */
export const DEFAULT_MAX_BODY_BYTES = 1 << 20;

/**
 * A body is priced as JSON, so it must say it is JSON: a body under another type is refused
 * rather than read as something it does not claim to be (or left unread by express.json(), which
 * skips types it does not parse and leaves `{}` in its place).
 */
export function requireJsonContentType(contentType: string | undefined): void {
  const [type = '', ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  if (type !== 'application/json' || (charset !== undefined && charset !== 'utf-8')) {
    throw new ProxyRequestError('unsupported_media_type', 'content-type', `the body must be application/json in UTF-8, not ${JSON.stringify(contentType ?? '(none)')}`);
  }
}

/** Reads a body of at most `limit` bytes as UTF-8 JSON: undefined when empty. */
export async function readJsonBody(chunks: AsyncIterable<Uint8Array | string>, limit: number): Promise<unknown> {
  const parts: Uint8Array[] = [];
  const encoder = new TextEncoder();
  let size = 0;
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > limit) throw new ProxyRequestError('body_too_large', 'body', `is over ${limit} bytes (the maxBodyBytes option)`);
    parts.push(bytes);
  }
  if (size === 0) return undefined;
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(joined));
  } catch (error) {
    throw new ProxyRequestError('invalid_json', 'body', 'is not valid UTF-8 JSON', { cause: error });
  }
}
