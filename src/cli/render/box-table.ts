import { displayWidth } from './display-width.js';

export type Align = 'left' | 'right';

// The only escape sequences a cell can hold are our own colours' (colour.ts): every other
// string a renderer reads was made visible() first, so an ESC in the data is text by then.
// eslint-disable-next-line no-control-regex -- matching ESC is the point
const SGR = /\u001b\[[0-9;]*m/g;

/** Columns a cell takes on screen: its colours take none. */
function screenWidth(cell: string): number {
  return displayWidth(cell.includes('\u001b') ? cell.replace(SGR, '') : cell);
}

/** A horizontal rule of the compact box look, `left` + one run of ─ per column + `right`. */
export function boxRule(widths: readonly number[], left: string, middle: string, right: string): string {
  return `${left}${widths.map((width) => '─'.repeat(width + 2)).join(middle)}${right}`;
}

/**
 * One row of the compact box look, each cell padded to its column's width. LongTable passes
 * displayWidth: its cells were made visible() and hold no colour, and it draws a million rows.
 */
export function boxRow(cells: readonly string[], widths: readonly number[], align: readonly Align[], width = screenWidth): string {
  let line = '│';
  for (let index = 0; index < widths.length; index += 1) {
    const text = cells[index] ?? '';
    const gap = ' '.repeat(widths[index]! - width(text));
    line += align[index] === 'right' ? ` ${gap}${text} │` : ` ${text}${gap} │`;
  }
  return line;
}

/**
 * A short table in cli-table3's compact box look (no rule between rows, the head aligned as its
 * column), as cli-table3's toString() gives it: no newline after the last rule. A quote's table
 * is drawn with it because laying it out with cli-table3 was 2 ms of a 75 ms cold start.
 */
export function boxTable(head: readonly string[], align: readonly Align[], rows: readonly (readonly string[])[]): string {
  const widths = head.map(screenWidth);
  for (const row of rows) {
    for (let index = 0; index < widths.length; index += 1) widths[index] = Math.max(widths[index]!, screenWidth(row[index] ?? ''));
  }
  const lines = [boxRule(widths, '┌', '┬', '┐'), boxRow(head, widths, align)];
  if (rows.length > 0) lines.push(boxRule(widths, '├', '┼', '┤'));
  for (const row of rows) lines.push(boxRow(row, widths, align));
  lines.push(boxRule(widths, '└', '┴', '┘'));
  return lines.join('\n');
}
