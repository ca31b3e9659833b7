/**
 * A fal URL read the way fal routes it, and the way @fal-ai/client 1.10 addresses fal:
 * POST queue.fal.run/<endpoint> submits; queue.fal.run/<app>/requests/<id>[/status[/stream] |
 * /cancel] reads or cancels one request; any method to fal.run/<endpoint>[/stream] runs;
 * rest.fal.ai is fal's REST API (storage, tokens). Pure (no node:*), so the client wrapper and the
 * proxy middleware read targets the same way.
 */
export type FalHostKind = 'queue' | 'run' | 'rest' | 'other';

export type FalRequestAction = 'result' | 'status' | 'status_stream' | 'cancel';

export interface FalUrl {
  readonly host: FalHostKind;
  /**
   * queue and run hosts: the path's segments, percent-decoded, joined by "/" with no leading or
   * trailing slash (for a request URL, the app part). Undefined when the path names no endpoint:
   * empty, an empty segment ("a//b"), or a character no endpoint id has.
   */
  readonly endpointId: string | undefined;
  /** owner/alias (namespace/owner/alias under workflows/ and comfy/): what the queue's polls address. */
  readonly app: string | undefined;
  /** What follows the app in the path ("ray/v3.2/video-to-video", "requests/<id>/status"). */
  readonly pathRest: string;
  /** A queue URL of one request: its id and what it does. */
  readonly request: { readonly id: string; readonly action: FalRequestAction } | undefined;
  /** The query's parameters in order, decoded. */
  readonly query: ReadonlyArray<readonly [string, string]>;
}

/** The client's ENDPOINT_NAMESPACES: an app under these has three segments. */
const NAMESPACES: ReadonlySet<string> = new Set(['workflows', 'comfy']);

/** Endpoint ids are plain path words ("luma", "v3.2", "video-to-video"); anything else is refused. */
const SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

// A Map, not an object literal: ".../requests/<id>/constructor" must name no action.
const ACTIONS: ReadonlyMap<string, FalRequestAction> = new Map([['', 'result'], ['status', 'status'], ['status/stream', 'status_stream'], ['cancel', 'cancel']]);

function hostKind(url: URL): FalHostKind {
  // Only what the client itself builds: https, default port, no credentials in the URL.
  if (url.protocol !== 'https:' || url.port !== '' || url.username !== '' || url.password !== '') return 'other';
  if (url.hostname === 'queue.fal.run') return 'queue';
  if (url.hostname === 'fal.run') return 'run';
  if (url.hostname === 'rest.fal.ai') return 'rest';
  return 'other';
}

