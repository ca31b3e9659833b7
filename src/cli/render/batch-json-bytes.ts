import type { BatchReportItem } from '../report.js';
import { jsonBatchHead } from './json.js';

/*
 * `batch --json`'s listed lines as the UTF-8 bytes of JSON.stringify(item), written straight into
 * output-sized buffers. With --json every line of a million-line batch is serialised, and the
 * generic way (JSON.stringify each item, join the text, let the stream encode it) cost more than
 * parsing the input: serialising walked every key of a ~400-byte item, and encoding that text
 * to UTF-8 (a "·" in every description) cost as much again. Here:
 * - the item's keys are known (BatchReportItem, in the order batch.ts builds it), so they are
 *   constant bytes;
 * - what repeats is encoded once, from JSON.stringify's own text: the endpoint/provider/version
 *   run, and a cell's params and line, whether the quotes share the objects (a per-clip card's
 *   frozen cells: cached by identity) or build equal ones afresh (per block: cached by content);
 *   a cached run is used only when everything it was made from is the same;
 * - the other strings are encoded as they are escaped, one pass from UTF-16 to UTF-8 bytes,
 *   except the rare one JSON.stringify must escape (a quote, a backslash, a control character,
 *   a surrogate), which JSON.stringify writes itself.
 * Anything outside that shape (a toJSON, a class instance, a nested object where a flat one was
 * expected) goes through JSON.stringify too, so the bytes never differ; the differential test in
 * test/cli/batch-json-bytes.test.ts holds them equal over generated items.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** A string longer than this goes through JSON.stringify: it would not fit a chunk's spare room anyway. */
const LONG_STRING = 4096;
/** A cache never grows with the input: a batch names only the endpoints and keys its tables know. */
const CACHE_LIMIT = 4096;

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

// The constant runs of an item, each written with one copy.
const FIRST_LINE = utf8(`${jsonBatchHead()}{"line":`);
const NEXT_LINE = utf8(',\n{"line":');
const ID = utf8(',"id":');
const TOTAL = utf8(',"total":');
const UPPER_BOUND_TRUE = utf8(',"upperBound":true,"params":');
const UPPER_BOUND_FALSE = utf8(',"upperBound":false,"params":');
const LINES = utf8(',"lines":');
const WARNINGS = utf8(',"warnings":');
const NO_WARNINGS = utf8(',"warnings":[]}');
const EMPTY_LIST = utf8('[]');
const HEAD = utf8(jsonBatchHead());
const TRUE = utf8('true');
const FALSE = utf8('false');
const NULL = utf8('null');

/** Whether JSON.stringify serialises `value` as its own enumerable keys: a plain object without toJSON. */
function isPlainData(value: object): boolean {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Whether a frozen object's JSON can never change: every property a data property holding a primitive. */
function isFrozenFlatData(value: unknown): boolean {
  // Object.isFrozen says true of a primitive.
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value) || !isPlainData(value)) return false;
  for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value))) {
    if (!('value' in descriptor)) return false;
    const field: unknown = descriptor.value;
    if (typeof field === 'object' ? field !== null : typeof field === 'function') return false;
  }
  return true;
}

/**
 * Frozen flat objects the quotes share, as the bytes of JSON.stringify(value), keyed weakly by
 * the object (the cache lives as long as the cards holding them). Such an object serialises the
 * same forever unless a toJSON appears on its prototype, which is checked on every use.
 */
const frozenBytes = new WeakMap<object, Uint8Array>();

/**
 * A shared cell's `,"upperBound":…,"params":…,"lines":[…]` bytes, keyed weakly by its frozen
 * params, valid for the one frozen line object (and upperBound) they were made with.
 */
const sharedCells = new WeakMap<object, { line: object; upperBound: boolean; bytes: Uint8Array }>();

/**
 * Cells seen before, by their line's description, with every key and value their bytes were made
 * from: the same keys and values (compared with ===, which only equates 0 and -0, both "0" in
 * JSON) of flat plain objects are the same JSON.
 */
const repeatedCells = new Map<string, {
  upperBound: boolean;
  paramKeys: readonly string[];
  paramValues: readonly unknown[];
  lineKeys: readonly string[];
  lineValues: readonly unknown[];
  bytes: Uint8Array;
}>();

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

/** The whole of a shared cell's item after its id, by its frozen params, with what the bytes were made from. */
const sharedTails = new WeakMap<object, {
  line: object;
  endpoint: string;
  provider: string;
  pricingVersion: string;
  total: string;
  upperBound: boolean;
  bytes: Uint8Array;
}>();

/** Whether JSON.stringify writes `list` element by element: an array without toJSON. */
function isPlainList(list: readonly unknown[]): boolean {
  return Array.isArray(list) && typeof (list as { toJSON?: unknown }).toJSON !== 'function';
}

