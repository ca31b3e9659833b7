import type { Argv } from 'yargs';
import type { ReconcileFlags } from './reconcile-command.js';

/** The flags of `fal-budget reconcile`, kept with the command so the parser registers it in one line. */
export function reconcileOptions<T>(argv: Argv<T>) {
  return argv
    .option('ledger', { type: 'string', requiresArg: true, demandOption: true, describe: 'the ledger: a ledger file path or a redis:// URL' })
    .option('since', { type: 'string', requiresArg: true, demandOption: true, describe: 'start of the range (2026-11-01, midnight UTC, or a date-time with offset)' })
    .option('until', { type: 'string', requiresArg: true, describe: 'end of the range, exclusive (default: now)' })
    .option('events', { type: 'string', requiresArg: true, describe: 'a saved export of fal\'s billing events (JSON or JSONL) instead of asking fal\'s API' })
    .option('settle-delay', { type: 'string', requiresArg: true, describe: 'rows newer than this are pending, not missing: 1h (default), 90m, 0' })
    .option('api-url', { type: 'string', requiresArg: true, describe: 'fal\'s platform API (default https://api.fal.ai); FAL_KEY must be an ADMIN key' })
    .example('$0 reconcile --ledger /var/lib/app/ledger.json --since 2026-11-01 --until 2026-12-01', 'every request of November: matched, over-reserved, quoted below billed, unguarded, unbilled')
    .example('$0 reconcile --ledger redis://localhost:6379 --since 2026-11-24 --events billing.jsonl --json', 'against a saved export of fal\'s billing events')
    .epilog('Exit codes: 0 no request was quoted below what fal billed; 3 at least one was (the report is still printed); 2 a bad flag, an unreadable ledger or events file, or fal\'s API refused or failed (one line on stderr); 1 a bug.');
}

const text = (value: unknown): string | undefined => (value === undefined ? undefined : String(value));

export function reconcileFlagsOf(argv: Record<string, unknown>): ReconcileFlags {
  return {
    ledger: String(argv.ledger), since: String(argv.since), until: text(argv.until), events: text(argv.events),
    settleDelay: text(argv.settleDelay), apiUrl: text(argv.apiUrl),
  };
}
