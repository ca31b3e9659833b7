/**
 * JSON.parse, except that every number comes back as the exact text it was written with
 * ("0.025", "45000000", "1e-7"): fal's platform API sends prices and nano-USD costs as JSON
 * numbers, and a double has already lost them by the time JSON.parse hands one over (a cost
 * above 2^53 nano-USD, a price with 17 digits). Strings, booleans and null are as JSON.parse
 * gives them. Throws SyntaxError with the offset of the first problem.
 */
export function parseExactJson(text: string): unknown {
  const parser = new ExactJsonParser(text);
  const value = parser.value(0);
  parser.end();
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const MAX_DEPTH = 256;

class ExactJsonParser {
  private at = 0;

  constructor(private readonly text: string) {}

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    this.space();
    const char = this.text[this.at];
    if (char === '{') return this.object(depth);
    if (char === '[') return this.array(depth);
    if (char === '"') return this.string();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.at;
    const number = NUMBER.exec(this.text);
    if (!number) this.fail(char === undefined ? 'unexpected end of JSON' : `unexpected ${JSON.stringify(char)}`);
    this.at = NUMBER.lastIndex;
    return number[0];
  }

  end(): void {
    this.space();
    if (this.at !== this.text.length) this.fail(`unexpected ${JSON.stringify(this.text[this.at])} after the JSON value`);
  }

  private object(depth: number): Record<string, unknown> {
    this.at += 1;
    const object: Record<string, unknown> = {};
    this.space();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return object;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail('expected a property name');
      const key = this.string();
      this.expect(':');
      // defineProperty: a "__proto__" key is data, as with JSON.parse.
      Object.defineProperty(object, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.space();
      if (this.text[this.at] === ',') {
        this.at += 1;
        continue;
      }
      this.expect('}');
      return object;
    }
  }

  private array(depth: number): unknown[] {
    this.at += 1;
    const array: unknown[] = [];
    this.space();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return array;
    }
    for (;;) {
      array.push(this.value(depth + 1));
      this.space();
      if (this.text[this.at] === ',') {
        this.at += 1;
        continue;
      }
      this.expect(']');
      return array;
    }
  }

  /** Finds the closing quote by a scan (linear in any length), then lets JSON.parse decode the escapes. */
  private string(): string {
    const start = this.at;
    let index = start + 1;
    for (;;) {
      const code = this.text.charCodeAt(index);
      if (Number.isNaN(code)) this.fail('unterminated string');
      if (code === 0x22) break;
      index += code === 0x5c ? 2 : 1;
    }
    this.at = index + 1;
    try {
      return JSON.parse(this.text.slice(start, this.at)) as string;
    } catch (error) {
      this.at = start;
      return this.fail(`malformed string (${(error as Error).message})`);
    }
  }

  private expect(char: string): void {
    this.space();
    if (this.text[this.at] !== char) this.fail(`expected ${JSON.stringify(char)}`);
    this.at += 1;
  }

  private space(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  private fail(reason: string): never {
    throw new SyntaxError(`${reason} at position ${this.at}`);
  }
}
