import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

it('fal-budget/testing is its own entry, built from src/testing, with fast-check an optional peer', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.exports['./testing']).toEqual({ types: './dist/testing/index.d.ts', default: './dist/testing/index.js' });
  expect(existsSync(join(SRC, 'testing', 'index.ts'))).toBe(true);
  expect(pkg.peerDependencies['fast-check']).toBeDefined();
  expect(pkg.peerDependenciesMeta['fast-check']).toEqual({ optional: true });
  expect(pkg.dependencies['fast-check']).toBeUndefined();
});

it('only src/testing imports fast-check, and no other entry imports src/testing: the library runs without it', () => {
  const offences: string[] = [];
  for (const file of sources(SRC)) {
    const where = relative(SRC, file).split('\\').join('/');
    if (where.startsWith('testing/')) continue;
    const text = readFileSync(file, 'utf8');
    if (/from\s+['"]fast-check['"]/.test(text)) offences.push(`${where} imports fast-check`);
    if (/from\s+['"][./]*testing\//.test(text)) offences.push(`${where} imports src/testing`);
  }
  expect(offences).toEqual([]);
});
