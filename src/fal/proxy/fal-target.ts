import { parseFalUrl, type FalUrl } from '../fal-url.js';
import { ProxyRequestError } from './proxy-request-error.js';

/**
 * What a proxied request is, read from its `x-fal-target-url` and method, the way
 * @fal-ai/client addresses fal: POST queue.fal.run/<endpoint> submits; GET
 * queue.fal.run/<app>/requests/<id>[/status[/stream]] polls; PUT .../cancel cancels;
 * POST fal.run/<endpoint>[/stream] runs; POST rest.fal.ai/storage/... starts an upload. The URL is read by
 * parseFalUrl (the one reading the wrapper uses too); this adds the proxy's policy: what it
 * forwards, prices or refuses. `app` is the app path: a poll settles only a hold submitted under
 * the same app.
 */
export type FalTarget =
  | { readonly kind: 'submit'; readonly endpoint: string; readonly app: string }
  | { readonly kind: 'run'; readonly endpoint: string; readonly streaming: boolean }
  | { readonly kind: 'status' | 'status_stream' | 'result' | 'cancel'; readonly app: string; readonly requestId: string }
  | { readonly kind: 'storage' }
  /** A read of a host that runs no fal app: forwarded, settles nothing. */
  | { readonly kind: 'read' };

const FIELD = 'x-fal-target-url';
/** Methods that read: forwarded without a body. HEAD is classified as the GET it is forwarded as. */
export const READS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Query parameters a submission may carry: fal_webhook says where fal posts the outcome, not what runs. */
const SUBMIT_QUERY: ReadonlySet<string> = new Set(['fal_webhook']);
const NO_QUERY: ReadonlySet<string> = new Set();

const invalid = (message: string) => new ProxyRequestError('invalid_target', FIELD, message);
const unguarded = (method: string, targetUrl: string) =>
  new ProxyRequestError('unguarded_target', FIELD, `the budget guard cannot price ${method} ${targetUrl}; it is not forwarded`);

/**
 * The URL exactly as fetch will send it, or a refusal. On top of what parseFalUrl reads, the proxy
 * takes only the one spelling WHATWG URL parsing gives back unchanged (so "..", "\\", an uppercase
 * or default-port host, a space from a duplicated header all fail), https, with no credentials,
 * port, fragment, IP or trailing-dot host, and no percent escape in the path: what the browser's
 * client builds. server-proxy's own URL parse and fetch throw on some of these inside its handler.
 */
function exactUrl(targetUrl: string): URL {
  let url: URL;
  try {
    url = new URL(targetUrl);
  } catch {
    throw invalid('is not a URL');
  }
  if (url.href !== targetUrl) throw invalid(`is not in its one exact spelling (${JSON.stringify(url.href)}): refused rather than guessed`);
  if (url.protocol !== 'https:') throw invalid(`must be an https URL, not ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw invalid('must not carry credentials (user:password@)');
  if (url.port !== '') throw invalid(`must not name a port (${url.port})`);
  if (url.hash !== '') throw invalid('must not have a fragment');
  if (url.hostname.endsWith('.') || url.hostname.startsWith('[') || /^[0-9.]+$/.test(url.hostname)) {
    throw invalid(`host ${url.hostname} is not a fal host name`);
  }
  if (url.pathname.includes('%')) throw invalid('has a percent escape in its path (an encoded slash or dot?): refused rather than decoded');
  return url;
}

/** Input can travel in a query string: only parameters known to carry none pass. */
function checkQuery(parsed: FalUrl, allowed: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const [key] of parsed.query) {
    if (!allowed.has(key)) {
      throw new ProxyRequestError('unpriced_query', `${FIELD}?${key}`, 'a query parameter could carry input the quote did not see; it is refused, not forwarded');
    }
    if (seen.has(key)) throw new ProxyRequestError('unpriced_query', `${FIELD}?${key}`, 'is given more than once');
    seen.add(key);
  }
}

/** A queue or run path parseFalUrl names no endpoint or request in: a request path the client never builds, or a malformed one. */
function unnamed(parsed: FalUrl, verb: string, targetUrl: string): ProxyRequestError {
  if (parsed.app !== undefined && parsed.pathRest.split('/')[0] === 'requests') return unguarded(verb, targetUrl);
  return invalid(`path ${new URL(targetUrl).pathname} names no fal endpoint (owner/alias/...) in plain segments`);
}

function queueTarget(verb: string, parsed: FalUrl, targetUrl: string): FalTarget {
  if (parsed.request && parsed.app !== undefined) {
    const polled = { app: parsed.app, requestId: parsed.request.id };
    const { action } = parsed.request;
    if (verb === 'PUT' && action === 'cancel') return { kind: 'cancel', ...polled };
    if (verb === 'GET' && action !== 'cancel') return { kind: action, ...polled };
    throw unguarded(verb, targetUrl);
  }
  if (parsed.endpointId === undefined || parsed.app === undefined) throw unnamed(parsed, verb, targetUrl);
  if (verb !== 'POST') throw unguarded(verb, targetUrl);
  checkQuery(parsed, SUBMIT_QUERY);
  return { kind: 'submit', endpoint: parsed.endpointId, app: parsed.app };
}

function runTarget(verb: string, parsed: FalUrl, targetUrl: string): FalTarget {
  // fal.run runs the app for any method (a GET carries its input in the query): only a POST is priced.
  if (verb !== 'POST') throw unguarded(verb, targetUrl);
  if (parsed.endpointId === undefined || parsed.app === undefined) throw unnamed(parsed, verb, targetUrl);
  checkQuery(parsed, NO_QUERY);
  // The client's stream() posts to <endpoint>/stream.
  const streaming = parsed.pathRest.split('/').at(-1) === 'stream';
  return { kind: 'run', endpoint: streaming ? parsed.endpointId.slice(0, -'/stream'.length) : parsed.endpointId, streaming };
}

/**
 * Classifies one proxied request, or throws a ProxyRequestError saying why it is not forwarded:
 * a target it cannot read exactly (400), a spending target it cannot price (403), a query that
 * could carry input (400).
 */
export function classifyTarget(method: string, targetUrl: string): FalTarget {
  const upper = method.toUpperCase();
  const verb = upper === 'HEAD' ? 'GET' : upper;
  const url = exactUrl(targetUrl);
  const parsed = parseFalUrl(targetUrl);
  if (parsed === undefined) throw invalid('is not a URL');
  if (parsed.host === 'queue') return queueTarget(verb, parsed, targetUrl);
  if (parsed.host === 'run') return runTarget(verb, parsed, targetUrl);
  if (parsed.host === 'rest' && url.pathname.startsWith('/storage/')) {
    // @fal-ai/client's storage sends only POSTs through the proxy (initiate, initiate-multipart);
    // its PUTs go straight to the upload URL. Any other method is refused: fetch() throws on some
    // (TRACE, CONNECT) inside server-proxy's handler.
    if (verb !== 'POST') throw new ProxyRequestError('unguarded_target', FIELD, `${verb} ${targetUrl}: fal's storage upload only POSTs through a proxy; it is not forwarded`);
    return { kind: 'storage' };
  }
  // Any other fal.run host could run an app: nothing there is forwarded.
  if (parsed.host === 'other' && url.hostname.endsWith('.fal.run')) throw unguarded(verb, targetUrl);
  if (READS.has(verb)) return { kind: 'read' };
  throw unguarded(verb, targetUrl);
}
