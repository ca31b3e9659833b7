import type { Argv } from 'yargs';
import type { PricingCheckFlags } from './pricing-check-command.js';

/** The flags of `fal-budget pricing check`, kept with the command so the parser registers it in one line. */
export function pricingCheckOptions<T>(argv: Argv<T>) {
  return argv
    .positional('action', { choices: ['check'], describe: 'check: compare the tables in effect with fal\'s pricing API' })
    .option('at', { type: 'string', requiresArg: true, describe: 'check the tables in effect at this date (default now)' })
    .option('pricing', { type: 'string', requiresArg: true, describe: 'also load the pricing tables in this directory (or file)' })
    .option('write', { type: 'string', requiresArg: true, describe: 'draft a new table version for the changed endpoints in this directory (never over an existing file)' })
    .option('api-url', { type: 'string', requiresArg: true, describe: 'fal\'s platform API (default https://api.fal.ai); FAL_KEY from the environment' })
    .example('$0 pricing check', 'each fal endpoint: unchanged, changed (old → new) or unknown unit; exit 3 when a price changed')
    .example('$0 pricing check --write drafts/ --json', 'and draft drafts/fal/<today>.json with the changed cards scaled, for review')
    .epilog('Exit codes: 0 every fal price unchanged; 3 a price changed (with --write, the draft is written, or the cells it cannot derive are listed); 2 an endpoint could not be compared (unknown unit, no price from fal), a bad flag, or fal\'s API refused or failed; 1 a bug.');
}

const text = (value: unknown): string | undefined => (value === undefined ? undefined : String(value));

export function pricingCheckFlagsOf(argv: Record<string, unknown>): PricingCheckFlags {
  return { at: text(argv.at), pricing: text(argv.pricing), apiUrl: text(argv.apiUrl), write: text(argv.write) };
}
