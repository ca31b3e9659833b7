import { UnsupportedCallError } from './errors/unsupported-call-error.js';
import { parseFalUrl } from './fal-url.js';

/**
 * Where a guarded call of @fal-ai/client 1.10 goes, worked out the way the client does it
 * (request.ts buildUrl, utils.ts isValidUrl/ensureEndpointIdFormat/resolveEndpointPath, and
 * what run, queue.submit and streaming.stream pass to them), in one place for every guarded
 * method. Options the guard does not know are refused: a future option could move the call.
 */
export type GuardedMethod = 'run' | 'submit' | 'subscribe' | 'stream';

export interface CallTarget {
  /** The URL the client will fetch, character for character. */
  readonly url: string;
  /** The endpoint priced: the URL's path (a trailing /stream is the same endpoint). */
  readonly endpoint: string;
  /** Which rules settle a failed attempt: what the host is, whatever the method was called. */
  readonly phase: 'submit' | 'run';
  /** The app path fal's queue polls of this call use (queue targets only). */
  readonly app: string | undefined;
  /**
   * The caller's options, each read once, without `input`: what the guard hands the client, so
   * a getter cannot show the guard one value and the client another.
   */
  readonly options: Record<string, unknown>;
}

/** Options that do not move the call (headers the client sets, callbacks, timeouts, signals). */
const HARMLESS: Readonly<Record<GuardedMethod, readonly string[]>> = {
  run: ['abortSignal', 'storageSettings', 'startTimeout'],
  submit: ['abortSignal', 'storageSettings', 'startTimeout', 'priority', 'hint', 'webhookUrl'],
  subscribe: [
    'abortSignal', 'storageSettings', 'startTimeout', 'priority', 'hint', 'webhookUrl',
    'mode', 'pollInterval', 'connectionMode', 'onEnqueue', 'onQueueUpdate', 'logs', 'timeout',
  ],
  stream: ['timeout', 'autoUpload', 'accept', 'signal', 'tokenProvider'],
};

/** Options that decide the target; each is checked below. */
const TARGETING: Readonly<Record<GuardedMethod, readonly string[]>> = {
  run: ['method', 'path', 'query', 'subdomain'],
  submit: ['method', 'path', 'query', 'headers'],
  subscribe: ['method', 'path', 'query', 'headers'],
  stream: ['method', 'url', 'queryParams', 'connectionMode'],
};

/** Every option a method takes, `input` included (its snapshot is taken apart). */
const KNOWN: Readonly<Record<GuardedMethod, ReadonlySet<string>>> = {
  run: new Set(['input', ...HARMLESS.run, ...TARGETING.run]),
  submit: new Set(['input', ...HARMLESS.submit, ...TARGETING.submit]),
  subscribe: new Set(['input', ...HARMLESS.subscribe, ...TARGETING.subscribe]),
  stream: new Set(['input', ...HARMLESS.stream, ...TARGETING.stream]),
};

/**
 * Extra submit headers that change nothing about which model runs: fal's own settings of the
 * request, and tracing. Anything else (x-fal-target-url, which a proxy follows; a fallback
 * switch; host) is refused.
 */
const HARMLESS_HEADERS: ReadonlySet<string> = new Set([
  'x-fal-queue-priority', 'x-fal-runner-hint', 'x-fal-request-timeout', 'x-fal-object-lifecycle-preference',
  'traceparent', 'tracestate', 'baggage', 'x-request-id', 'x-correlation-id',
]);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The client's isValidUrl: any URL whose host ends in fal.ai or fal.run is used as it is.
 * URL.canParse first: a thrown TypeError for every plain endpoint id would cost more than the rest.
 */
function isValidUrl(id: string): boolean {
  if (typeof URL.canParse === 'function' && !URL.canParse(id)) return false;
  try {
    return /(fal\.(ai|run))$/.test(new URL(id).host);
  } catch {
    return false;
  }
}

/** The client's ensureEndpointIdFormat: "owner/alias[/path]" or the legacy "123-app". */
function ensureEndpointIdFormat(endpoint: string, id: string): string {
  if (id.split('/').length > 1) return id;
  const legacy = /^([0-9]+)-([a-zA-Z0-9-]+)$/.exec(id);
  if (legacy) return `${legacy[1]}/${legacy[2]}`;
  throw new UnsupportedCallError(endpoint, 'endpointId', 'is not an endpoint id (owner/alias/...) or a fal URL');
}

/**
 * Plain calls (no path, no query) of the same endpoint build the same URL every time: kept, so a
 * guarded call does not pay the client's URL checks twice. Bounded: ids are the caller's strings.
 * Keyed by subdomain, then id: the caller's id string is looked up as it is, not joined into a
 * new key string per call (which a lookup must flatten and hash).
 */
