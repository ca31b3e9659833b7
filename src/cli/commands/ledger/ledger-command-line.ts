import type { Argv, CommandModule } from 'yargs';
import type { OutputFormat } from '../../output-format.js';
import type { JournalFormat, LedgerInvocation } from './ledger-flags.js';

/** What yargs made of a ledger command line (the parser's Parsed, narrowed to ledger commands). */
export type LedgerParsed =
  | { readonly kind: 'run'; readonly invocation: LedgerInvocation }
  | { readonly kind: 'usage'; readonly message: string };

const EXIT_CODES = `Exit codes: 0 printed; 2 a bad command line or --ledger value (no such file, a directory, not a redis:// URL) or a bad --since/--until (one line on stderr); 4 the ledger is unavailable: Redis unreachable or too slow, no ledger under that --prefix and --key-prefix, a ledger file that cannot be read or is corrupt; 1 a bug.`;

function ledgerOptions<T>(argv: Argv<T>) {
  return argv
    .option('ledger', { type: 'string', requiresArg: true, demandOption: true, describe: 'the ledger: a file path, or a redis:// or rediss:// URL' })
    .option('prefix', { type: 'string', requiresArg: true, describe: 'a Redis ledger\'s prefix (default fal-budget), as given to redisLedger()' })
    .option('key-prefix', { type: 'string', requiresArg: true, describe: 'the ioredis keyPrefix of the client the app passes to redisLedger(), if any' });
}

/**
 * `fal-budget ledger status|journal`, for parser.ts to register. Both only read: a file ledger
 * is read without its lock, Redis through a connection that refuses every write.
 */
export function ledgerCommandLine(handler: (argv: Record<string, unknown>) => void): CommandModule {
  return {
    command: 'ledger',
    describe: 'look inside a budget ledger (file or Redis), read-only',
    builder: (argv) => argv
      .command(
        'status',
        'every budget key: limit, spent, reserved, open holds, a bar of what is used',
        (sub) => ledgerOptions(sub)
          .example('$0 ledger status --ledger /var/lib/app/budget-ledger.json', 'a table with a bar per key')
          .example('$0 ledger status --ledger redis://127.0.0.1:6379 --prefix myapp --json', 'the same as JSON, money as decimal strings')
          .epilog(`Holds past their expiry count as spent in what is shown; the ledger itself is not changed.\n\n${EXIT_CODES}`),
        handler,
      )
      .command(
        'journal',
        'the spend journal: every settled hold as JSONL, or totals per day and endpoint',
        (sub) => ledgerOptions(sub)
          .option('since', { type: 'string', requiresArg: true, describe: 'entries settled at or after this date (2026-11-24, midnight UTC) or date-time with offset' })
          .option('until', { type: 'string', requiresArg: true, describe: 'entries settled before this date or date-time with offset' })
          // Merged with the global --format: jsonl joins its choices and is this command's default.
          .option('format', { choices: ['jsonl'], default: 'jsonl', describe: 'jsonl: one entry a line; table, markdown, json: totals per day and endpoint' })
          .example('$0 ledger journal --ledger ledger.json --since 2026-11-01 --until 2026-12-01 > november.jsonl', 'November\'s settlements, one JSON object a line')
          .example('$0 ledger journal --ledger redis://127.0.0.1:6379 --format markdown', 'spend per day and endpoint, for a report')
          .epilog(`Entries: {"at": epoch ms, "outcome": "committed"|"released"|"expired", "holdId", "amount": "4.32", "budgets": [...], "requestId"?, "endpoint"?, "provider"?, "pricingVersion"?, "pricingSha256"?, "scope"?}.\n\n${EXIT_CODES}`),
        handler,
      )
      .demandCommand(1, 'name a ledger command: status or journal'),
    handler: () => {},
  };
}

/** Whether the command line names --format itself (the journal's default differs from every other command's). */
function formatGiven(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--format' || arg.startsWith('--format=')) return true;
  }
  return false;
}

/** The ledger invocation yargs captured, or the usage error in it. */
export function ledgerInvocation(argv: Record<string, unknown>, args: readonly string[]): LedgerParsed {
  const action = (argv._ as unknown[])[1];
  const keyPrefix = argv['key-prefix'];
  const flags = {
    ledger: String(argv.ledger),
    ...(argv.prefix === undefined ? {} : { prefix: String(argv.prefix) }),
    ...(keyPrefix === undefined ? {} : { keyPrefix: String(keyPrefix) }),
  };
  const json = argv.json === true;
  let format = argv.format as JournalFormat;
  if (json) {
    if (formatGiven(args) && format !== 'json') return { kind: 'usage', message: `--json and --format ${format} contradict each other: give one` };
    format = 'json';
  }
  if (action === 'status') {
    return { kind: 'run', invocation: { command: 'ledger', action, format: format as OutputFormat, flags } };
  }
  const since = argv.since === undefined ? {} : { since: String(argv.since) };
  const until = argv.until === undefined ? {} : { until: String(argv.until) };
  return { kind: 'run', invocation: { command: 'ledger', action: 'journal', format, flags: { ...flags, ...since, ...until } } };
}
