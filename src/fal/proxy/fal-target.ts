import { appSegmentCount } from './app-path.js';
import { ProxyRequestError } from './proxy-request-error.js';

/**
 * What a proxied request is, read from its `x-fal-target-url` and method, the way
 * @fal-ai/client addresses fal: POST queue.fal.run/<endpoint> submits; GET
 * queue.fal.run/<app>/requests/<id>[/status[/stream]] polls; PUT .../cancel cancels;
 * POST fal.run/<endpoint>[/stream] runs; rest.fal.ai/storage/... uploads. `app` is the app
 * path (see app-path.ts): a poll settles only a hold submitted under the same app.
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
/** Unreserved URL characters only: no percent escapes (an encoded slash or dot), no ";" or ",". */
const SEGMENT = /^[A-Za-z0-9._~-]+$/;
/** Query parameters a submission may carry: fal_webhook says where fal posts the outcome, not what runs. */
const SUBMIT_QUERY: ReadonlySet<string> = new Set(['fal_webhook']);
const NO_QUERY: ReadonlySet<string> = new Set();

const invalid = (message: string) => new ProxyRequestError('invalid_target', FIELD, message);
const unguarded = (method: string, targetUrl: string) =>
  new ProxyRequestError('unguarded_target', FIELD, `the budget guard cannot price ${method} ${targetUrl}; it is not forwarded`);

/**
 * The URL exactly as fetch will send it, or a refusal. A target must be the one spelling WHATWG
 * URL parsing gives back unchanged (so "..", "\", an uppercase or default-port host, a space from
 * a duplicated header all fail), over https, with no credentials, port, fragment or IP host.
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
  return url;
}

/** The path's segments; each must be plain (see SEGMENT). One trailing slash is dropped where fal ignores it. */
function segmentsOf(url: URL, trailingSlash: boolean): string[] {
  const segments = url.pathname.slice(1).split('/');
  if (trailingSlash && segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') {
      throw invalid(`path segment ${JSON.stringify(segment)} is empty, escaped or not plain; refused rather than guessed`);
    }
  }
  return segments;
}

function appOf(segments: readonly string[]): number {
  const count = appSegmentCount(segments);
  if (count === undefined) throw invalid(`path /${segments.join('/')} names no fal app (owner/alias)`);
  return count;
}

/** Input can travel in a query string: only parameters known to carry none pass. */
function checkQuery(url: URL, allowed: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const key of url.searchParams.keys()) {
    if (!allowed.has(key)) {
      throw new ProxyRequestError('unpriced_query', `${FIELD}?${key}`, 'a query parameter could carry input the quote did not see; it is refused, not forwarded');
    }
    if (seen.has(key)) throw new ProxyRequestError('unpriced_query', `${FIELD}?${key}`, 'is given more than once');
    seen.add(key);
  }
}

function queueTarget(verb: string, url: URL, targetUrl: string): FalTarget {
  const segments = segmentsOf(url, verb === 'POST');
  const app = appOf(segments);
  if (segments[app] !== 'requests') {
    if (verb !== 'POST') throw unguarded(verb, targetUrl);
    checkQuery(url, SUBMIT_QUERY);
    return { kind: 'submit', endpoint: segments.join('/'), app: segments.slice(0, app).join('/') };
  }
  const requestId = segments[app + 1];
  if (requestId === undefined) throw unguarded(verb, targetUrl);
  const polled = { app: segments.slice(0, app).join('/'), requestId };
  const action = segments.slice(app + 2).join('/');
  if (verb === 'PUT' && action === 'cancel') return { kind: 'cancel', ...polled };
  if (verb === 'GET' && action === '') return { kind: 'result', ...polled };
  if (verb === 'GET' && action === 'status') return { kind: 'status', ...polled };
  if (verb === 'GET' && action === 'status/stream') return { kind: 'status_stream', ...polled };
  throw unguarded(verb, targetUrl);
}

function runTarget(verb: string, url: URL, targetUrl: string): FalTarget {
  // fal.run runs the app for any method (a GET carries its input in the query): only a POST is priced.
  if (verb !== 'POST') throw unguarded(verb, targetUrl);
  const segments = segmentsOf(url, true);
  const streaming = segments.length > 2 && segments[segments.length - 1] === 'stream';
  const endpoint = streaming ? segments.slice(0, -1) : segments;
  appOf(endpoint);
  checkQuery(url, NO_QUERY);
  return { kind: 'run', endpoint: endpoint.join('/'), streaming };
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
  const host = url.hostname;
  if (host === 'queue.fal.run') return queueTarget(verb, url, targetUrl);
  if (host === 'fal.run') return runTarget(verb, url, targetUrl);
  // Any other fal.run host could run an app: nothing there is forwarded.
  if (host.endsWith('.fal.run')) throw unguarded(verb, targetUrl);
  if (host === 'rest.fal.ai' && url.pathname.startsWith('/storage/')) {
    segmentsOf(url, false);
    return { kind: 'storage' };
  }
  if (READS.has(verb)) return { kind: 'read' };
  throw unguarded(verb, targetUrl);
}
