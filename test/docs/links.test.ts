import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/support/cli.js';

/*
 * Every relative link of README.md and docs/*.md reaches a file, and every #anchor a heading of
 * it: the manual is split over several pages, and a moved section must not leave a dead link.
 */

const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

/** The text outside fenced blocks, where headings and links are markdown. */
function prose(markdown: string): string {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (/^```/.test(line)) fenced = !fenced;
    return !fenced && !/^```/.test(line);
  }).join('\n');
}

function anchors(file: string): Set<string> {
  return new Set([...prose(readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1]!)));
}

describe('links between the docs', () => {
  for (const page of PAGES) {
    it(`${page}: every relative link and anchor resolves`, () => {
      const text = prose(readFileSync(join(ROOT, page), 'utf8')).replace(/`[^`\n]*`/g, '');
      const dead: string[] = [];
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const file = path === '' ? join(ROOT, page) : join(dirname(join(ROOT, page)), path);
        if (!existsSync(file)) dead.push(`${target}: no file ${relative(ROOT, file)}`);
        else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor)) dead.push(`${target}: no heading #${anchor}`);
      }
      expect(dead).toEqual([]);
    });
  }
});