/** The path's segments, decoded; undefined when one is not an endpoint word. One trailing slash is allowed. */
function segmentsOf(pathname: string): string[] | undefined {
  // Every request of a wrapped client is parsed: plain string work, no regex replaces.
  const end = pathname.endsWith('/') ? pathname.length - 1 : pathname.length;
  const segments = pathname.slice(1, Math.max(end, 1)).split('/');
  for (let index = 0; index < segments.length; index += 1) {
    let segment = segments[index]!;
    if (segment.includes('%')) {
      try {
        segment = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
      segments[index] = segment;
    }
    if (!SEGMENT.test(segment)) return undefined;
  }
  return segments;
}

const NO_QUERY: ReadonlyArray<readonly [string, string]> = Object.freeze([]);

const appLength = (segments: readonly string[]) => (NAMESPACES.has(segments[0] ?? '') ? 3 : 2);

/**
 * A URL exactly as the client writes one for fal.run or queue.fal.run: lower-case host, plain
 * path words, a simple query. For such a string the URL parser changes nothing, so it is read
 * without one (every request of a wrapped client is parsed); anything else takes the full parse.
 */
const CANONICAL = /^https:\/\/(queue\.fal\.run|fal\.run)((?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+)\/?(\?[A-Za-z0-9_.~%=&+-]*)?$/;

function read(host: FalHostKind, segments: string[] | undefined, query: FalUrl['query']): FalUrl {
  if (segments === undefined) return { host, endpointId: undefined, app: undefined, pathRest: '', request: undefined, query };
  const length = appLength(segments);
  const app = segments.length >= length ? segments.slice(0, length).join('/') : undefined;
  const rest = segments.slice(length);
  if (host === 'queue' && app !== undefined && rest[0] === 'requests') {
    const request = requestOf(rest);
    return { host, endpointId: request ? app : undefined, app, pathRest: rest.join('/'), request, query };
  }
  return { host, endpointId: segments.join('/'), app, pathRest: rest.join('/'), request: undefined, query };
}

/** The request a queue path names after its app ("requests/<id>[/status...]"). */
function requestOf(rest: readonly string[]): FalUrl['request'] {
  const action = rest.length >= 2 ? ACTIONS.get(rest.slice(2).join('/')) : undefined;
  // A path under /requests that the client never builds is no request and no endpoint.
  return action === undefined ? undefined : { id: rest[1]!, action };
}

/**
 * The app and request of a queue URL that reads or cancels one request, exactly as parseFalUrl
 * would give them (`host` queue, `request` set), for a URL the client wrote; undefined for
 * anything else, which the caller then parses in full. The guarded fetch sees two such URLs per
 * subscribe (the status poll and the result): read by positions in the path CANONICAL matched,
 * without splitting it, building the query or the whole FalUrl.
 */
export function queueRequestOf(text: string): { readonly app: string; readonly request: NonNullable<FalUrl['request']> } | undefined {
  if (!text.startsWith('https://queue.fal.run/')) return undefined;
  const canonical = CANONICAL.exec(text);
  if (!canonical) return undefined;
  // "/seg/seg/...": every segment a non-empty endpoint word, no trailing slash.
  const path = canonical[2]!;
  // The app is owner/alias, or namespace/owner/alias (appLength); "requests" must follow it.
  let appEnd = 0;
  for (let segment = path.startsWith('/workflows/') || path.startsWith('/comfy/') ? 3 : 2; segment > 0; segment -= 1) {
    appEnd = path.indexOf('/', appEnd + 1);
    if (appEnd < 0) return undefined;
  }
  if (!path.startsWith('/requests/', appEnd)) return undefined;
  const idStart = appEnd + '/requests/'.length;
  const idEnd = path.indexOf('/', idStart);
  // What follows the id: nothing (the result), "/status", "/cancel" or "/status/stream".
  const after = idEnd < 0 ? '' : path.slice(idEnd);
  const action = after === '' ? 'result' : after === '/status' ? 'status' : after === '/cancel' ? 'cancel' : after === '/status/stream' ? 'status_stream' : undefined;
  if (action === undefined) return undefined;
  return { app: path.slice(1, appEnd), request: { id: path.slice(idStart, idEnd < 0 ? path.length : idEnd), action } };
}

const queryOf = (search: string | undefined): FalUrl['query'] =>
  (search === undefined || search.length <= 1 ? NO_QUERY : ([...new URLSearchParams(search).entries()] as Array<readonly [string, string]>));

/** Parses a URL; undefined when it is not one. Hosts other than fal's come back as `other`. */
export function parseFalUrl(text: string): FalUrl | undefined {
  const canonical = CANONICAL.exec(text);
  if (canonical) return read(canonical[1] === 'fal.run' ? 'run' : 'queue', canonical[2]!.slice(1).split('/'), queryOf(canonical[3]));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const host = hostKind(url);
  return read(host, host === 'queue' || host === 'run' ? segmentsOf(url.pathname) : undefined, queryOf(url.search));
}

/**
 * The app path the client's queue readers (status, result, cancel) address for an endpoint id,
 * as its parseEndpointId does: owner/alias, or namespace/owner/alias; "123-app" means "123/app".
 * Undefined when the client would refuse the id.
 */
export function appOfEndpointId(endpointId: string): string | undefined {
  const parts = endpointId.split('/');
  if (parts.length === 1) {
    const legacy = /^([0-9]+)-([a-zA-Z0-9-]+)$/.exec(endpointId);
    return legacy ? `${legacy[1]}/${legacy[2]}` : undefined;
  }
  return parts.slice(0, appLength(parts)).join('/');
}
