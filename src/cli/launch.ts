// dist/launcher.cjs, the `fal-budget` bin: runs the bundled CLI (dist/cli.cjs) from the V8 code
// cache that the build made (dist/cli.cjs.cache). Node 20 has no module compile cache of its own,
// and compiling a 1 MB bundle and its first-run functions is most of a cold start. A cache V8
// rejects (another Node version) is ignored: the bundle is then compiled as usual.
//
// Built as CommonJS (scripts/build-cli.mjs), so `require` and `__dirname` are CommonJS's own: a
// bin that is an ES module makes Node load its ES module loader first, 3 ms of a 50 ms start
// (`node empty.mjs` against `node empty.cjs`, measured 2026-12-04) that a quote never uses.
/* eslint-disable @typescript-eslint/no-require-imports -- see above: this file is CommonJS */
const { readFileSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
const { join } = require('node:path') as typeof import('node:path');
const { Script } = require('node:vm') as typeof import('node:vm');
const { createRequire } = require('node:module') as typeof import('node:module');

// Start-up allocates a few MB that all live on (the bundle's modules, the tables), and V8's
// young generation starts at 1 MB and doubles when full: four scavenges copying survivors, 4-5 ms
// of a quote. Growing it eightfold instead takes two. It only sizes the young generation (a long
// batch reaches the same maximum either way) and changes no result. Set before the bundle is
// compiled: V8 keys its code cache to its flags, and the build's cache is made with this one.
(require('node:v8') as typeof import('node:v8')).setFlagsFromString('--semi-space-growth-factor=8');

const bundle = join(__dirname, 'cli.cjs');
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
const bundleModule = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(bundleModule.exports, createRequire(bundle), bundleModule, bundle, __dirname);

// The build runs one real command with this set, then keeps the functions it compiled.
if (process.env.FAL_BUDGET_BUILD_CODE_CACHE === cache) {
  process.once('beforeExit', () => writeFileSync(cache, script.createCachedData()));
}