/** `,"endpoint":…,"provider":…,"pricingVersion":…,"count":` by endpoint, then by provider and version. */
interface Head {
  readonly provider: string;
  readonly pricingVersion: string;
  readonly bytes: Uint8Array;
  /** The same run through a count of 1 and `,"total":`. */
  readonly one: Uint8Array;
}

const headBytes = new Map<string, Head[]>();

/**
 * Whether JSON.stringify writes `value` as a flat object: plain, and every value a string, number,
 * boolean or null. A nested object, a bigint (which JSON.stringify refuses) and a value it leaves
 * out (undefined, a function) are left to JSON.stringify.
 */
function isFlat(value: object, values: readonly unknown[]): boolean {
  if (!isPlainData(value)) return false;
  for (const field of values) {
    const type = typeof field;
    if (type !== 'string' && type !== 'number' && type !== 'boolean' && field !== null) return false;
  }
  return true;
}

/** The `{"a":`, `,"b":`, … runs of a key list: a report's objects have a few, each built once. */
const shapes: { keys: readonly string[]; prefixes: readonly Uint8Array[] }[] = [];

function prefixesOf(keys: readonly string[]): readonly Uint8Array[] {
  search: for (const shape of shapes) {
    if (shape.keys.length !== keys.length) continue;
    for (let index = 0; index < keys.length; index += 1) if (shape.keys[index] !== keys[index]) continue search;
    return shape.prefixes;
  }
  const prefixes = keys.map((key, index) => utf8(`${index === 0 ? '{' : ','}${JSON.stringify(key)}:`));
  if (shapes.length < 64) shapes.push({ keys, prefixes });
  return prefixes;
}

/**
 * The JSON text of a streamed batch, as bytes: the head, then one item per `add`, taken out a
 * chunk at a time (`take`) so the output streams with back-pressure, then `finish` for the rest.
 */
export class BatchJsonBytes {
  private chunk: Buffer;
  private used = 0;
  /** Chunks filled up, waiting to be taken. */
  private filled: Uint8Array[] = [];
  private count = 0;

  constructor(private readonly chunkSize = 1 << 16) {
    this.chunk = Buffer.allocUnsafe(chunkSize);
  }

  /** Whether a chunk is full and should be written out now. */
  get ready(): boolean {
    return this.filled.length > 0;
  }

  /** The full chunks, as one piece; the one being filled stays. */
  take(): Uint8Array {
    const filled = this.filled;
    this.filled = [];
    return filled.length === 1 ? filled[0]! : Buffer.concat(filled);
  }

  /** Everything not yet taken (the head too, when no line was listed); the tail follows it. */
  finish(): Uint8Array {
    if (this.count === 0) this.bytes(HEAD);
    // A new chunk, never the old one again: the stream may still hold what was taken.
    this.rotate(0);
    return this.take();
  }

  /** Adds one listed line, as JSON.stringify(item) would write it after the head or a ",\n". */
  add(item: BatchReportItem): void {
    this.bytes(this.count === 0 ? FIRST_LINE : NEXT_LINE);
    this.count += 1;
    this.integer(item.line);
    if (item.id !== undefined) {
      this.bytes(ID);
      if (typeof item.id === 'string') this.string(item.id);
      else this.number(item.id);
    }
    if (this.sharedTail(item)) return;
    const head = this.head(item.endpoint, item.provider, item.pricingVersion);
    // Most lines stand for one job: the run goes on through `1,"total":` in the same copy.
    if (item.count === 1) this.bytes(head.one);
    else {
      this.bytes(head.bytes);
      this.integer(item.count);
      this.bytes(TOTAL);
    }
    this.string(item.total);
    if (!this.sharedCell(item) && !this.repeatedCell(item)) {
      this.bytes(item.upperBound ? UPPER_BOUND_TRUE : UPPER_BOUND_FALSE);
      this.object(item.params as unknown as Record<string, unknown>);
      this.bytes(LINES);
      this.list(item.lines);
    }
    if (item.warnings.length === 0 && isPlainList(item.warnings)) return this.bytes(NO_WARNINGS);
    this.bytes(WARNINGS);
    this.list(item.warnings);
    this.byte(0x7d);
  }

