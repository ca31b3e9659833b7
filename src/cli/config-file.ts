import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseDecimal } from '../core/money.js';
import { CliError } from './cli-error.js';
import { fileErrorReason } from './read-input.js';

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

/** What a config file may set; a command-line flag always wins over it. */
const configSchema = z.strictObject({
  /** Also load the tables in this directory (or file), relative to the config file. */
  pricing: z.string({ error: 'expected a directory or file path as a string' }).min(1).optional(),
  /** The provider for quote, prices and describe when --provider is not given. */
  provider: z.string({ error: 'expected a provider name as a string, e.g. "fal"' }).min(1).optional(),
  /** The --max of quote and batch: a decimal string, as every amount is (never a JSON number). */
  max: z.string({ error: 'expected an amount in USD as a decimal string like "25", not a JSON number or other value' }).refine((text) => parseDecimal(text.trim()) !== undefined, 'expected an amount in USD as a decimal string like "25" or "12.50"').optional(),
});

export interface Config {
  /** The file the settings came from (package.json when they came from its "fal-budget" key). */
  readonly file: string;
  /** Absolute: resolved against the config file's directory. */
  readonly pricing?: string;
  readonly provider?: string;
  readonly max?: string;
}

/** A file's text, or undefined when there is no such file; any other failure names the file. */
function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigFileError(file, undefined, `cannot read (${fileErrorReason(error)})`, { cause: error });
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
  const result = configSchema.safeParse(settings);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.map(String).join('.');
    const reason = issue.code === 'unrecognized_keys'
      ? `unknown setting (a config file takes ${Object.keys(configSchema.shape).join(', ')})`
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
    const configText = readIfPresent(configFile);
    const packageText = readIfPresent(packageFile);
    const fromPackage = packageText === undefined ? undefined : packageSettings(packageFile, packageText);
    if (configText !== undefined && fromPackage !== undefined) {
      throw new ConfigFileError(configFile, undefined, `${packageFile} configures fal-budget too (its "${PACKAGE_KEY}" key): keep one`);
    }
    if (configText !== undefined) return validated(configFile, parseJson(configFile, configText), '');
    if (fromPackage !== undefined) return validated(packageFile, fromPackage, `${PACKAGE_KEY}.`);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
