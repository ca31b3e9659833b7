// Builds the `fal-budget` bin (package.json "bin"): run by `npm run build`, so by `npm install`.
// 1. dist/cli.cjs: the whole CLI in one file, every dependency inlined, so starting it resolves
//    no packages. It is written as the function expression the launcher runs (CommonJS's module
//    wrapper), so the launcher compiles the file's text as it is instead of a 1 MB copy of it;
//    run directly by node, it calls that function itself.
// 2. dist/launcher.cjs: the launcher (src/cli/launch.ts, CommonJS) that runs it from V8's code cache.
// 3. dist/cli.cjs.cache: that cache, made by running one real quote once.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const resolveFromRoot = createRequire(join(root, 'package.json')).resolve;

/**
 * Three substitutions that only make start-up cheaper; none changes a result (the CLI tests run
 * this bundle and check hashes and MP4 lengths):
 * - zod's 40 translated error locales (260 KB of the bundle), which zod/mini's `locales` export
 *   would bring: the library only uses English (src/core/english-messages.ts imports that one
 *   file), so `locales` keeps only `en`.
 * - mp4box (180 KB) is loaded on first use: only --source and inline source_data read an MP4.
 * - @noble/hashes' portable sha256 becomes Node's native one (the same digest), loaded on first
 *   use: only tables of your own (--pricing) are hashed at run time; the bundled ones were hashed
 *   by npm run generate.
 * - yargs imports node:assert only for two internal sanity checks (strictEqual, notStrictEqual);
 *   loading node:assert pulls in its error and colour modules at every start, so yargs gets the
 *   same two checks as plain functions that throw.
 * - yargs looks for the nearest package.json (listing the working directory and each one above
 *   it, then reading the file it finds) only to guess a --version, which the CLI sets itself; its
 *   directory search (escalade) finds nothing, so that guess stays unused and reads no disk.
 * - yargs' messages are its built-in English: y18n would read a translation from "locales/en.json"
 *   three directories above the working directory (its own path is unknown in a bundle), so it
 *   gets no readFileSync, which y18n takes as "no translations" (its bundler case).
 */
const startupPlugin = {
  name: 'fal-budget-cli-startup',
  setup(bundle) {
    bundle.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      (args.importer.includes(join('node_modules', 'zod')) ? { path: 'zod-locales', namespace: 'cli-stub' } : undefined));
    bundle.onResolve({ filter: /^assert$/ }, (args) =>
      (args.importer.includes(join('node_modules', 'yargs')) ? { path: 'yargs-assert', namespace: 'cli-stub' } : undefined));
    bundle.onResolve({ filter: /^escalade\/sync$/ }, (args) =>
      (args.importer.includes(join('node_modules', 'yargs')) ? { path: 'yargs-find-up', namespace: 'cli-stub' } : undefined));
    bundle.onResolve({ filter: /\/platform-shims\/node\.js$/ }, (args) =>
      (args.importer.includes(join('node_modules', 'y18n')) ? { path: 'y18n-shim', namespace: 'cli-stub' } : undefined));
    bundle.onResolve({ filter: /^mp4box$/ }, () => ({ path: 'mp4box', namespace: 'cli-stub' }));
    bundle.onResolve({ filter: /^@noble\/hashes\/(sha2|utils)$/ }, (args) => ({ path: args.path, namespace: 'cli-stub' }));
    const stubs = {
      'zod-locales': `export { default as en } from ${JSON.stringify(resolveFromRoot('zod/v4/locales/en.js'))};`,
      'yargs-assert': `
        export const strictEqual = (actual, expected, message) => { if (actual !== expected) throw new Error(message ?? \`expected \${String(actual)} to be \${String(expected)}\`); };
        export const notStrictEqual = (actual, expected, message) => { if (actual === expected) throw new Error(message ?? \`expected \${String(actual)} not to be \${String(expected)}\`); };`,
      'yargs-find-up': 'export default () => undefined;',
      'y18n-shim': `
        import { writeFile } from 'node:fs';
        import { format } from 'node:util';
        import { resolve } from 'node:path';
        export default { fs: { readFileSync: undefined, writeFile }, format, resolve, exists: () => false };`,
      mp4box: `
        let loaded;
        const mp4box = () => (loaded ??= require(${JSON.stringify(resolveFromRoot('mp4box'))}));
        export const createFile = (...args) => mp4box().createFile(...args);
        export const MP4BoxBuffer = { fromArrayBuffer: (...args) => mp4box().MP4BoxBuffer.fromArrayBuffer(...args) };`,
      '@noble/hashes/sha2': `
        export const sha256 = (bytes) => new Uint8Array(require('node:crypto').createHash('sha256').update(bytes).digest());`,
      '@noble/hashes/utils': `export const bytesToHex = (bytes) => Buffer.from(bytes).toString('hex');`,
    };
    bundle.onLoad({ filter: /.*/, namespace: 'cli-stub' }, (args) => ({ contents: stubs[args.path], resolveDir: root, loader: 'js' }));
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', minify: true, logLevel: 'warning' };
const cache = join(root, 'dist/cli.cjs.cache');
rmSync(cache, { force: true });

await build({
  ...common,
  entryPoints: [join(root, 'src/cli/main.ts')],
  outfile: join(root, 'dist/cli.cjs'),
  // CommonJS, because V8's code cache is for scripts; `import` conditions still pick each package's ESM build.
  format: 'cjs',
  legalComments: 'linked',
  // The file is also shipped, and `node dist/cli.cjs ...` must run the CLI, not exit 0 having
  // done nothing: under Node's CommonJS loader `module` exists and the wrapper is called at once;
  // in the launcher's vm.Script (global scope, no `module`) the expression is the function.
  banner: { js: '(function (run) { return typeof module === "undefined" ? run : run(exports, require, module, __filename, __dirname); })(function (exports, require, module, __filename, __dirname) {' },
  footer: { js: '})' },
  plugins: [startupPlugin],
  define: { FAL_BUDGET_VERSION: JSON.stringify(version), 'import.meta.url': 'undefined' },
});
await build({
  ...common,
  entryPoints: [join(root, 'src/cli/launch.ts')],
  outfile: join(root, 'dist/launcher.cjs'),
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
});

chmodSync(join(root, 'dist/launcher.cjs'), 0o755);

// The launcher reads the bundle as latin1, which is its text only while every byte is ASCII
// (esbuild escapes the rest, as its default charset).
const nonAscii = readFileSync(join(root, 'dist/cli.cjs')).findIndex((byte) => byte > 0x7f);
if (nonAscii !== -1) throw new Error(`dist/cli.cjs has a non-ASCII byte at ${nonAscii}: the launcher reads it as latin1`);

const warm = spawnSync(process.execPath, [join(root, 'dist/launcher.cjs'), 'quote', 'luma/agent/ray/v3.2/video-to-video', '--resolution', '1080p', '--hdr', '--at', '2026-11-24'], {
  env: { ...process.env, FAL_BUDGET_BUILD_CODE_CACHE: cache, NO_COLOR: '1' },
  encoding: 'utf8',
});
if (warm.status !== 0) {
  throw new Error(`dist/launcher.cjs failed its build-time run (exit ${warm.status}):\n${warm.stderr}`);
}