const plainUrls = new Map<string, Map<string, string>>();

/** The client's buildUrl for a POST (the only method guarded calls may use). */
function buildUrl(endpoint: string, id: string, path: string, query: Record<string, string> | undefined, subdomain: string | undefined): string {
  if (path !== '' || query !== undefined) return buildUrlOnce(endpoint, id, path, query, subdomain);
  let urls = plainUrls.get(subdomain ?? '');
  if (urls === undefined) {
    if (plainUrls.size >= 16) plainUrls.clear();
    urls = new Map();
    plainUrls.set(subdomain ?? '', urls);
  }
  let url = urls.get(id);
  if (url === undefined) {
    url = buildUrlOnce(endpoint, id, path, query, subdomain);
    if (urls.size >= 1024) urls.clear();
    urls.set(id, url);
  }
  return url;
}

function buildUrlOnce(endpoint: string, id: string, path: string, query: Record<string, string> | undefined, subdomain: string | undefined): string {
  const cleanPath = path.replace(/^\//, '').replace(/\/{2,}/, '/');
  const params = { ...(query ?? {}) };
  const queryText = Object.keys(params).length > 0 ? `?${new URLSearchParams(params).toString()}` : '';
  if (isValidUrl(id)) {
    const url = id.endsWith('/') ? id : `${id}/`;
    return `${url}${cleanPath}${queryText}`;
  }
  const appId = ensureEndpointIdFormat(endpoint, id);
  const prefix = subdomain ? `${subdomain}.` : '';
  return `${`https://${prefix}fal.run/${appId}/${cleanPath}`.replace(/\/$/, '')}${queryText}`;
}

/** Reads each own option once into a fresh object; an unknown one is refused. */
function readOptions(endpoint: string, method: GuardedMethod, options: unknown): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new UnsupportedCallError(endpoint, 'options', `must be an object (got ${typeof options})`);
  const known = KNOWN[method];
  const given = options as Record<string, unknown>;
  const fresh: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (key === 'input') continue;
    const value = given[key];
    if (value === undefined) continue;
    if (!known.has(key)) throw new UnsupportedCallError(endpoint, key, `is not an option the guard knows for ${method}; it could change where the call goes`);
    fresh[key] = value;
  }
  // Only own options: the client is handed this copy, so an inherited one reaches neither.
  return fresh;
}

function optionalString(endpoint: string, name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new UnsupportedCallError(endpoint, name, `must be a string (got ${typeof value})`);
}

function checkMethod(endpoint: string, value: unknown): void {
  const method = optionalString(endpoint, 'method', value);
  // A GET carries the input in the query (as strings, nested values lost) and others may send none.
  if (method !== undefined && method.toLowerCase() !== 'post') {
    throw new UnsupportedCallError(endpoint, 'method', `"${method}" is not guarded: only POST sends the input as the JSON body that was priced`);
  }
}

function checkEmpty(endpoint: string, name: string, value: unknown): void {
  if (value === undefined) return;
  if (!isRecord(value)) throw new UnsupportedCallError(endpoint, name, 'must be an object of query parameters');
  const keys = Object.keys(value);
  if (keys.length > 0) {
    throw new UnsupportedCallError(endpoint, `${name}.${keys[0]}`, 'query parameters are not guarded: fal may read them as input the guard did not price');
  }
}

/** Copies the submit headers (the client lowercases them), refusing any that could move the call. */
function checkedHeaders(endpoint: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new UnsupportedCallError(endpoint, 'headers', 'must be an object of header names and string values');
  const headers: Record<string, string> = {};
  for (const key of Object.keys(value)) {
    const name = key.toLowerCase();
    const header = value[key];
    if (!HARMLESS_HEADERS.has(name)) {
      throw new UnsupportedCallError(endpoint, `headers[${JSON.stringify(key)}]`, 'is not a header the guard knows to be harmless; it could change which model runs or where');
    }
    if (typeof header !== 'string') throw new UnsupportedCallError(endpoint, `headers[${JSON.stringify(key)}]`, 'must be a string');
    headers[key] = header;
  }
  return headers;
}

