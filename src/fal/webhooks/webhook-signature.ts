/**
 * fal's webhook signature: Ed25519 over the UTF-8 bytes of
 *   request_id "\n" user_id "\n" timestamp "\n" hex(sha256(raw body))
 * sent hex-encoded in X-Fal-Webhook-Signature. WebCrypto only (crypto.subtle, Node >= 20 and
 * every edge runtime), so the fetch-style handler runs anywhere.
 */

export interface SignedHeaders {
  readonly requestId: string;
  readonly userId: string;
  /** Unix seconds, exactly as sent (the signature covers the text). */
  readonly timestamp: string;
  readonly signature: string;
}

/** A WebCrypto public key (named via crypto.subtle: Node's types declare no global CryptoKey). */
export type VerifyKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += byte.toString(16).padStart(2, '0');
  return text;
}

/** 64 bytes from 128 hex digits, or undefined for anything else. */
export function signatureBytes(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{128}$/.test(text)) return undefined;
  const bytes = new Uint8Array(64);
  for (let index = 0; index < 64; index += 1) bytes[index] = Number.parseInt(text.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/** The bytes fal signs for a delivery. */
export async function signedMessage(headers: Omit<SignedHeaders, 'signature'>, body: Uint8Array): Promise<Uint8Array> {
  const digest = hex(await crypto.subtle.digest('SHA-256', body));
  return encoder.encode(`${headers.requestId}\n${headers.userId}\n${headers.timestamp}\n${digest}`);
}

/** Whether any of the keys verifies the signature over the message. */
export async function verifiedByAny(keys: readonly VerifyKey[], signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  for (const key of keys) {
    if (await crypto.subtle.verify('Ed25519', key, signature, message)) return true;
  }
  return false;
}
