// dist/cli.mjs, the `fal-budget` bin: runs the bundled CLI (dist/cli.cjs) from the V8 code cache
// that the build made (dist/cli.cjs.cache). Node 20 has no module compile cache of its own, and
// compiling a 600 KB bundle and its first-run functions is most of a cold start. A cache V8
// rejects (another Node version) is ignored: the bundle is then compiled as usual.
import { createRequire } from 'node:module';

// Built-ins through require, not `import`: an ES import of node:fs builds its namespace from
// every export, and reading fs.ReadStream and fs.promises loads Node's streams (2 ms) for
// nothing a quote uses.
const require = createRequire(import.meta.url);
const { readFileSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
const { fileURLToPath } = require('node:url') as typeof import('node:url');
const { Script } = require('node:vm') as typeof import('node:vm');

// Start-up allocates a few MB that all live on (the bundle's modules, the tables), and V8's
// young generation starts at 1 MB and doubles when full: four scavenges copying survivors, 4-5 ms
// of a quote. Growing it eightfold instead takes two. It only sizes the young generation (a long
// batch reaches the same maximum either way) and changes no result. Set before the bundle is
// compiled: V8 keys its code cache to its flags, and the build's cache is made with this one.
(require('node:v8') as typeof import('node:v8')).setFlagsFromString('--semi-space-growth-factor=8');

const bundle = fileURLToPath(new URL('./cli.cjs', import.meta.url));
const cache = `${bundle}.cache`;
// The bundle is ASCII (the build checks it): latin1 gives the same text without decoding UTF-8.
const source = readFileSync(bundle, 'latin1');
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cache);
} catch {
  cachedData = undefined;
}
// The file is one function expression, CommonJS's module wrapper included (scripts/build-cli.mjs).
const script = new Script(source, { filename: bundle, cachedData });
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, fileURLToPath(new URL('.', import.meta.url)));

// The build runs one real command with this set, then keeps the functions it compiled.
if (process.env.FAL_BUDGET_BUILD_CODE_CACHE === cache) {
  process.once('beforeExit', () => writeFileSync(cache, script.createCachedData()));
}
