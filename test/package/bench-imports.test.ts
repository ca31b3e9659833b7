import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm run bench` runs bench/*.bench.mjs against the build (../dist). When fileLedger and
 * redisLedger moved to fal-budget/node, two benches kept importing them from the root and died
 * at their first line, which nothing but a bench run noticed. Each named import of ../dist/X.js
 * must be an export of src/X.ts, which tsc compiles to it.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const BENCH = join(ROOT, 'bench');
const IMPORT = /^import \{([^}]+)\} from '\.\.\/dist\/([^']+)\.js';$/gm;

const benches = readdirSync(BENCH).filter((name) => name.endsWith('.mjs'));

describe('the benchmarks import what the build exports', () => {
  it('finds the benchmarks and their imports of the build', () => {
    expect(benches.length).toBeGreaterThanOrEqual(5);
    expect(benches.flatMap((name) => [...readFileSync(join(BENCH, name), 'utf8').matchAll(IMPORT)]).length).toBeGreaterThanOrEqual(5);
  });

  it.each(benches)('%s', async (name) => {
    for (const [, names, module] of readFileSync(join(BENCH, name), 'utf8').matchAll(IMPORT)) {
      const exported = (await import(join(ROOT, 'src', `${module}.ts`))) as Record<string, unknown>;
      for (const imported of names!.split(',').map((part) => part.trim().split(/\s+as\s+/)[0]!).filter(Boolean)) {
        expect(exported[imported], `${name}: ${imported} from ../dist/${module}.js`).toBeDefined();
      }
    }
  });
});
