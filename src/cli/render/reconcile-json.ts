import type { ReconcileReport } from '../commands/reconcile/reconcile-report.js';

/** Rows are gathered into pieces of about this many characters: few writes, no one huge string. */
const PIECE = 64 * 1024;

/** `value` as JSON.stringify(value, null, 2) writes it `depth` levels in. */
const indented = (value: unknown, depth: number) => JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);

/**
 * `reconcile --json`: the report's data, exactly as JSON.stringify(data, null, 2) would write it,
 * in pieces: the rows one at a time, so a report of millions of requests never has to be one
 * string (V8 refuses a string past about 512 M characters). JSON strings escape every newline,
 * so re-indenting a row's lines cannot touch its content.
 */
export function* reconcileJsonPieces(report: ReconcileReport): Generator<string> {
  const { kind: _kind, ...data } = report;
  const entries = Object.entries(data);
  let piece = '{';
  for (const [index, [key, value]] of entries.entries()) {
    piece += `\n  ${JSON.stringify(key)}: `;
    if (key !== 'rows' || !Array.isArray(value) || value.length === 0) {
      piece += indented(value, 1);
    } else {
      piece += '[';
      for (const [rowIndex, row] of value.entries()) {
        piece += `${rowIndex === 0 ? '' : ','}\n    ${indented(row, 2)}`;
        if (piece.length >= PIECE) {
          yield piece;
          piece = '';
        }
      }
      piece += '\n  ]';
    }
    if (index < entries.length - 1) piece += ',';
  }
  yield `${piece}\n}\n`;
}
