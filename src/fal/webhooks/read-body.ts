import { refuse } from './webhook-receiver.js';
import type { WebhookAnswer } from './webhook-types.js';

/**
 * Collects a body's chunks, stopping as soon as it outgrows the limit (a 413 then, without
 * reading the rest into memory).
 */
export async function collectBody(chunks: AsyncIterable<Uint8Array | string>, maxBodyBytes: number): Promise<Uint8Array | WebhookAnswer> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const encoder = new TextEncoder();
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > maxBodyBytes) return refuse(413, 'body_too_large', `the body is over ${maxBodyBytes} bytes`);
    parts.push(bytes);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return body;
}
