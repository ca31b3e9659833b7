/*
 * The GFM table of the ledger reports. (render/markdown.ts has the same two helpers privately;
 * they are repeated here so the ledger commands leave that renderer untouched.)
 */

/** A cell's text, safe inside a GFM table: pipes escaped, line breaks as <br>. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function markdownGrid(head: readonly string[], rows: readonly (readonly string[])[], align: readonly ('left' | 'right')[]): string {
  const rule = head.map((_, index) => (align[index] === 'right' ? '---:' : '---'));
  return [head, rule, ...rows].map((row, index) => `| ${(index === 1 ? row : row.map(cell)).join(' | ')} |`).join('\n');
}

export const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
