import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from '../../src/cli/nearest-name.js';
import { unknownName } from '../../src/cli/unknown-name.js';
import { COMMANDS } from '../../src/cli/parser.js';

describe('nearestName: a close valid name, or none', () => {
  it('suggests the near miss of a command, flag, provider, endpoint or version', () => {
    expect(nearestName('qoute', Object.keys(COMMANDS))).toBe('quote');
    expect(nearestName('quot', Object.keys(COMMANDS))).toBe('quote');
    expect(nearestName('resolutoin', ['resolution', 'duration'])).toBe('resolution');
    expect(nearestName('fall', ['fal', 'gmi', 'oxen'])).toBe('fal');
    expect(nearestName('FAL', ['fal', 'gmi', 'oxen'])).toBe('fal');
    expect(nearestName('luma/agent/ray/v3.2/video-to-vide', ['luma/agent/ray/v3.2/image-to-video', 'luma/agent/ray/v3.2/video-to-video'])).toBe('luma/agent/ray/v3.2/video-to-video');
    expect(nearestName('2026-11-2', ['2026-11-21', '2026-12-02'])).toBe('2026-11-21');
  });

  it('gives no guess when nothing is close: one edit per four characters at most', () => {
    expect(nearestName('x', ['at', 'max'])).toBeUndefined();
    expect(nearestName('pirces', ['prices'])).toBe('prices');
    expect(nearestName('banana', Object.keys(COMMANDS))).toBeUndefined();
    expect(nearestName('acme', ['fal', 'gmi', 'oxen'])).toBeUndefined();
    // Versions are dates and all look alike: three edits away is another date, not a typo.
    expect(nearestName('2025-01-01', ['2026-11-21', '2026-12-02'])).toBeUndefined();
  });

  describe('properties', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-'), maxLength: 8 });
    it('the distance is 0 exactly for equal strings, symmetric, and at most the longer length', () => {
      fc.assert(fc.property(word, word, (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }));
    });
    it('one transposition or one typo is one edit', () => {
      fc.assert(fc.property(fc.string({ minLength: 2, maxLength: 10 }), fc.nat(), (text, at) => {
        const i = at % (text.length - 1);
        if (text[i] === text[i + 1]) return;
        const swapped = text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
        expect(editDistance(text, swapped)).toBe(1);
      }));
    });
  });
});

describe('unknownName: what a strict-mode failure was about', () => {
  const flags = new Set(['hdr', 'resolution', 'max', 'help', 'h', 'format', 'json']);
  it('an unknown command, subcommand or flag, each with its nearest name', () => {
    expect(unknownName(['qoute'], ['qoute'], COMMANDS, flags)).toBe('unknown command "qoute"; did you mean quote?');
    expect(unknownName(['ledger', 'statsu'], ['ledger', 'statsu'], COMMANDS, flags)).toBe('unknown command "ledger statsu"; did you mean ledger status? (ledger takes status or journal)');
    expect(unknownName(['quote'], ['quote', 'x', '--hdrr'], COMMANDS, flags)).toBe('quote has no flag --hdrr; did you mean --hdr?');
    expect(unknownName(['quote'], ['quote', 'x', '--zzz=1'], COMMANDS, flags)).toBe('quote has no flag --zzz');
  });
  it('passes over known flags, --no- forms, values that look negative, and what follows --', () => {
    expect(unknownName(['quote'], ['quote', 'x', '--no-hdr', '-h', '--max', '-5', '--', '--hdrr'], COMMANDS, flags)).toBeUndefined();
  });
  it('an inherited name is not a command', () => {
    expect(unknownName(['constructor'], ['constructor'], COMMANDS, flags)).toBe('unknown command "constructor"');
  });
});
