import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '..', '..', 'src', 'core');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

// zod/mini, not `zod`: `zod`'s schemas carry every method, and so every schema kind and the JSON
// Schema generator, into a bundle of the root (test/package/root-bundle.test.ts). Its English
// messages come from the one locale file.
const PACKAGES = ['zod/mini', 'zod/v4/locales/en.js', 'decimal.js'];

it('src/core imports only zod/mini, decimal.js and itself, and touches no clock, console or process', () => {
  const offences: string[] = [];
  for (const file of sources(CORE)) {
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      if (!PACKAGES.includes(specifier!) && !specifier!.startsWith('.')) offences.push(`${file}: imports ${specifier}`);
    }
    for (const banned of ['Date.now(', 'new Date()', 'console.', 'process.', 'Math.random(']) {
      if (text.includes(banned)) offences.push(`${file}: uses ${banned}`);
    }
  }
  expect(offences).toEqual([]);
});
