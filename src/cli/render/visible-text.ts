/**
 * Characters that would let a user's data forge output: line breaks and carriage returns that
 * fake rows or overwrite a line, ANSI escapes that recolour or hide text, other C0 and C1
 * controls, DEL, and the Unicode bidi controls that reorder what a reader sees (Trojan Source).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are what gets escaped
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as UNSAFE
const HAS_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every unsafe character written out visibly ("\n", "\x1b", "\u202e"); unchanged (the same string) when it has none. */
export function visible(text: string): string {
  return HAS_UNSAFE.test(text) ? text.replace(UNSAFE, escapeOne) : text;
}

const views = new WeakMap<object, object>();

function isPlain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A read-only view of a report in which every string read is `visible()`: the human renderers
 * read reports through it, so no renderer can forget a field. It is lazy (a reconcile report
 * may hold millions of rows; a table shows a few) and reads the report through a shadow
 * target, so frozen parts of a quote (its pricing block) can be viewed too.
 */
export function visibleView<T>(value: T): T {
  if (typeof value === 'string') return visible(value) as T;
  if (typeof value !== 'object' || value === null || !isPlain(value)) return value;
  const cached = views.get(value);
  if (cached) return cached as T;
  const source = value as Record<PropertyKey, unknown>;
  const view = new Proxy(Array.isArray(value) ? [] : {}, {
    get: (_shadow, key) => (typeof key === 'symbol' ? source[key] : visibleView(source[key])),
    has: (_shadow, key) => key in source,
    ownKeys: () => Reflect.ownKeys(source),
    getOwnPropertyDescriptor: (shadow, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(source, key);
      if (descriptor === undefined) return undefined;
      // An array's own length must be described as the shadow's (non-configurable) is.
      if (Array.isArray(shadow) && key === 'length') return { value: source.length, writable: true, enumerable: false, configurable: false };
      return { value: visibleView(descriptor.value), writable: false, enumerable: descriptor.enumerable ?? true, configurable: true };
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
  views.set(value, view);
  return view as T;
}