  /**
   * Everything after the id in one copy, for the commonest line: one job, priced from a shared
   * cell (frozen flat params and line, as a per-clip card builds them once per cell), no
   * warnings. Kept per cell for the first endpoint, table and total it was seen with, and used
   * only when the line has all of those.
   */
  private sharedTail(item: BatchReportItem): boolean {
    const lines = item.lines;
    const warnings = item.warnings;
    if (item.count !== 1 || lines.length !== 1 || warnings.length !== 0 || !isPlainList(lines) || !isPlainList(warnings)) return false;
    const params = item.params as unknown as Record<string, unknown>;
    const line = lines[0] as unknown as Record<string, unknown>;
    if (typeof params.toJSON === 'function') return false;
    let tail = sharedTails.get(params);
    if (tail === undefined) {
      if (!isFrozenFlatData(params) || !isFrozenFlatData(line)) return false;
      const { endpoint, provider, pricingVersion, total, upperBound } = item;
      const text = `,"endpoint":${JSON.stringify(endpoint)},"provider":${JSON.stringify(provider)},"pricingVersion":${JSON.stringify(pricingVersion)},"count":1,"total":${JSON.stringify(total)},"upperBound":${upperBound},"params":${JSON.stringify(params)},"lines":[${JSON.stringify(line)}],"warnings":[]}`;
      tail = { line, endpoint, provider, pricingVersion, total, upperBound, bytes: utf8(text) };
      sharedTails.set(params, tail);
    }
    if (tail.line !== line || tail.endpoint !== item.endpoint || tail.provider !== item.provider || tail.pricingVersion !== item.pricingVersion
      || tail.total !== item.total || tail.upperBound !== item.upperBound || typeof line.toJSON === 'function') return false;
    this.bytes(tail.bytes);
    return true;
  }

  /**
   * `,"upperBound":…,"params":…,"lines":[…]` in one copy when the quote is a shared cell's (its
   * params and its one line frozen flat data, as a per-clip card builds them once per cell).
   */
  private sharedCell(item: BatchReportItem): boolean {
    const params = item.params as unknown as Record<string, unknown>;
    const lines = item.lines;
    if (lines.length !== 1 || !isPlainList(lines) || typeof params.toJSON === 'function') return false;
    const line = lines[0] as unknown as Record<string, unknown>;
    let cell = sharedCells.get(params);
    if (cell === undefined) {
      if (!isFrozenFlatData(params) || !isFrozenFlatData(line)) return false;
      cell = { line, upperBound: item.upperBound, bytes: utf8(`,"upperBound":${item.upperBound},"params":${JSON.stringify(params)},"lines":[${JSON.stringify(line)}]`) };
      sharedCells.set(params, cell);
    }
    if (cell.line !== line || cell.upperBound !== item.upperBound || typeof line.toJSON === 'function') return false;
    this.bytes(cell.bytes);
    return true;
  }

  /**
   * The same run for a cell seen before with the same content: a per-block quote builds its
   * params and line afresh for every line, but a batch has few distinct ones. Looked up by the
   * line's description, and used only when every key and value of both objects is the same.
   */
  private repeatedCell(item: BatchReportItem): boolean {
    const lines = item.lines;
    if (lines.length !== 1 || !isPlainList(lines)) return false;
    const params = item.params as unknown as Record<string, unknown>;
    const line = lines[0] as unknown as Record<string, unknown>;
    if (typeof line !== 'object' || line === null || !isPlainData(line) || !isPlainData(params) || typeof line.description !== 'string') return false;
    const paramKeys = Object.keys(params);
    const paramValues = Object.values(params);
    const lineKeys = Object.keys(line);
    const lineValues = Object.values(line);
    const seen = repeatedCells.get(line.description);
    if (seen !== undefined) {
      if (seen.upperBound !== item.upperBound || !sameList(seen.paramKeys, paramKeys) || !sameList(seen.paramValues, paramValues)
        || !sameList(seen.lineKeys, lineKeys) || !sameList(seen.lineValues, lineValues)) return false;
      this.bytes(seen.bytes);
      return true;
    }
    if (repeatedCells.size >= CACHE_LIMIT || !isFlat(params, paramValues) || !isFlat(line, lineValues)) return false;
    const bytes = utf8(`,"upperBound":${item.upperBound},"params":${JSON.stringify(params)},"lines":[${JSON.stringify(line)}]`);
    repeatedCells.set(line.description, { upperBound: item.upperBound, paramKeys, paramValues, lineKeys, lineValues, bytes });
    this.bytes(bytes);
    return true;
  }

  /** A whole number as JSON.stringify writes it, digit by digit (no string per line). */
  private integer(value: number): void {
    if (!(value >= 0 && value <= 0x7fffffff && (value | 0) === value)) return this.number(value);
    let digits = 1;
    for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits += 1;
    this.ensure(digits);
    const chunk = this.chunk;
    let rest = value;
    for (let at = this.used + digits - 1; at >= this.used; at -= 1) {
      chunk[at] = 0x30 + (rest % 10);
      rest = (rest / 10) | 0;
    }
    this.used += digits;
  }

  /** Makes room for `length` more bytes, starting a new chunk when this one has too little left. */
  private ensure(length: number): void {
    if (this.used + length > this.chunk.length) this.rotate(length);
  }

  private rotate(length: number): void {
    if (this.used > 0) this.filled.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(Math.max(this.chunkSize, length));
    this.used = 0;
  }

