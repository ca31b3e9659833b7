// East Asian wide and fullwidth ranges, and emoji, which a terminal draws two columns wide.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
// Combining marks (the variation selectors U+FE00-FE0F are Mn too) and zero-width spaces and
// joiners take no column of their own.
const ZERO = /[\p{Mn}\p{Me}\u200b-\u200d]/u;
const NARROW = /^[\u0020-\u007e\u00a0-\u02ff]*$/;

/** How many terminal columns `text` takes (text without control characters: see visible()). */
export function displayWidth(text: string): number {
  if (NARROW.test(text)) return text.length;
  let width = 0;
  for (const char of text) width += ZERO.test(char) ? 0 : WIDE.test(char) ? 2 : 1;
  return width;
}
