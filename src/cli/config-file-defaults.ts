import type { LedgerInvocation } from './commands/ledger/ledger-flags.js';
import { findConfig, type Config } from './config-file.js';
import type { Invocation } from './parser.js';

type Command = Exclude<Invocation, LedgerInvocation>['command'];

/** Which settings each command takes from a config file; a command not listed reads none. */
const TAKES: Partial<Record<Command, readonly ('pricing' | 'provider' | 'max')[]>> = {
  quote: ['pricing', 'provider', 'max'],
  batch: ['pricing', 'max'],
  prices: ['pricing', 'provider'],
  describe: ['pricing', 'provider'],
  versions: ['pricing'],
  diff: ['pricing'],
  'pricing-check': ['pricing'],
};

/**
 * The invocation with the nearest config file's settings under its flags: a flag given on the
 * command line wins. Only a command that takes a setting looks for the file, so a broken config
 * never stops `validate` or `ledger`.
 */
export function withConfigDefaults<T extends Invocation>(invocation: T, cwd: string): T {
  if (invocation.command === 'ledger') return invocation;
  const takes = TAKES[invocation.command];
  if (takes === undefined) return invocation;
  const config: Config | undefined = findConfig(cwd);
  if (config === undefined) return invocation;
  const flags = { ...invocation.flags } as Record<string, unknown>;
  for (const key of takes) {
    if (flags[key] !== undefined || config[key] === undefined) continue;
    flags[key] = config[key];
    if (key === 'provider') flags.providerFrom = `provider in ${config.file}`;
  }
  return { ...invocation, flags };
}