  private byte(value: number): void {
    this.ensure(1);
    this.chunk[this.used++] = value;
  }

  private bytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.chunk.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Any text, encoded as the stream would have encoded it: UTF-8. */
  private text(text: string): void {
    const length = Buffer.byteLength(text, 'utf8');
    this.ensure(length);
    this.used += this.chunk.write(text, this.used, length, 'utf8');
  }

  /** JSON.stringify(value) for a number: its shortest form, NaN and the infinities null. */
  private number(value: number): void {
    const text = Number.isFinite(value) ? `${value}` : 'null';
    // A number's text is ASCII.
    this.ensure(text.length);
    const chunk = this.chunk;
    let at = this.used;
    for (let index = 0; index < text.length; index += 1) chunk[at++] = text.charCodeAt(index);
    this.used = at;
  }

  /** JSON.stringify(value) for a string, encoded as it is scanned. */
  private string(value: string): void {
    const length = value.length;
    if (length > LONG_STRING) return this.text(JSON.stringify(value));
    // A UTF-16 code unit outside the surrogates is at most 3 bytes of UTF-8.
    this.ensure(3 * length + 2);
    const chunk = this.chunk;
    let at = this.used;
    chunk[at++] = QUOTE;
    for (let index = 0; index < length; index += 1) {
      const code = value.charCodeAt(index);
      if (code < 0x80) {
        // Nothing is kept of a string abandoned half way: `used` has not moved.
        if (code < 0x20 || code === QUOTE || code === BACKSLASH) return this.text(JSON.stringify(value));
        chunk[at++] = code;
      } else if (code < 0x800) {
        chunk[at++] = 0xc0 | (code >> 6);
        chunk[at++] = 0x80 | (code & 0x3f);
      } else if (code >= 0xd800 && code <= 0xdfff) {
        return this.text(JSON.stringify(value));
      } else {
        chunk[at++] = 0xe0 | (code >> 12);
        chunk[at++] = 0x80 | ((code >> 6) & 0x3f);
        chunk[at++] = 0x80 | (code & 0x3f);
      }
    }
    chunk[at++] = QUOTE;
    this.used = at;
  }

  private head(endpoint: string, provider: string, pricingVersion: string): Head {
    let heads = headBytes.get(endpoint);
    if (heads) {
      for (const head of heads) if (head.provider === provider && head.pricingVersion === pricingVersion) return head;
    }
    const text = `,"endpoint":${JSON.stringify(endpoint)},"provider":${JSON.stringify(provider)},"pricingVersion":${JSON.stringify(pricingVersion)},"count":`;
    const head = { provider, pricingVersion, bytes: utf8(text), one: utf8(`${text}1,"total":`) };
    if (!heads && headBytes.size < CACHE_LIMIT) headBytes.set(endpoint, (heads = []));
    if (heads && heads.length < 16) heads.push(head);
    return head;
  }

  /** JSON.stringify(value) for an object that is not an array. */
  private object(value: Record<string, unknown>): void {
    if (Object.isFrozen(value) && typeof value.toJSON !== 'function') {
      let bytes = frozenBytes.get(value);
      if (bytes === undefined && isFrozenFlatData(value)) {
        bytes = utf8(JSON.stringify(value));
        frozenBytes.set(value, bytes);
      }
      if (bytes !== undefined) return this.bytes(bytes);
    }
    // Keys and values in JSON.stringify's order, each read once (no property looked up by name).
    const keys = Object.keys(value);
    const values = Object.values(value);
    if (keys.length === 0 || !isFlat(value, values)) return this.text(JSON.stringify(value));
    const prefixes = prefixesOf(keys);
    for (let index = 0; index < values.length; index += 1) {
      this.bytes(prefixes[index]!);
      const field = values[index];
      if (typeof field === 'string') this.string(field);
      else if (typeof field === 'number') this.number(field);
      else this.bytes(field === true ? TRUE : field === false ? FALSE : NULL);
    }
    this.byte(0x7d);
  }

  /** JSON.stringify(list) for a report's list of objects (a quote's lines, its warnings). */
  private list(list: readonly unknown[]): void {
    if (!isPlainList(list)) return this.text(JSON.stringify(list));
    if (list.length === 0) return this.bytes(EMPTY_LIST);
    this.byte(0x5b);
    for (let index = 0; index < list.length; index += 1) {
      if (index > 0) this.byte(0x2c);
      const element: unknown = list[index];
      if (typeof element === 'object' && element !== null && !Array.isArray(element)) this.object(element as Record<string, unknown>);
      // An element JSON.stringify cannot write (undefined, a function) is null in a list.
      else this.text(JSON.stringify(element) ?? 'null');
    }
    this.byte(0x5d);
  }
}