/** What the client will fetch for this call. */
function urlOf(endpoint: string, method: GuardedMethod, options: Record<string, unknown>): string {
  checkMethod(endpoint, options.method);
  if (method === 'stream') {
    const url = optionalString(endpoint, 'url', options.url);
    checkEmpty(endpoint, 'queryParams', options.queryParams);
    // Client mode fetches a token and sends the request itself, without the client's headers.
    if (options.connectionMode !== undefined && options.connectionMode !== 'server') {
      throw new UnsupportedCallError(endpoint, 'connectionMode', `"${String(options.connectionMode)}" is not guarded: stream through your server (connectionMode "server")`);
    }
    if (url !== undefined) return url;
    return buildUrl(endpoint, endpoint, endpoint.endsWith('/stream') ? '' : '/stream', undefined, undefined);
  }
  const path = optionalString(endpoint, 'path', options.path) ?? '';
  if (method === 'run') {
    checkEmpty(endpoint, 'query', options.query);
    return buildUrl(endpoint, endpoint, path, undefined, optionalString(endpoint, 'subdomain', options.subdomain));
  }
  // queue.submit replaces the caller's `query` with the webhook's and always uses the queue.
  if (options.headers !== undefined) options.headers = checkedHeaders(endpoint, options.headers);
  const webhookUrl = options.webhookUrl;
  if (webhookUrl !== undefined && typeof webhookUrl !== 'string') throw new UnsupportedCallError(endpoint, 'webhookUrl', 'must be a string');
  return buildUrl(endpoint, endpoint, path, webhookUrl ? { fal_webhook: webhookUrl } : undefined, 'queue');
}

/**
 * The target of a guarded call, or an UnsupportedCallError before anything is sent: the URL
 * must be a fal run or queue endpoint, with no query except the webhook the client adds.
 */
export function targetOf(method: GuardedMethod, endpointId: unknown, callOptions: unknown): CallTarget {
  if (typeof endpointId !== 'string' || endpointId.length === 0) {
    throw new UnsupportedCallError(String(endpointId), 'endpointId', 'must be a non-empty string');
  }
  const options = readOptions(endpointId, method, callOptions);
  const url = urlOf(endpointId, method, options);
  const place = placeOf(method, endpointId, url, options);
  return { url, endpoint: place.endpoint, phase: place.phase, app: place.app, options };
}

type Place = Pick<CallTarget, 'endpoint' | 'phase' | 'app'>;

/**
 * Where a URL lands depends on the method and the URL alone (and, for the error's field name, on
 * whether a stream was given a `url`, which is part of the key): kept for the URLs that pass, so
 * the same call again is not parsed again. A URL that fails is refused anew each time. Keyed by
 * method (and `url` given or not), then by the URL string itself: no key string built per call.
 */
const places = new Map<string, Map<string, Place>>();

function placeOf(method: GuardedMethod, endpointId: string, url: string, options: Record<string, unknown>): Place {
  const kind = options.url === undefined ? method : `${method} url`;
  let byUrl = places.get(kind);
  if (byUrl === undefined) {
    byUrl = new Map();
    places.set(kind, byUrl);
  }
  let place = byUrl.get(url);
  if (place === undefined) {
    place = parsePlace(method, endpointId, url, options);
    if (byUrl.size >= 1024) byUrl.clear();
    byUrl.set(url, place);
  }
  return place;
}

function parsePlace(method: GuardedMethod, endpointId: string, url: string, options: Record<string, unknown>): Place {
  const parsed = parseFalUrl(url);
  const host = parsed?.host;
  // A stream is read from fal.run; a submit given a fal.run URL would run synchronously, unqueued.
  const wanted = method === 'stream' ? 'run' : method === 'run' ? undefined : 'queue';
  if (!parsed || (host !== 'run' && host !== 'queue') || (wanted !== undefined && host !== wanted)) {
    const where = wanted === 'run' ? 'fal.run' : wanted === 'queue' ? 'queue.fal.run' : 'fal.run or queue.fal.run';
    throw new UnsupportedCallError(endpointId, method === 'stream' && options.url !== undefined ? 'url' : 'endpointId', `${url} is not a ${where} endpoint`);
  }
  if (parsed.endpointId === undefined || parsed.request !== undefined) {
    throw new UnsupportedCallError(endpointId, 'endpointId', `${url} does not name an endpoint the guard can price`);
  }
  const extra = parsed.query.find(([name]) => !(name === 'fal_webhook' && host === 'queue' && method !== 'run'));
  if (extra) {
    throw new UnsupportedCallError(endpointId, 'endpointId', `the target's query parameter "${extra[0]}" is not guarded: fal may read it as input the guard did not price`);
  }
  const endpoint = parsed.endpointId.endsWith('/stream') ? parsed.endpointId.slice(0, -'/stream'.length) : parsed.endpointId;
  return { endpoint, phase: host === 'queue' ? 'submit' : 'run', app: host === 'queue' ? parsed.app : undefined };
}
