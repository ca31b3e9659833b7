import { boxRow, boxRule, type Align } from './box-table.js';
import { displayWidth } from './display-width.js';
import { markdownCell } from './markdown-cell.js';
import { visible } from './visible-text.js';

/** Cell and row separators inside the stored text: visible() leaves neither in a cell. */
const CELL = '\u0000';
const ROW = '\n';
/** Rows are joined into flat strings of about this many characters, so a row costs its text and no object. */
const CHUNK = 1 << 20;
/** Rendered output is handed out in pieces of about this size. */
const PIECE = 1 << 16;

/**
 * A table of any length (a batch's every line), in cli-table3's compact box look or as GFM.
 * cli-table3 lays out a whole table at once, quadratically, and overflows the stack at a million
 * rows; here each row's width is measured once as it is added, the row is stored as flat text,
 * and the output is produced a piece at a time: linear time, about one byte per character of
 * the cells in memory (less for repeated columns). Cells are made visible() as they are added.
 */
export class LongTable {
  private readonly widths: number[];
  private readonly chunks: string[] = [];
  private rows: string[] = [];
  private rowsLength = 0;
  private count = 0;

  /** Per column marked repeated: each distinct text once, rows hold its index (a batch has a handful of items and amounts). */
  private readonly dictionaries: ({ readonly index: Map<string, string>; readonly texts: string[] } | undefined)[];

  /** `repeated` marks the columns whose cells repeat (a batch's item, quantity, amount): each distinct text is stored once. */
  constructor(private readonly head: readonly string[], private readonly align: readonly Align[], repeated: readonly boolean[] = []) {
    this.widths = head.map(displayWidth);
    this.dictionaries = head.map((_, index) => (repeated[index] ? { index: new Map(), texts: [] } : undefined));
  }

  get size(): number {
    return this.count;
  }

  add(cells: readonly string[]): void {
    const stored: string[] = [];
    for (let index = 0; index < cells.length; index += 1) {
      const dictionary = this.dictionaries[index];
      let code = dictionary?.index.get(cells[index]!);
      if (code === undefined) {
        const text = visible(cells[index]!);
        const width = displayWidth(text);
        if (width > this.widths[index]!) this.widths[index] = width;
        if (dictionary) {
          code = dictionary.texts.length.toString(36);
          dictionary.index.set(cells[index]!, code);
          dictionary.texts.push(text);
        } else code = text;
      }
      stored.push(code);
    }
    const row = stored.join(CELL);
    this.rows.push(row);
    this.rowsLength += row.length + 1;
    this.count += 1;
    if (this.rowsLength >= CHUNK) this.seal();
  }

  private seal(): void {
    if (this.rows.length === 0) return;
    this.chunks.push(this.rows.join(ROW));
    this.rows = [];
    this.rowsLength = 0;
  }

  private *storedRows(): Generator<string[]> {
    this.seal();
    for (const chunk of this.chunks) {
      for (const row of chunk.split(ROW)) {
        const cells = row.split(CELL);
        for (let index = 0; index < cells.length; index += 1) {
          const dictionary = this.dictionaries[index];
          if (dictionary) cells[index] = dictionary.texts[parseInt(cells[index]!, 36)]!;
        }
        yield cells;
      }
    }
  }

  /** The box table, each piece ending in a newline. */
  *box(): Generator<string> {
    let out = `${boxRule(this.widths, '┌', '┬', '┐')}\n${boxRow(this.head, this.widths, this.align, displayWidth)}\n`;
    if (this.count > 0) out += `${boxRule(this.widths, '├', '┼', '┤')}\n`;
    for (const cells of this.storedRows()) {
      out += `${boxRow(cells, this.widths, this.align, displayWidth)}\n`;
      if (out.length >= PIECE) {
        yield out;
        out = '';
      }
    }
    yield `${out}${boxRule(this.widths, '└', '┴', '┘')}\n`;
  }

  /** The GFM table, each piece ending in a newline. */
  *markdown(): Generator<string> {
    const rule = this.align.map((align) => (align === 'right' ? '---:' : '---'));
    let out = `| ${this.head.map(markdownCell).join(' | ')} |\n| ${rule.join(' | ')} |\n`;
    for (const cells of this.storedRows()) {
      out += `| ${cells.map(markdownCell).join(' | ')} |\n`;
      if (out.length >= PIECE) {
        yield out;
        out = '';
      }
    }
    yield out;
  }
}
