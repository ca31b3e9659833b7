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
 * never stops `validate` or `ledger`. `applied` says which file set which flags ("settings from
 * /repo/fal-budget.config.json: --pricing /repo/tables, --max 25"), undefined when it set none:
 * the CLI prints it on stderr, so a config file is never applied silently.
 */
export function withConfigDefaults<T extends Invocation>(invocation: T, cwd: string): { invocation: T; applied: string | undefined } {
  if (invocation.command === 'ledger') return { invocation, applied: undefined };
  const takes = TAKES[invocation.command];
  if (takes === undefined) return { invocation, applied: undefined };
  const config: Config | undefined = findConfig(cwd);
  if (config === undefined) return { invocation, applied: undefined };
  const flags = { ...invocation.flags } as Record<string, unknown>;
  const set: string[] = [];
  for (const key of takes) {
    if (flags[key] !== undefined || config[key] === undefined) continue;
    flags[key] = config[key];
    set.push(`--${key} ${config[key]}`);
    if (key === 'provider') flags.providerFrom = `provider in ${config.file}`;
  }
  return { invocation: { ...invocation, flags }, applied: set.length === 0 ? undefined : `settings from ${config.file}: ${set.join(', ')}` };
}
