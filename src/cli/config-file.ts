import { realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod/mini';
import { safeParseInEnglish } from '../core/english-messages.js';
import { parseDecimal } from '../core/money.js';
import { readRegularFile } from '../tables/read-regular-file.js';
import { CliError } from './cli-error.js';

const CONFIG_FILE = 'fal-budget.config.json';
/** The key of package.json that holds the same settings. */
const PACKAGE_KEY = 'fal-budget';

/** A config file that cannot be read or says something the CLI cannot use: exit 2, naming the file and key. */
export class ConfigFileError extends CliError {
  override name = 'ConfigFileError';
  readonly file: string;
  /** The setting at fault, when one is ("max", "pricing"); undefined when the file as a whole is. */
  readonly key: string | undefined;

  constructor(file: string, key: string | undefined, reason: string, options?: { cause?: unknown }) {
    super(key === undefined ? 'unreadable_input' : 'malformed_input', `${file}${key === undefined ? '' : ` at ${key}`}: ${reason}`, options);
    this.file = file;
    this.key = key;
  }
}

/**
 * What a config file may set; a command-line flag always wins over it. Built when a config file
 * is first found: most runs have none, and their start-up builds no zod type for it.
 */
const buildConfigSchema = () => z.strictObject({
  /** Also load the tables in this directory (or file), relative to the config file. */
  pricing: z.optional(z.string({ error: 'expected a directory or file path as a string' }).check(z.minLength(1))),
  /** The provider for quote, prices and describe when --provider is not given. */
  provider: z.optional(z.string({ error: 'expected a provider name as a string, e.g. "fal"' }).check(z.minLength(1))),
  /** The --max of quote and batch: a decimal string, as every amount is (never a JSON number). */
  max: z.optional(z.string({ error: 'expected an amount in USD as a decimal string like "25", not a JSON number or other value' })
    .check(z.refine((text) => parseDecimal(text.trim()) !== undefined, 'expected an amount in USD as a decimal string like "25" or "12.50"'))),
});
let configSchema: ReturnType<typeof buildConfigSchema> | undefined;

export interface Config {
  /** The file the settings came from (package.json when they came from its "fal-budget" key). */
  readonly file: string;
  /** Absolute: resolved against the config file's directory. */
  readonly pricing?: string;
  readonly provider?: string;
  readonly max?: string;
}

/** A config file is a few lines; 1 MiB is far above any real one and keeps a planted 300 MB file from being read whole. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * A file's text and fstat, or undefined when there is no such file; anything but a regular file
 * of at most MAX_CONFIG_BYTES (a FIFO, a device, a directory) is an error naming the file, and
 * never blocks: the walk passes every parent directory, where anyone may have left one.
 */
function readIfPresent(file: string): { text: string; stats: Stats } | undefined {
  // Most directories of the walk have neither file: a stat that answers "none" costs a tenth of
  // an open that throws. Anything else it meets (ENOTDIR, EACCES) is left to the open to report.
  try {
    if (statSync(file, { throwIfNoEntry: false }) === undefined) return undefined;
  } catch {
    // reported by readRegularFile below
  }
  const read = readRegularFile(file, MAX_CONFIG_BYTES);
  if (read.ok) return { text: read.text, stats: read.stats };
  if (read.missing) return undefined;
  throw new ConfigFileError(file, undefined, `cannot read (${read.reason})`, { cause: read.cause });
}

/**
 * Like git's safe.directory: settings that choose the prices and the budget are taken only from
 * a file the current user (or root) owns that no one else can write, in a directory others
 * cannot write to unless it is the user's own. A config file in /tmp, or one another user left
 * in a parent directory, is refused rather than applied. Windows has no uids: not checked there.
 */
function checkTrusted(file: string, stats: Stats): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  if (stats.uid !== uid && stats.uid !== 0) {
    throw new ConfigFileError(file, undefined, `not trusted: owned by uid ${stats.uid}, not by you (uid ${uid}) or root; a config file sets the prices and the budget, so fal-budget applies only your own (move it, or chown it)`);
  }
  if ((stats.mode & 0o022) !== 0) {
    throw new ConfigFileError(file, undefined, `not trusted: ${(stats.mode & 0o020) !== 0 ? 'group' : 'world'}-writable (mode ${(stats.mode & 0o777).toString(8)}), so others could change the prices and the budget it sets (chmod go-w it)`);
  }
  let directory: Stats;
  try {
    directory = statSync(dirname(file));
  } catch (error) {
    throw new ConfigFileError(file, undefined, `not trusted: its directory cannot be checked (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  if ((directory.mode & 0o002) !== 0 && directory.uid !== uid) {
    throw new ConfigFileError(file, undefined, `not trusted: its directory ${dirname(file)} is world-writable and not yours (like /tmp), so anyone could have put it there`);
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    // A UTF-8 BOM is what some editors write first; it is not part of the JSON.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigFileError(file, undefined, `not JSON (${(error as Error).message})`, { cause: error });
  }
}

/**
 * The settings under package.json's "fal-budget" key, or undefined when it has none. A
 * package.json that is not JSON belongs to some other tool and is passed over, unless it
 * mentions "fal-budget": then it may hold settings (a --max) that cannot be read, and quoting
 * without them would be quoting without the budget its owner set.
 */
function packageSettings(file: string, text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    if (!text.includes(`"${PACKAGE_KEY}"`)) return undefined;
    throw new ConfigFileError(file, undefined, `not JSON, and it mentions "${PACKAGE_KEY}" (${(error as Error).message})`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !Object.hasOwn(json, PACKAGE_KEY)) return undefined;
  return (json as Record<string, unknown>)[PACKAGE_KEY];
}

function validated(file: string, settings: unknown, keyPrefix: string): Config {
  const schema = (configSchema ??= buildConfigSchema());
  const result = safeParseInEnglish(schema, settings);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.map(String).join('.');
    const reason = issue.code === 'unrecognized_keys'
      ? `unknown setting (a config file takes ${Object.keys(schema.shape).join(', ')})`
      : issue.path.length === 0 ? 'expected an object of settings' : issue.message;
    throw new ConfigFileError(file, `${keyPrefix}${key}`, reason);
  }
  const { pricing, provider, max } = result.data;
  return {
    file,
    ...(pricing === undefined ? {} : { pricing: resolve(dirname(file), pricing) }),
    ...(provider === undefined ? {} : { provider }),
    ...(max === undefined ? {} : { max }),
  };
}

/**
 * The nearest config, looking in `cwd` and then each directory above it up to the filesystem
 * root: `fal-budget.config.json`, or the "fal-budget" key of package.json. Both in one directory
 * is an error (which one wins would be a guess). The walk starts from the real path, so a
 * symlinked directory cannot lead it in a loop, and it ends where dirname stops changing.
 */
export function findConfig(cwd: string): Config | undefined {
  let dir: string;
  try {
    dir = realpathSync(cwd);
  } catch {
    dir = resolve(cwd);
  }
  const seen = new Set<string>();
  while (!seen.has(dir)) {
    seen.add(dir);
    const configFile = join(dir, CONFIG_FILE);
    const packageFile = join(dir, 'package.json');
    const config = readIfPresent(configFile);
    const packageJson = readIfPresent(packageFile);
    const fromPackage = packageJson === undefined ? undefined : packageSettings(packageFile, packageJson.text);
    if (config !== undefined && fromPackage !== undefined) {
      throw new ConfigFileError(configFile, undefined, `${packageFile} configures fal-budget too (its "${PACKAGE_KEY}" key): keep one`);
    }
    if (config !== undefined) {
      checkTrusted(configFile, config.stats);
      return validated(configFile, parseJson(configFile, config.text), '');
    }
    if (fromPackage !== undefined) {
      checkTrusted(packageFile, packageJson!.stats);
      return validated(packageFile, fromPackage, `${PACKAGE_KEY}.`);
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
