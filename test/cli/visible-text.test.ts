import { describe, expect, it } from 'vitest';
import { visible, visibleView } from '../../src/cli/render/visible-text.js';

describe('visible(): a user\'s text cannot forge output', () => {
  it('writes out line breaks, ANSI escapes, other C0/C1 controls and bidi overrides', () => {
    expect(visible('a\nb\r\nc\td')).toBe('a\\nb\\r\\nc\\td');
    expect(visible('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(visible('\u0000\u0007\u007f\u0085\u009b')).toBe('\\x00\\x07\\x7f\\x85\\x9b');
    expect(visible('cost\u202e$1\u2066\u2069\u200f\u061c\u2028')).toBe('cost\\u202e$1\\u2066\\u2069\\u200f\\u061c\\u2028');
  });

  it('leaves ordinary text (accents, CJK, emoji, the middle dot) as it is', () => {
    for (const text of ['luma/agent/ray/v3.2 · 1080p', 'café 日本 🎬', '$1,234.50', 'a\\nb']) expect(visible(text)).toBe(text);
  });
});

describe('visibleView(): every string read from a report is visible()', () => {
  it('nested objects and arrays, frozen parts included, read lazily and unchanged underneath', () => {
    const report = { id: 'x\ny', lines: [{ description: '\u001b[2J' }], pricing: Object.freeze({ provider: 'fal\r' }), count: 3, none: undefined };
    const view = visibleView(report);
    expect(view.id).toBe('x\\ny');
    expect(view.lines.map((line) => line.description)).toEqual(['\\x1b[2J']);
    expect(view.pricing.provider).toBe('fal\\r');
    expect({ ...view.pricing }).toEqual({ provider: 'fal\\r' });
    expect(Object.values(view.lines[0]!)).toEqual(['\\x1b[2J']);
    expect(Array.isArray(view.lines) && view.lines.length === 1 && view.lines.slice(0, 5).length === 1).toBe(true);
    expect(view.count).toBe(3);
    expect(report.id).toBe('x\ny');
  });
});
