/** A cell's text, safe inside a GFM table: backslashes and pipes escaped, line breaks as <br>. */
export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
