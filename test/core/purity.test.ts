import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '..', '..', 'src', 'core');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

it('src/core imports only zod, decimal.js and itself, and touches no clock, console or process', () => {
  const offences: string[] = [];
  for (const file of sources(CORE)) {
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      if (!['zod', 'decimal.js'].includes(specifier!) && !specifier!.startsWith('.')) offences.push(`${file}: imports ${specifier}`);
    }
    for (const banned of ['Date.now(', 'new Date()', 'console.', 'process.', 'Math.random(']) {
      if (text.includes(banned)) offences.push(`${file}: uses ${banned}`);
    }
  }
  expect(offences).toEqual([]);
});
