import { build, type Metafile } from 'esbuild';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

const ROOT = join(import.meta.dirname, '..', '..');

/** Bundles `contents` (imports relative to the repo root) as a bare runtime would get it: no Node built-ins. */
export async function bundle(contents: string, format: 'esm' | 'iife' = 'esm'): Promise<{ code: string; bytes: number; metafile: Metafile }> {
  // platform 'neutral' resolves no Node built-in: any node:* import reachable from the entry fails the build.
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' }, bundle: true, minify: true, platform: 'neutral', format,
    mainFields: ['module', 'main'], conditions: ['import'], globalName: 'falBudget', write: false, metafile: true, logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.text, bytes: result.outputFiles[0]!.contents.length, metafile: result.metafile };
}

/**
 * Runs an iife bundle of `contents` in a bare context (no require, process, Buffer or fs; only
 * what a browser or edge runtime has) and returns what it exports. The bundle has its own copy of
 * every package, zod's global configuration included: nothing of this process reaches it.
 */
export async function runBundled<Exports>(contents: string): Promise<Exports> {
  const { code } = await bundle(contents, 'iife');
  const context: Record<string, unknown> = { TextEncoder, URL, atob, console, crypto: globalThis.crypto };
  runInNewContext(`${code}\nthis.falBudget = falBudget;`, context);
  return context.falBudget as Exports;
}
