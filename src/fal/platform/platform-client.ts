import { InvalidOptionError } from '../../core/errors/invalid-option-error.js';
import { FalPlatformError } from './fal-platform-error.js';
import { parseExactJson } from './parse-exact-json.js';

const FAL_API_URL = 'https://api.fal.ai';
/** How many pages one paged query may take when the options do not say (maxPages). */
export const DEFAULT_MAX_PAGES = 1000;

export interface FalPlatformOptions {
  /** An API key; billing events need an ADMIN key. Default: $FAL_KEY. */
  readonly key?: string;
  /** Default https://api.fal.ai. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /** How long one request (answer included) may take, in ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** How many times a 429 is retried before it is an error. Default 5. */
  readonly retries?: number;
  /** The first retry's wait in ms, doubling each time (a Retry-After header wins). Default 1000. */
  readonly retryDelayMs?: number;
  /**
   * How many pages one paged query (one 90-day range of billing events, one batch of pricing ids)
   * may take before it is an error (platform_page_limit). Default 1000: 10 million billing events
   * at the default page size.
   */
  readonly maxPages?: number;
}

/** One GET of fal's platform API, its JSON read with numbers kept as their exact text. */
export interface FalPlatformClient {
  get(path: string, query: Readonly<Record<string, string | undefined>>): Promise<unknown>;
  /** The most pages one paged query may take (pageRows); default DEFAULT_MAX_PAGES. */
  readonly maxPages?: number;
}

const MAX_RETRY_DELAY_MS = 60_000;

function whole(option: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new InvalidOptionError(option, `must be a whole number >= ${min} (got ${String(value)})`);
  return value;
}

function environmentKey(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.FAL_KEY;
}

/** What fal said about an error, briefly: its `detail` when it sent JSON, else the start of the text. */
function detailOf(text: string): string {
  try {
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    if (typeof detail === 'string') return detail.slice(0, 200);
    if (detail !== undefined) return JSON.stringify(detail).slice(0, 200);
  } catch {
    // not JSON
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Seconds of a Retry-After header (fal sends seconds), capped; undefined when absent or a date. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(Number(header.trim()) * 1000, MAX_RETRY_DELAY_MS);
}

const reasonOf = (error: unknown) => (error instanceof Error ? (error.name === 'TimeoutError' ? 'timed out' : error.message) : String(error));

/**
 * A client for fal's platform API: `Authorization: Key <key>`, a timeout per request, 429s
 * retried with backoff, and errors that say which endpoint and status failed. The key is only
 * ever put in the Authorization header: no message, URL or error carries it.
 */
export function falPlatformClient(options: FalPlatformOptions = {}): FalPlatformClient {
  const baseUrl = (options.baseUrl ?? FAL_API_URL).replace(/\/+$/, '');
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) throw new InvalidOptionError('baseUrl', `must be an http(s) URL (got ${JSON.stringify(options.baseUrl)})`);
  const fetcher = options.fetch ?? globalThis.fetch;
  const timeoutMs = whole('timeoutMs', options.timeoutMs, 30_000, 1);
  const retries = whole('retries', options.retries, 5, 0);
  const retryDelayMs = whole('retryDelayMs', options.retryDelayMs, 1000, 0);
  const maxPages = whole('maxPages', options.maxPages, DEFAULT_MAX_PAGES, 1);
  const key = options.key ?? environmentKey();

  return {
    maxPages,
    async get(path, query) {
      if (key === undefined || key.length === 0) {
        throw new FalPlatformError('platform_key_missing', `GET ${path}: no API key: set FAL_KEY (billing events need an ADMIN key)`, { endpoint: path });
      }
      // Belt and braces: whatever an answer echoes, a message never carries the key.
      const redact = (text: string) => text.split(key).join('<FAL_KEY>');
      const url = new URL(`${baseUrl}${path}`);
      for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
      for (let attempt = 0; ; attempt += 1) {
        let response: Response;
        let text: string;
        try {
          response = await fetcher(url, { headers: { authorization: `Key ${key}`, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
        } catch (error) {
          throw new FalPlatformError('platform_unreachable', redact(`GET ${path}: ${reasonOf(error)}`), { endpoint: path, cause: error });
        }
        try {
          text = await response.text();
        } catch (error) {
          throw new FalPlatformError('platform_malformed_response', `GET ${path}: the answer (HTTP ${response.status}) broke off: ${reasonOf(error)}`, { endpoint: path, status: response.status, cause: error });
        }
        if (response.status === 429 && attempt < retries) {
          const wait = retryAfterMs(response.headers.get('retry-after')) ?? Math.min(retryDelayMs * 2 ** attempt, MAX_RETRY_DELAY_MS);
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        if (!response.ok) {
          const admin = path.includes('billing-events') ? '; billing events need an ADMIN key' : '';
          const hint = response.status === 401 || response.status === 403 ? ` (check FAL_KEY${admin})` : response.status === 429 ? ` (after ${retries} retries)` : '';
          throw new FalPlatformError('platform_http_error', redact(`GET ${path} answered ${response.status}${hint}: ${detailOf(text)}`), { endpoint: path, status: response.status });
        }
        try {
          return parseExactJson(text);
        } catch (error) {
          throw new FalPlatformError('platform_malformed_response', `GET ${path}: the answer is not JSON (${reasonOf(error)})`, { endpoint: path, status: response.status, cause: error });
        }
      }
    },
  };
}
