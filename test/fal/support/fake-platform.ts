import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * fal's platform API (api.fal.ai) on 127.0.0.1, answering in its documented shapes: billing
 * events (cursor pagination, at most 90 days a query) and pricing (1 to 50 ids). Rows are JSON
 * text, so a test can send numbers no double holds. It records every request and can be told to
 * answer 429s, a bad key, or a body cut off halfway.
 */
export interface RecordedCall {
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization: string | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class FakePlatform {
  /** Billing event rows, each the JSON text of one row. */
  events: string[] = [];
  /** Pricing rows by endpoint id, each the JSON text of one row. */
  prices = new Map<string, string>();
  readonly calls: RecordedCall[] = [];
  /** The next this many requests answer 429 (Retry-After: 0). */
  rateLimited = 0;
  /** The next request's body is cut off halfway and the connection closed. */
  truncateNext = false;
  /** Pricing rows per page (to test its pagination too). */
  pricingPageSize = 100;
  /**
   * Billing events that never end: every page says has_more with a cursor never given before,
   * carrying no rows ('empty') or one new row ('rows'), as a broken or hostile server might.
   */
  endless: 'empty' | 'rows' | undefined;
  private server: Server | undefined;

  constructor(readonly key = 'test-admin-key') {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.answer(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url!, 'http://127.0.0.1');
    this.calls.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: request.headers.authorization });
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      if (this.truncateNext) {
        this.truncateNext = false;
        response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
        // Once half the body is on the wire, the connection drops.
        response.write(body.slice(0, Math.floor(body.length / 2)), () => response.socket?.destroy());
        return;
      }
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    };
    if (request.headers.authorization !== `Key ${this.key}`) return send(401, '{"detail":"Invalid authentication credentials"}');
    if (this.rateLimited > 0) {
      this.rateLimited -= 1;
      return send(429, '{"detail":"Rate limit exceeded"}', { 'retry-after': '0' });
    }
    if (url.pathname === '/v1/models/billing-events') return this.billingEvents(url, send);
    if (url.pathname === '/v1/models/pricing') return this.pricing(url, send);
    send(404, '{"detail":"Not Found"}');
  }

  private billingEvents(url: URL, send: (status: number, body: string) => void): void {
    const start = Date.parse(url.searchParams.get('start') ?? '');
    const end = Date.parse(url.searchParams.get('end') ?? '');
    if (!Number.isFinite(start) || !Number.isFinite(end)) return send(422, '{"detail":"start and end must be ISO 8601"}');
    if (end - start > 90 * DAY_MS) return send(400, '{"detail":"Date range cannot exceed 90 days"}');
    const limit = Number(url.searchParams.get('limit') ?? '1000');
    const offset = Number(url.searchParams.get('cursor') ?? '0');
    if (this.endless) {
      const rows = this.endless === 'rows' ? billingRow(`endless-${offset}`, 'fal-ai/flux/dev', new Date(start).toISOString(), '1') : '';
      return send(200, `{"billing_events":[${rows}],"next_cursor":"${offset + 1}","has_more":true}`);
    }
    const inRange = this.events.filter((row) => {
      const at = Date.parse((JSON.parse(row) as { timestamp: string }).timestamp);
      return at >= start && at < end;
    });
    const page = inRange.slice(offset, offset + limit);
    const more = offset + limit < inRange.length;
    send(200, `{"billing_events":[${page.join(',')}],"next_cursor":${more ? JSON.stringify(String(offset + limit)) : 'null'},"has_more":${more}}`);
  }

  private pricing(url: URL, send: (status: number, body: string) => void): void {
    const ids = (url.searchParams.get('endpoint_id') ?? '').split(',').filter((id) => id.length > 0);
    if (ids.length < 1 || ids.length > 50) return send(422, '{"detail":"endpoint_id takes 1 to 50 ids"}');
    const rows = ids.flatMap((id) => (this.prices.has(id) ? [this.prices.get(id)!] : []));
    const offset = Number(url.searchParams.get('cursor') ?? '0');
    const page = rows.slice(offset, offset + this.pricingPageSize);
    const more = offset + this.pricingPageSize < rows.length;
    send(200, `{"prices":[${page.join(',')}],"next_cursor":${more ? JSON.stringify(String(offset + this.pricingPageSize)) : 'null'},"has_more":${more}}`);
  }
}

/** One billing event row as fal sends it, numbers as raw JSON. */
export function billingRow(requestId: string, endpointId: string, timestamp: string, costNanoUsd: string, unitPrice = '0.72'): string {
  return `{"request_id":${JSON.stringify(requestId)},"endpoint_id":${JSON.stringify(endpointId)},"timestamp":${JSON.stringify(timestamp)},"output_units":1,"unit_price":${unitPrice},"percent_discount":0,"cost_estimate_nano_usd":${costNanoUsd}}`;
}
