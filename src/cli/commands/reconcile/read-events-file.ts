import type { Readable } from 'node:stream';
import { parseBillingEvent, type BillingEvent } from '../../../fal/platform/billing-event.js';
import { parseExactJson } from '../../../fal/platform/parse-exact-json.js';
import { CliError } from '../../cli-error.js';
import { fileErrorReason, openInputStream, type Stdin } from '../../read-input.js';

/**
 * The most bytes one JSON document, or one JSONL line, of an --events file may have: a string
 * that size is far inside V8's limit (about 512 M characters) and parses in bounded time. A JSONL
 * file as a whole has no limit: it is read line by line.
 */
export const MAX_EVENTS_DOCUMENT_BYTES = 256 * 1024 * 1024;

export interface EventsFileOptions {
  /** Events this refuses are dropped as they are read (reconcile keeps its read window). */
  readonly keep?: (event: BillingEvent) => boolean;
  /** Default MAX_EVENTS_DOCUMENT_BYTES. */
  readonly maxDocumentBytes?: number;
}

/** The rows of one JSON value: an event, an array of events, or a page ({ billing_events: [...] }), arrays of pages too. */
function rowsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => (typeof item === 'object' && item !== null && 'billing_events' in item ? rowsOf(item) : [item]));
  if (typeof value === 'object' && value !== null && 'billing_events' in value) {
    const rows = value.billing_events;
    return Array.isArray(rows) ? rows : [rows];
  }
  return [value];
}

const mib = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`);

/**
 * A saved export of fal's billing events: one JSON document (the API's answer, an array of its
 * pages, or an array of events) or JSONL (one event or page per line). Numbers are read exactly.
 * Any line that is not in fal's shape is an error naming the file, the line and the field.
 *
 * Streamed: JSONL is split into lines as the bytes arrive (a line is complete before it is
 * decoded, so no character is cut), and each line is parsed and dropped; only the events `keep`
 * accepts stay. A file whose first line is a complete JSON value is JSONL (a valid JSON document
 * spread over lines never is: its first line is unfinished); otherwise it is one document, read
 * whole. A document or line over `maxDocumentBytes` is an error naming the limit.
 */
export async function readEventsFile(path: string, stdin: Stdin, options: EventsFileOptions = {}): Promise<BillingEvent[]> {
  const maxBytes = options.maxDocumentBytes ?? MAX_EVENTS_DOCUMENT_BYTES;
  const keep = options.keep ?? (() => true);
  const events: BillingEvent[] = [];
  const add = (value: unknown, where: string) => {
    for (const row of rowsOf(value)) {
      const event = parseBillingEvent(row);
      if (typeof event === 'string') throw new CliError('malformed_input', `${where}: ${event}`);
      if (keep(event)) events.push(event);
    }
  };

  let lineNumber = 0;
  let nonBlank = 0;
  /** JSONL's first line, parsed: whether it names its line depends on whether a second one comes. */
  let first: { value: unknown; line: number } | undefined;
  /** Set once the first line is not JSON on its own: the file is one document, kept whole. */
  let document: { parts: string[]; bytes: number; firstError: { line: number; message: string } } | undefined;

  const onLine = (line: string, bytes: number) => {
    lineNumber += 1;
    if (document) {
      document.bytes += bytes + 1;
      if (document.bytes > maxBytes) throw new CliError('malformed_input', `--events ${path}: one JSON document over ${mib(maxBytes)}, the most one is read whole; save the export as JSONL (one event or page per line), which is read line by line`);
      document.parts.push(line);
      if (line.trim().length > 0) nonBlank += 1;
      return;
    }
    if (line.trim().length === 0) return;
    nonBlank += 1;
    let value: unknown;
    try {
      value = parseExactJson(line);
    } catch (error) {
      if (nonBlank === 1) {
        document = { parts: [line], bytes: bytes + 1, firstError: { line: lineNumber, message: (error as Error).message } };
        return;
      }
      throw new CliError('malformed_input', `--events ${path} line ${lineNumber}: not JSON (${(error as Error).message})`);
    }
    if (nonBlank === 1) {
      first = { value, line: lineNumber };
      return;
    }
    if (first) {
      add(first.value, `--events ${path} line ${first.line}`);
      first = undefined;
    }
    add(value, `--events ${path} line ${lineNumber}`);
  };

  const chunks = await openInputStream(path, `--events ${path}`, stdin);
  const close = () => {
    if (chunks !== stdin) (chunks as Readable).destroy();
  };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    pendingBytes += bytes.length;
    if (pendingBytes > maxBytes) throw new CliError('malformed_input', `--events ${path} line ${lineNumber + 1}: longer than ${mib(maxBytes)}, the most one JSON document or JSONL line may be`);
    pending.push(bytes);
  };
  const endLine = () => {
    const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    const length = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    const line = bytes.toString('utf8', 0, length);
    pending = [];
    pendingBytes = 0;
    onLine(line, bytes.length);
  };
  try {
    for await (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let start = 0;
      for (let end = bytes.indexOf(10, start); end !== -1; end = bytes.indexOf(10, start)) {
        take(bytes.subarray(start, end));
        endLine();
        start = end + 1;
      }
      take(bytes.subarray(start));
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError('unreadable_input', `--events ${path}: read failed after line ${lineNumber} (${fileErrorReason(error)})`, { cause: error });
  } finally {
    close();
  }
  if (pendingBytes > 0) endLine();

  if (first) add(first.value, `--events ${path}`);
  if (document || nonBlank === 0) {
    const text = document ? document.parts.join('\n') : '';
    let value: unknown;
    try {
      value = parseExactJson(text);
    } catch (error) {
      // As a whole it is not JSON either: with several lines, say which line first is not.
      if (document && nonBlank >= 2) throw new CliError('malformed_input', `--events ${path} line ${document.firstError.line}: not JSON (${document.firstError.message})`);
      throw new CliError('malformed_input', `--events ${path}: not JSON or JSONL (${(error as Error).message})`);
    }
    add(value, `--events ${path}`);
  }
  return events;
}
