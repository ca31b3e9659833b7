import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An Ed25519 key pair made for the test, signing deliveries the way fal does. */
export class WebhookSigner {
  private readonly privateKey: KeyObject;
  /** The public key as a JWKS entry: { kty: "OKP", crv: "Ed25519", x }. */
  readonly jwk: { kty: string; crv: string; x: string };

  constructor() {
    const pair = generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.jwk = pair.publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  }

  /** The four X-Fal-Webhook-* headers for `body`, signed over request id, user, timestamp and sha256(body). */
  headers(body: string | Uint8Array, delivery: { requestId: string; timestamp: number; userId?: string }): Record<string, string> {
    const userId = delivery.userId ?? 'user-1';
    const digest = createHash('sha256').update(body).digest('hex');
    const message = Buffer.from(`${delivery.requestId}\n${userId}\n${delivery.timestamp}\n${digest}`, 'utf8');
    return {
      'content-type': 'application/json',
      'x-fal-webhook-request-id': delivery.requestId,
      'x-fal-webhook-user-id': userId,
      'x-fal-webhook-timestamp': String(delivery.timestamp),
      'x-fal-webhook-signature': sign(null, message, this.privateKey).toString('hex'),
    };
  }
}

/** fal's webhook body for a request that ended `status` (an error's text as fal writes it). */
export function webhookBody(requestId: string, status: 'OK' | 'ERROR', error?: string): string {
  return JSON.stringify(status === 'OK'
    ? { request_id: requestId, gateway_request_id: requestId, status, payload: { video: { url: `https://v3.fal.media/files/fake/${requestId}.mp4` } }, error: null }
    : { request_id: requestId, gateway_request_id: requestId, status, payload: { detail: 'failed' }, error: error ?? null });
}

/** A JWKS on 127.0.0.1 whose keys (or failure) a test changes, counting every fetch. */
export class JwksServer {
  keys: object[] = [];
  /** When set, every fetch is answered with this status and no keys. */
  failWith: number | undefined;
  hits = 0;
  private server: Server | undefined;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.hits += 1;
      if (this.failWith !== undefined) {
        response.writeHead(this.failWith, { 'content-type': 'application/json' }).end('{"detail":"down"}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
